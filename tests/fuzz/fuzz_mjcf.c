/* libFuzzer target: the MJCF reader and compiler on arbitrary bytes; a model that loads is instantiated in a world
 * and stepped a few times (the compiler's output must be a valid skeleton). Any crash, sanitizer report or leak is a
 * bug; refusing the input with a status is the expected outcome for almost everything. */
#include <stddef.h>
#include <stdint.h>

#include "worldrunner/worldrunner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wr_model_load_options o;
    wr_model_load_options_init(&o);
    o.format = WR_MODEL_FORMAT_MJCF;
    o.strict = size > 0 && (data[0] & 1); /* both paths of every warning */
    o.max_bytes = 1 << 20;
    wr_model *m = NULL;
    if (wr_model_load_string((const char *)data, size, &o, &m) != WR_OK)
        return 0;
    wr_world *w = NULL;
    if (wr_world_create(NULL, &w) == WR_OK) {
        if (wr_world_add_model(w, m, NULL, NULL) == WR_OK)
            (void)wr_world_step(w, 3);
        wr_world_destroy(w);
    }
    wr_model_destroy(m);
    return 0;
}
