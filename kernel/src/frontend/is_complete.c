/* is_complete.c: is_complete_request for C cells. */
#include "frontend/cell.h"
#include "session/session.h"

#include <stdlib.h>
#include <string.h>

const char *session_is_complete(const char *code, char **indent)
{
    int depth = 0;
    const char *status = cell_completeness(code ? code : "", &depth);
    if (indent) {
        int n = !strcmp(status, "incomplete") ? 4 * (depth > 8 ? 8 : depth) : 0;
        *indent = malloc((size_t)n + 1);
        if (*indent) {
            memset(*indent, ' ', (size_t)n);
            (*indent)[n] = 0;
        }
    }
    return status;
}
