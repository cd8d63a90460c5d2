/* json_text.c: JSON strings from any bytes (see json_text.h). */
#include "protocol/json_text.h"

#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

json_t *json_text(const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    char *clean = malloc(3 * len + 1);
    if (!clean)
        return NULL;
    size_t n = utf8_sanitize(s, len, clean, 0, NULL);
    j = json_stringn(clean, n);
    free(clean);
    return j;
}

json_t *json_error_content(const char *ename, const char *evalue, char *const *traceback, int n,
                           int with_status)
{
    json_t *c = json_object();
    json_t *tb = json_array();
    if (with_status)
        json_object_set_new(c, "status", json_string("error"));
    json_object_set_new(c, "ename", json_text(ename && *ename ? ename : "Error"));
    json_object_set_new(c, "evalue", json_text(evalue));
    for (int i = 0; i < n; i++)
        if (traceback[i])
            json_array_append_new(tb, json_text(traceback[i]));
    json_object_set_new(c, "traceback", tb);
    return c;
}
