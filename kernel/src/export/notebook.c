/* notebook.c: the cells of a Jupyter notebook (nbformat 4), read with
 * Jansson: each cell's kind and source, in order. */
#include "export/export_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cell's source: a string, or a list of strings (the lines). */
static char *source_text(json_t *src)
{
    if (json_is_string(src))
        return xstrdup(json_string_value(src));
    text_buf b = {0};
    text_put(&b, "");
    size_t i;
    json_t *line;
    json_array_foreach(src, i, line)
    {
        if (json_is_string(line))
            text_put(&b, json_string_value(line));
    }
    return text_take(&b);
}

int notebook_read(const char *path, notebook *nb, char *err, size_t size)
{
    memset(nb, 0, sizeof *nb);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, size, "%s: %s (line %d); give the path of a .ipynb notebook", path, je.text,
                 je.line);
        return -1;
    }
    json_t *cells = json_object_get(root, "cells");
    if (!json_is_array(cells)) {
        snprintf(err, size, "%s is not a notebook of nbformat 4: it has no list of cells", path);
        json_decref(root);
        return -1;
    }
    size_t i;
    json_t *c;
    json_array_foreach(cells, i, c)
    {
        const char *type = json_string_value(json_object_get(c, "cell_type"));
        if (!type || (strcmp(type, "code") && strcmp(type, "markdown")))
            continue; /* raw cells are not part of the program */
        array_grow(&nb->cells, nb->ncells, sizeof *nb->cells);
        nb->cells[nb->ncells].code = !strcmp(type, "code");
        nb->cells[nb->ncells].source = source_text(json_object_get(c, "source"));
        nb->ncells++;
    }
    json_decref(root);
    return 0;
}

void notebook_free(notebook *nb)
{
    for (int i = 0; i < nb->ncells; i++)
        free(nb->cells[i].source);
    free(nb->cells);
    memset(nb, 0, sizeof *nb);
}
