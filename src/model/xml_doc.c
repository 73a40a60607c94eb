/* libxml2 documents with limits, checked elements and attribute values.
 *
 * Why libxml2 (Debian libxml2-dev): it reports a line number for every node (xmlGetLineNo, beyond 65535 lines with
 * XML_PARSE_BIG_LINES), it is a well-kept parser fuzzed by OSS-Fuzz, and it guards against entity expansion and
 * excessive nesting by default. XInclude is not needed: MJCF's <include> is handled by the MJCF reader itself.
 * Documents are read from memory after the file size is checked, never from the network (XML_PARSE_NONET), with
 * libxml2's own error printing off (the error is read back from the parser context).
 */
#define _XOPEN_SOURCE 700
#include "model/xml_doc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/status_internal.h"

void xml_reader_init(xml_reader *r, ir_model *ir, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    r->ir = ir;
    r->max_bytes = max_bytes;
}

void xml_reader_free(xml_reader *r)
{
    for (int i = 0; i < r->doc_count; i++)
        xmlFreeDoc(r->docs[i]);
    free(r->docs);
    r->docs = NULL;
    r->doc_count = r->doc_cap = 0;
}

static wr_status keep_doc(xml_reader *r, xmlDoc *doc)
{
    if (r->doc_count == r->doc_cap) {
        int cap = r->doc_cap ? 2 * r->doc_cap : 8;
        void *p = realloc(r->docs, (size_t)cap * sizeof(xmlDoc *));
        if (!p) {
            xmlFreeDoc(doc);
            return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for the document list");
        }
        r->docs = p;
        r->doc_cap = cap;
    }
    r->docs[r->doc_count++] = doc;
    return WR_OK;
}

/* Parse a buffer registered as IR file `file`. */
static wr_status parse_buffer(xml_reader *r, const char *buffer, size_t length, int file, xmlNode **root)
{
    if (length > (size_t)INT_MAX)
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, (ir_src){file, 0}, NULL, "document too large (%zu bytes)",
                       length);
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for an XML parser");
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, buffer, (int)length, ir_file(r->ir, file), NULL, options);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[200] = "not well-formed XML";
        int line = 0;
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
            line = e->line;
        }
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return ir_fail(r->ir, WR_ERR_PARSE, (ir_src){file, line}, NULL, "XML syntax error: %s", msg);
    }
    xmlFreeParserCtxt(ctxt);
    wr_status st = keep_doc(r, doc);
    if (st != WR_OK)
        return st;
    xmlNode *top = xmlDocGetRootElement(doc);
    if (!top)
        return ir_fail(r->ir, WR_ERR_PARSE, (ir_src){file, 1}, NULL, "the document has no root element");
    *root = top;
    return WR_OK;
}

wr_status xml_read_memory(xml_reader *r, const char *buffer, size_t length, const char *name, xmlNode **root,
                          int *file)
{
    wr_status st;
    int f = ir_add_file(r->ir, name, &st);
    if (f < 0)
        return st;
    if (length > r->max_bytes)
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, (ir_src){f, 0}, NULL,
                       "document of %zu bytes is larger than the limit of %zu bytes", length, r->max_bytes);
    *file = f;
    return parse_buffer(r, buffer, length, f, root);
}

wr_status xml_read_file(xml_reader *r, const char *path, ir_src from, const char *element, xmlNode **root,
                        int *file)
{
    wr_status st;
    int f = ir_add_file(r->ir, path, &st);
    if (f < 0)
        return st;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, from, element, "cannot open '%s': %s", path, strerror(errno));
    char *buffer = NULL;
    long size = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        size = ftell(fp);
    if (size < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, from, element, "cannot read '%s' (not a regular file?)", path);
    }
    if ((unsigned long)size > r->max_bytes) {
        fclose(fp);
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, from, element,
                       "'%s' has %ld bytes, more than the limit of %zu bytes", path, size, r->max_bytes);
    }
    buffer = malloc((size_t)size + 1);
    if (!buffer) {
        fclose(fp);
        return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory to read '%s' (%ld bytes)", path, size);
    }
    size_t got = fread(buffer, 1, (size_t)size, fp);
    int err = ferror(fp);
    fclose(fp);
    if (err || got != (size_t)size) {
        free(buffer);
        return ir_fail(r->ir, WR_ERR_INVALID_ARGUMENT, from, element, "cannot read '%s'", path);
    }
    *file = f;
    st = parse_buffer(r, buffer, got, f, root);
    free(buffer);
    return st;
}

/* ---- nodes ------------------------------------------------------------------------------------------------- */

xmlNode *xml_next_element(xmlNode *node)
{
    while (node && node->type != XML_ELEMENT_NODE)
        node = node->next;
    return node;
}

xmlNode *xml_first_child(xmlNode *node) { return node ? xml_next_element(node->children) : NULL; }
const char *xml_node_name(const xmlNode *node) { return (const char *)node->name; }
int xml_node_line(const xmlNode *node) { return (int)xmlGetLineNo(node); }

/* ---- elements ---------------------------------------------------------------------------------------------- */

static int allowed_name(const char *const *allowed, const char *name)
{
    if (!allowed)
        return 1;
    for (; *allowed; allowed++)
        if (strcmp(*allowed, name) == 0)
            return 1;
    return 0;
}

wr_status xml_elem_open(xml_reader *r, xmlNode *node, int file, const char *const *allowed, xml_elem *e)
{
    memset(e, 0, sizeof *e);
    e->node = node;
    e->name = xml_node_name(node);
    e->src.file = file;
    e->src.line = xml_node_line(node);
    for (xmlAttr *a = node->properties; a; a = a->next) {
        const char *key = (const char *)a->name;
        if (a->ns && a->ns->prefix)
            return ir_fail(r->ir, WR_ERR_PARSE, e->src, e->name, "namespaced attribute '%s:%s' is not allowed",
                           (const char *)a->ns->prefix, key);
        if (!allowed_name(allowed, key))
            return ir_fail(r->ir, WR_ERR_PARSE, e->src, e->name, "unknown attribute '%s'", key);
        if (e->count == XML_MAX_ATTRIBUTES)
            return ir_fail(r->ir, WR_ERR_PARSE, e->src, e->name, "more than %d attributes", XML_MAX_ATTRIBUTES);
        xmlChar *v = xmlNodeListGetString(node->doc, a->children, 1);
        if (!v) {
            v = xmlStrdup((const xmlChar *)"");
            if (!v)
                return WR_FAIL(WR_ERR_OUT_OF_MEMORY, "no memory for an attribute value");
        }
        e->keys[e->count] = key;
        e->values[e->count] = (char *)v;
        e->count++;
    }
    return WR_OK;
}

void xml_elem_close(xml_elem *e)
{
    for (int i = 0; i < e->count; i++)
        xmlFree(e->values[i]);
    e->count = 0;
}

const char *xml_elem_get(const xml_elem *e, const char *key)
{
    for (int i = 0; i < e->count; i++)
        if (strcmp(e->keys[i], key) == 0)
            return e->values[i];
    return NULL;
}

/* ---- values ------------------------------------------------------------------------------------------------ */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

wr_status xml_doubles(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                      int min, int max, double *out, int *count)
{
    int n = 0;
    const char *p = text;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        if (n == max)
            return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s' has more than %d number%s: \"%.60s\"",
                           attr, max, max == 1 ? "" : "s", text);
        char *end = NULL;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || (*end && !is_space(*end)))
            return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s': \"%.60s\" is not a list of numbers", attr,
                           text);
        if (!isfinite(x))
            return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s': %.*s is not a finite number", attr,
                           (int)(end - p > 40 ? 40 : end - p), p);
        out[n++] = x;
        p = end;
    }
    if (n < min)
        return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s' needs %s%d number%s, got %d", attr,
                       min == max ? "" : "at least ", min, min == 1 ? "" : "s", n);
    if (count)
        *count = n;
    return WR_OK;
}

wr_status xml_int(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text, long lo,
                  long hi, long *out)
{
    const char *p = text;
    while (is_space(*p))
        p++;
    char *end = NULL;
    errno = 0;
    long v = strtol(p, &end, 10);
    while (end && is_space(*end))
        end++;
    if (end == p || !end || *end || errno)
        return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s': \"%.60s\" is not an integer", attr, text);
    if (v < lo || v > hi)
        return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s': %ld is out of range [%ld, %ld]", attr, v, lo,
                       hi);
    *out = v;
    return WR_OK;
}

wr_status xml_keyword(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                      const char *const *words, int *out)
{
    char list[160] = "";
    size_t used = 0;
    for (int i = 0; words[i]; i++) {
        if (strcmp(text, words[i]) == 0) {
            *out = i;
            return WR_OK;
        }
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", words[i]);
        if (n > 0 && used + (size_t)n < sizeof list)
            used += (size_t)n;
    }
    return ir_fail(ir, WR_ERR_PARSE, src, element, "attribute '%s': \"%.40s\" is not one of: %s", attr, text, list);
}

wr_status xml_bool(const ir_model *ir, ir_src src, const char *element, const char *attr, const char *text,
                   int *out)
{
    static const char *const words[] = {"false", "true", NULL};
    return xml_keyword(ir, src, element, attr, text, words, out);
}
