/* URDF to the model IR. */
#include "model/urdf_reader.h"

#include "core/status_internal.h"

wr_status urdf_read(ir_model *ir, xml_reader *xml, struct _xmlNode *root, int file,
                    const wr_model_load_options *options)
{
    (void)ir;
    (void)xml;
    (void)root;
    (void)file;
    (void)options;
    return WR_FAIL(WR_ERR_UNSUPPORTED, "URDF is not read yet");
}
