/* fuzz_cell.c: the cell front end (cell.h: the splitter that cuts a cell
 * into items and rewrites declarations, the normaliser, the identifier
 * scanner) and is_complete.
 *
 * Input: the text of a cell (a NUL byte ends it early, as in the kernel,
 * which receives the code as a JSON string).
 *
 * Properties checked besides "no crash, no leak, no UB, no hang":
 *   - every item has a valid kind, text, a line inside the cell, and the
 *     fields its kind promises (a function's prototype and name offset, a
 *     variable's declaration and type);
 *   - only the last item can be the trailing expression;
 *   - cell_normalize is idempotent on complete cells;
 *   - cell_is_complete answers one of its three words, depth >= 0, and
 *     cell_indent gives four spaces a bracket (eight at the most). */
#include "frontend/cell.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The session's typedefs, as the kernel would know them after a few cells:
 * seli's types and anything ending in _t. */
static int is_type(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    if (len >= 5 && memcmp(name, "seli_", 5) == 0)
        return 1;
    if (len >= 2 && name[len - 2] == '_' && name[len - 1] == 't')
        return 1;
    return len == 4 && memcmp(name, "FILE", 4) == 0;
}

/* Names that start with 'M' are the session's macros: 'M' + 'F' a
 * function-like one, any other an object-like one with a body. */
static int is_macro(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return len >= 1 && name[0] == 'M' ? (len >= 2 && name[1] == 'F' ? 1 : 2) : 0;
}

static void count_id(void *ctx, const char *id, size_t len)
{
    assert(len > 0);
    assert(isalpha((unsigned char)id[0]) || id[0] == '_' || id[0] == '$' ||
           (unsigned char)id[0] >= 0x80);
    ++*(size_t *)ctx;
}

static int count_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *code = malloc(size + 1);
    memcpy(code, data, size);
    code[size] = 0;
    int lines = count_lines(code);

    cell c;
    /* Alternate with and without the session's type callback. */
    cell_parse(code, (size & 1) ? is_type : NULL, NULL, &c);
    assert(c.nitems >= 0);
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        assert(it->kind >= ITEM_DIRECTIVE && it->kind <= ITEM_EXPRESSION);
        assert(cell_kind_name(it->kind) != NULL);
        assert(it->text != NULL);
        assert(it->line >= 1 && it->line <= lines);
        assert(it->nnames >= 0 && (it->nnames == 0 || it->names != NULL));
        for (int k = 0; k < it->nnames; k++)
            assert(it->names[k] != NULL);
        assert(it->first_typedef >= -1 && it->first_typedef <= it->nnames);
        if (it->kind == ITEM_FUNCTION) {
            assert(it->proto != NULL);
            assert(it->name_off >= 0 && (size_t)it->name_off <= strlen(it->text));
        }
        if (it->kind == ITEM_VARIABLE) {
            assert(it->decl != NULL && it->type != NULL);
            if (it->init)
                assert(it->init_line >= 1 && it->init_line <= lines);
        }
        if (it->kind == ITEM_EXPRESSION)
            assert(i == c.nitems - 1);
        /* The session scans item texts for identifiers and normalises them. */
        size_t ids = 0;
        cell_identifiers(it->text, count_id, &ids);
        free(cell_normalize(it->text));
    }
    cell_free(&c);

    /* Top-level macro invocations (cell_macro_probe): the probe is its own
     * preprocessed text (every invocation between its markers), so the
     * splice finds every expansion. */
    int ncalls = -1;
    char *probe = cell_macro_probe(code, (size & 2) ? is_macro : NULL, NULL, &ncalls);
    assert(ncalls >= 0 && (probe != NULL) == (ncalls > 0));
    if (probe) {
        char *spliced = cell_macro_splice(code, (size & 2) ? is_macro : NULL, NULL, probe);
        assert(spliced != NULL);
        free(spliced);
        free(probe);
    }

    size_t ids = 0;
    cell_identifiers(code, count_id, &ids);

    int depth = -1;
    const char *status = cell_is_complete(code, &depth);
    assert(status && depth >= 0);
    int complete = !strcmp(status, "complete");
    assert(complete || !strcmp(status, "incomplete") || !strcmp(status, "invalid"));
    char *indent = cell_indent(depth);
    assert(indent != NULL);
    assert(strlen(indent) == (size_t)(4 * (depth > 8 ? 8 : depth)));
    assert(strspn(indent, " ") == strlen(indent));
    free(indent);

    char *norm = cell_normalize(code);
    assert(norm != NULL);
    if (complete) {
        char *again = cell_normalize(norm);
        assert(again && strcmp(norm, again) == 0);
        free(again);
    }
    free(norm);
    free(code);
    return 0;
}
