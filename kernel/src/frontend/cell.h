/* cell.h: the cell front end.
 *
 * A cell is split into top-level items, in source order: directives, type
 * definitions, function definitions, declarations without storage
 * (prototypes, extern), global variables (one item per declarator),
 * statements, and a trailing expression written without ';'.  The front end
 * knows just enough C to do that: comments, strings, brackets, declaration
 * specifiers and declarators.  It never fails: what it cannot classify is a
 * statement, and the compiler reports the problem.
 *
 * Keys name what an item defines, so that a redefinition can replace the old
 * entry: "x" (an ordinary identifier: variable, function, typedef or
 * enumerator), "struct x" / "union x" / "enum x" (a tag), "#x" (a macro),
 * "#include <x>" (an include) or the normalised text of any other directive. */
#ifndef SELI_KERNEL_CELL_H
#define SELI_KERNEL_CELL_H

#include <stddef.h>

typedef enum {
    ITEM_DIRECTIVE,   /* #include, #define, #undef, #pragma... */
    ITEM_TYPE,        /* typedef, struct/union/enum definition, no storage */
    ITEM_FUNCTION,    /* a function definition with its body */
    ITEM_DECLARATION, /* a prototype or an extern declaration: no storage */
    ITEM_VARIABLE,    /* one global variable (one declarator) */
    ITEM_STATEMENT,   /* statements that run when the cell runs */
    ITEM_EXPRESSION   /* the trailing expression without ';' */
} cell_item_kind;

typedef struct cell_item {
    cell_item_kind kind;
    int line;     /* first line of the item in the cell (1-based) */
    char *text;   /* DIRECTIVE/TYPE/DECLARATION: the text to keep in the preamble
                   * (with ';'); FUNCTION: the definition without static/inline;
                   * STATEMENT/EXPRESSION: the source text */
    char **names; /* the keys this item defines */
    int nnames;
    int first_typedef;     /* TYPE from a typedef: names[first_typedef..] are typedef
                            * names (the others are tags and enumerators); else -1 */
    int declares_function; /* DECLARATION: of a function (a prototype) */
    int file_scope;        /* STATEMENT: a file-scope asm ("__asm__(\"f: ret\");"), which
                            * stays at file scope; names: the labels it defines */
    /* FUNCTION only */
    char *proto;  /* "double square(double v);" */
    int name_off; /* where the function's name starts in text */
    /* VARIABLE only */
    char *decl;    /* "int a[3]": declaration without storage class or initialiser */
    char *type;    /* "int [3]": decl without the name, normalised */
    char *init;    /* the initialiser text after '=', or NULL */
    int init_line; /* line of the initialiser's first token */
    int unsized;   /* an array without size ("int a[] = {...}"): keeps its initialiser */
} cell_item;

typedef struct cell {
    cell_item *items;
    int nitems;
    char *page; /* a "?name" or "name?" cell: the name to page, else NULL */
} cell;

/* Is name[0..len) a type name (a typedef, or a macro that names a type)
 * known to the session?  1: yes; 2: a macro that expands to declaration
 * specifiers that are not a type (cell_macro_is_specifier); negative: a
 * name known not to be a type (another macro, a function, a variable); 0:
 * unknown. */
typedef int (*cell_is_type_fn)(void *ctx, const char *name, size_t len);

/* Does the directive text define an object-like macro whose replacement
 * begins with an attribute, a storage class or a qualifier ("#define
 * __stdcall __attribute__((stdcall))"), so that a declaration may begin
 * with it? */
int cell_macro_is_specifier(const char *directive);

/* Split code into items (out is overwritten; free it with cell_free).
 * is_type may be NULL; typedefs declared inside the cell are known anyway. */
void cell_parse(const char *code, cell_is_type_fn is_type, void *ctx, cell *out);
void cell_free(cell *c);

/* A name for a kind, for tests and logs ("directive", "type", ...). */
const char *cell_kind_name(cell_item_kind kind);

/* Call fn for every identifier token of text (outside comments, strings and
 * character constants). */
void cell_identifiers(const char *text, void (*fn)(void *ctx, const char *id, size_t len),
                      void *ctx);

/* The tokens of text joined by single spaces where C needs or shows one:
 * "int  *a [ 3 ]" -> "int *a[3]".  Comments dropped.  malloc'd. */
char *cell_normalize(const char *text);

/* Top-level conditional groups (#if/#ifdef/#ifndef ... #elif/#else ...
 * #endif) need the preprocessor's answer before the cell can be split.
 * cell_conditional_probe returns the cell's directives alone, each under
 * "#line N \"cell\"", with "char __seli_branch_K = 1;" at the start of the
 * K-th branch: compiled after the session's preamble, the markers that
 * exist name the branches taken.  *nbranches gets the number of branches;
 * NULL (and 0) when the cell has no conditional.  malloc'd. */
char *cell_conditional_probe(const char *code, int *nbranches);
/* code with the branches not taken (taken[K] == 0) and the conditional
 * directives blanked out; lines stay where they were.  malloc'd. */
char *cell_select_branches(const char *code, const int *taken, int nbranches);

/* Does the cell (code, split into c) use what tcc cannot compile: complex
 * types, thread-local storage, __int128, atomics, a variable-length array
 * in a struct (unsupported.c)?  Then the sentence that says so and what to
 * use instead (static text), with its line in *line; else NULL.
 * is_global(ctx, name, len) says whether name is a global variable of the
 * session (may be NULL). */
const char *cell_unsupported(const char *code, const cell *c, cell_is_type_fn is_global, void *ctx,
                             int *line);

/* A top-level line that invokes a macro of the session ("def(1)", after
 * "#define def(S) struct s##S f##S(int x) {...}") may expand to
 * definitions: the cell must be split after expansion.  The macros that
 * matter are function-like ones, and object-like ones whose text holds a
 * '{' or a ';': cell_macro_kind says 1 or 2 for the "#define" directive
 * text (0: another directive, or another macro) and points *name (when not
 * NULL) at the name, *len bytes.  cell_macro_probe returns, when code has
 * such invocations (at the start of a top-level chunk, of a macro that
 * is_macro says is of kind 1 or 2, or that the cell defines above), the
 * cell's #define and #undef lines and each invocation between markers, for
 * the preprocessor; *ncalls gets their number.  NULL (and 0) when there is
 * none.  malloc'd. */
int cell_macro_kind(const char *directive, const char **name, size_t *len);
char *cell_macro_probe(const char *code, cell_is_type_fn is_macro, void *ctx, int *ncalls);
/* code with each invocation replaced by its expansion, read from the
 * preprocessed probe; lines stay where they were.  NULL when an expansion
 * is missing (the preprocessor failed).  malloc'd. */
char *cell_macro_splice(const char *code, cell_is_type_fn is_macro, void *ctx,
                        const char *preprocessed);

/* Is code a complete cell?  "complete", "incomplete" (unbalanced brackets,
 * an open comment or string) or "invalid" (a closing bracket without its
 * opening one); static strings.  *depth gets the number of open brackets. */
const char *cell_is_complete(const char *code, int *depth);
/* The indent to suggest for the next line inside depth open brackets: four
 * spaces a bracket, eight brackets at the most ("" for depth <= 0).
 * malloc'd; NULL when out of memory. */
char *cell_indent(int depth);

#endif
