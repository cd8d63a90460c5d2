/* display.c: display_data / update_display_data / clear_output / execute_result. */
#include "protocol/display.h"

#include "io/sink.h"
#include "protocol/iopub.h"

#include <stdlib.h>
#include <string.h>

static void display(void *ctx, json_t *bundle, const char *display_id, int update)
{
    kernel *k = ctx;
    if (!update && k->sess && session_in_result(k->sess)) {
        if (k->silent) {
            json_decref(bundle);
        } else {
            const char *text = json_string_value(json_object_get(bundle, "text/plain"));
            if (text && !k->result_text)
                k->result_text = strdup(text);
            iopub_send("execute_result",
                       json_pack("{s:i, s:o, s:{}}", "execution_count", k->execution_count, "data",
                                 bundle, "metadata"),
                       NULL);
        }
    } else {
        json_t *content = json_pack("{s:o, s:{}}", "data", bundle, "metadata");
        if (display_id)
            json_object_set_new(content, "transient", json_pack("{s:s}", "display_id", display_id));
        iopub_send(update && display_id ? "update_display_data" : "display_data", content, NULL);
    }
}

static void clear_output(void *ctx, int wait)
{
    (void)ctx;
    iopub_send("clear_output", json_pack("{s:b}", "wait", wait), NULL);
}

void display_install(kernel *k)
{
    sink_target t = {
        .display = display, .clear_output = clear_output, .wait_below = iopub_wait_below, .ctx = k};
    sink_install(&t);
}
