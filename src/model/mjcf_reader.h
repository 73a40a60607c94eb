/* src/model/mjcf_reader.h — MJCF to the model IR (see mjcf_reader.c). */
#ifndef WR_MODEL_MJCF_READER_H
#define WR_MODEL_MJCF_READER_H

#include "model/model_ir.h"
#include "model/xml_doc.h"
#include "worldrunner/model.h"

/* Read the document whose root element is `root` (IR file `file`; `path` is its file name, NULL for a string) into
 * `ir`, which holds nothing yet. */
wr_status mjcf_read(ir_model *ir, xml_reader *xml, struct _xmlNode *root, int file, const char *path,
                    const wr_model_load_options *options);

#endif
