/* src/model/xml_doc.h — what the MJCF and URDF readers need of libxml2: documents read with limits, elements with
 * their attributes checked against a list of allowed names, and numbers, integers, booleans and keywords parsed
 * with errors that name the file, line, element and attribute.
 *
 * Documents stay alive until xml_reader_free (an element's strings point into them). Numbers are read in the "C"
 * locale (the public load functions switch the thread's locale for the duration of a load).
 */
#ifndef WR_MODEL_XML_DOC_H
#define WR_MODEL_XML_DOC_H

#include <stddef.h>

#include "model/model_ir.h"

struct _xmlDoc;
struct _xmlNode;

typedef struct xml_reader {
    ir_model *ir;
    size_t max_bytes;               /* largest document accepted */
    struct _xmlDoc **docs;          /* every document read, freed together */
    int doc_count, doc_cap;
} xml_reader;

void xml_reader_init(xml_reader *r, ir_model *ir, size_t max_bytes);
void xml_reader_free(xml_reader *r);

/* Read and parse a file (at most max_bytes) / a buffer. `from` and `element` locate the request (an include) for
 * errors about the file itself (missing, too large). *file receives the IR file index; *root the root element. */
wr_status xml_read_file(xml_reader *r, const char *path, ir_src from, const char *element, struct _xmlNode **root,
                        int *file);
wr_status xml_read_memory(xml_reader *r, const char *buffer, size_t length, const char *name, struct _xmlNode **root,
                          int *file);

/* The next element among `node` and its following siblings (text, comments skipped), or NULL. */
struct _xmlNode *xml_next_element(struct _xmlNode *node);
struct _xmlNode *xml_first_child(struct _xmlNode *node);
const char *xml_node_name(const struct _xmlNode *node);
int xml_node_line(const struct _xmlNode *node);

/* An element opened for reading: its attributes, checked against the allowed names. */
#define XML_MAX_ATTRIBUTES 48
typedef struct xml_elem {
    const struct _xmlNode *node;
    const char *name;               /* element name */
    ir_src src;
    int count;
    const char *keys[XML_MAX_ATTRIBUTES];
    char *values[XML_MAX_ATTRIBUTES]; /* owned (libxml2 strings) */
} xml_elem;

/* Open `node` of IR file `file`: every attribute must be in `allowed` (NULL-terminated; NULL = accept any), else
 * WR_ERR_PARSE naming it. Close frees the values (also after a failed open). */
wr_status xml_elem_open(xml_reader *r, struct _xmlNode *node, int file, const char *const *allowed, xml_elem *e);
void xml_elem_close(xml_elem *e);
/* The value of attribute `key`, or NULL if absent. */
const char *xml_elem_get(const xml_elem *e, const char *key);

/* Parse `text` (attribute `attr` of `element`, written at `src`) as min..max numbers into out; *count (may be NULL)
 * receives how many. Not a number, too few or too many, NaN or infinity: WR_ERR_PARSE with the location. */
wr_status xml_doubles(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                      int min, int max, double *out, int *count);
wr_status xml_int(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text, long lo,
                  long hi, long *out);
wr_status xml_bool(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                   int *out);
/* Index of `text` in the NULL-terminated `words`, else WR_ERR_PARSE listing them. */
wr_status xml_keyword(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                      const char *const *words, int *out);

#endif
