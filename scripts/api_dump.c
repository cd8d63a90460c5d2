/* api_dump.c: what the kernel's inspect says of each name, for docs/api.md.
 *
 *     api_dump HEADER_DIR < names > docs.jsonl
 *
 * Reads one name a line and, for each name the kernel documents, prints a
 * JSON line {"name": ..., "doc": ...} with the very text that an
 * inspect_request (Shift-Tab) or a "?name" cell shows.  It opens a session
 * on HEADER_DIR as the kernel does, so the reference and inspect share one
 * parser.  Built and run by scripts/gen_api_docs.py (make docs). */
#include "session/session.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: api_dump HEADER_DIR < names\n", stderr);
        return 2;
    }
    session *s = session_new(argv[1]);
    if (!s)
        return 1;
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0])
            continue;
        char *doc = session_inspect(s, line, (int)strlen(line));
        if (!doc)
            continue;
        json_t *o = json_pack("{s:s, s:s}", "name", line, "doc", doc);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(o);
        free(doc);
    }
    session_free(s);
    return 0;
}
