/* src/model/urdf_reader.h — URDF to the model IR (see urdf_reader.c). */
#ifndef WR_MODEL_URDF_READER_H
#define WR_MODEL_URDF_READER_H

#include "model/model_ir.h"
#include "model/xml_doc.h"
#include "worldrunner/model.h"

/* Read the <robot> document `root` (IR file `file`) into `ir`, which holds nothing yet. */
wr_status urdf_read(ir_model *ir, xml_reader *xml, struct _xmlNode *root, int file,
                    const wr_model_load_options *options);

#endif
