/* session_internal.h: the session's state and the functions shared by the
 * files of the session, and by introspection/ (complete.c, inspect.c).  Not
 * for the protocol side.  Everything here is KERNEL_INTERNAL: hidden from cells.
 *
 * Calls go one way, from top to bottom, never back up:
 *   session.c (life, execution)
 *     -> translation_unit.c -> headers.c -> prelude.c
 *                           -> show.c (a result by its type)
 *     -> redefine.c         -> headers.c (headers_implicit)
 *     -> stale.c (what a redefined type leaves behind)
 *     -> program.c (main)
 *     -> docs.c             -> headers.c (headers_type)
 *     -> runtime.c          -> show.c -> value/ (values written as C initialisers)
 *   and translation_unit.c, redefine.c and headers.c -> symbol.c.
 * introspection/ (complete.c, inspect.c) and magic/ are above and call into
 * the session; the session never calls them. */
#ifndef SELI_KERNEL_SESSION_INTERNAL_H
#define SELI_KERNEL_SESSION_INTERNAL_H

#include "frontend/cell.h"
#include "runtime/jit.h"
#include "session/session.h"
#include "util/text.h"

/* One entry of the growing preamble: a directive, a type, a prototype or
 * the extern declaration of a global. */
typedef struct entry {
    cell_item_kind kind;
    char *text;
    char **names; /* keys (see cell.h) */
    int nnames;
    int first_typedef; /* as in cell_item */
} entry;

/* A function or a global variable that a cell defined. */
typedef struct symbol {
    char *name;
    int function;
    void *addr; /* the variable, or the function's trampoline */
    char *sig;  /* what must match for a redefinition to reuse it */
    char *decl; /* the prototype or the declaration, for inspect */
    int stub;   /* a function declared but not defined yet: its trampoline
                 * leads to a stub that ends the cell with a LinkError */
} symbol;

/* Documentation of one name from a header. */
typedef struct doc {
    char *name;
    char *decl;    /* prototype, macro or type text */
    char *comment; /* the comment above (or beside) it, or NULL */
} doc;

struct session {
    char *header_dir;
    char *headers; /* the implicit headers: flattened text, or #include lines */
    int flattened;
    struct prelude *prelude; /* the flattened headers in pieces (or NULL: use headers) */
    char **header_types;     /* typedef names the implicit headers declare (sorted) */
    int nheader_types;
    char **header_names; /* public names the implicit headers declare (sorted) */
    int nheader_names;
    char **learned; /* #include keys of cells whose typedef names were learned */
    int nlearned;
    char **include_types; /* typedef names those headers declare (sorted) */
    int ninclude_types;
    doc *docs; /* libseli's headers, then the libc declarations */
    int ndocs;
    entry *entries;
    int nentries;
    symbol *syms;
    int nsyms;
    jit_code **codes;
    int ncodes;
    int cells; /* cells compiled so far */
    volatile int in_result;
    struct traceback_book *book; /* the cells, for tracebacks (traceback.h) */
    char *last_unit;             /* the unit that compiled last, after the implicit headers */
    int last_whole;              /* its headers were whole (-1: last_unit is the whole unit) */
    double last_compile_ms; /* time spent in jit_compile by the last cell */
    char **main_args;       /* main's argv: "main", the %args, NULL (program.c) */
    int nmain_args;         /* its argc */
    strlist stale;          /* names whose type a later cell redefined (stale.c) */
    strlist stale_why;      /* for each, the definition that changed */
    void (**dtors)(void);   /* destructors cells defined, for the session's end (cdtors.c) */
    int ndtors;
};

/* Load the docs of the libseli headers in header_dir and the declarations
 * of the parsed implicit headers (may be NULL) (docs.c). */
KERNEL_INTERNAL void session_load_docs(session *s, const cell *implicit);
KERNEL_INTERNAL void session_free_docs(session *s);
/* The documentation of name (malloc'd) or NULL. */
KERNEL_INTERNAL char *session_doc_for(session *s, const char *name);

/* Milliseconds that jit_compile took for the last cell (for measurements). */
KERNEL_INTERNAL double session_last_compile_ms(const session *s);

/* ------------------------------------------------------------ headers.c */

/* Load the implicit headers (flattened and cached, or as #include lines)
 * and their names.  parsed gets the parse of the flattened headers (empty
 * when they are not flattened; free it with cell_free).  0, or -1 with a
 * message on stderr. */
KERNEL_INTERNAL int headers_load(session *s, cell *parsed);
KERNEL_INTERNAL void headers_free(session *s);
/* Is the item an #include of an implicit header? */
KERNEL_INTERNAL int headers_implicit(const cell_item *it);
/* Learn the typedef names of headers the cell includes for the first time.
 * Nonzero if a name is new (the cell must then be split again). */
KERNEL_INTERNAL int headers_learn(session *s, const cell *c);
/* Append the implicit headers that rest needs (all of them if whole, else
 * only what rest names: see prelude.c), then rest. */
KERNEL_INTERNAL void headers_emit(const session *s, const char *rest, int whole, text_buf *out);
/* Is name[0..len) a typedef name of the implicit headers?  (A
 * cell_is_type_fn; ctx is the session.) */
KERNEL_INTERNAL int headers_type(void *ctx, const char *name, size_t len);
/* Is name[0..len) a type name the session knows?  (A cell_is_type_fn; ctx
 * is the session.) */
KERNEL_INTERNAL int session_is_type(void *ctx, const char *name, size_t len);

/* ------------------------------------------------------------ prelude.c */

typedef struct prelude prelude;
/* The flattened headers (flat, and headers its parse) in pieces that a unit
 * takes only when it names them; NULL if the parse does not fit the text. */
KERNEL_INTERNAL prelude *prelude_new(const char *flat, const cell *headers);
KERNEL_INTERNAL void prelude_free(prelude *p);
/* Append to out the pieces of p that a unit whose other text is rest needs. */
KERNEL_INTERNAL void prelude_emit(const prelude *p, const char *rest, text_buf *out);
/* Nonzero if name is declared by a piece that units take only on demand. */
KERNEL_INTERNAL int prelude_declares(const prelude *p, const char *name);

/* ----------------------------------------------------------- redefine.c */

/* What a cell will change, decided before it compiles. */
typedef struct plan {
    int *noop;        /* per item: an identical definition is already there */
    int *reuse;       /* per item: a variable that keeps its storage */
    char **sig;       /* per variable item: its signature */
    strlist defined;  /* keys whose old entries the cell replaces */
    strlist replaced; /* functions and variables defined anew: their old symbols go */
    int *excluded;    /* per entry: 1 replaced, 2 hidden (depends on a redefinition) */
    void **tramp;     /* per function item: the trampoline that will call it */
    void **stub;      /* per prototype of a function defined nowhere yet: its trampoline */
} plan;

KERNEL_INTERNAL void plan_make(session *s, const cell *c, plan *p);
KERNEL_INTERNAL void plan_free(plan *p, int nitems);
/* The cell compiled: update the preamble and the symbols.  addrs are those
 * of the wanted names (see session.c), code joins the session. */
KERNEL_INTERNAL void plan_commit(session *s, const cell *c, const plan *p, void **addrs,
                                 jit_code *code);
/* After plan_commit: an array declared without a size ("int a[] = {...}")
 * gets its size in the preamble ("extern int a[3];"), read from the
 * COUNT_PREFIX globals that follow the other wanted names in addrs. */
KERNEL_INTERNAL void plan_commit_sizes(session *s, const cell *c, const plan *p, void **addrs);
KERNEL_INTERNAL void entry_free(entry *e);

/* ------------------------------------------------------------- symbol.c */

/* The symbol an earlier cell defined under name, or NULL. */
KERNEL_INTERNAL symbol *session_symbol(session *s, const char *name);
/* Define or redefine name: a function (or a variable) at addr, with the
 * signature sig and the declaration decl (both copied); stub is cleared. */
KERNEL_INTERNAL void symbol_set(session *s, const char *name, int function, void *addr,
                                const char *sig, const char *decl);
/* Free every symbol of s. */
KERNEL_INTERNAL void symbols_free(session *s);

/* --------------------------------------------------------------- translation_unit.c */

/* How the trailing expression is shown.  Its type is not known before
 * compiling, so the cell is compiled with the first of these and, when that
 * fails, with the next: a type seli_show knows or an array of scalars
 * (show.c), a struct the session defines or an array of them (show.c), any
 * other pointer (shown as an address), any other value (<value>), and a void
 * expression (no result). */
enum { EXPR_KNOWN, EXPR_FIELDS, EXPR_POINTER, EXPR_VALUE, EXPR_STATEMENT };
#define UNKNOWN_TYPE "__seli_unknown_type" /* a file name: the type is not one seli_show knows */
#define IMPL_PREFIX "__seli_impl_"         /* the body of a function called through a trampoline */
#define STUB_PREFIX "__seli_stub_"         /* the stub of a declared, undefined function */
#define COUNT_PREFIX "__seli_count_"       /* the element count of an array declared without one */

/* The translation unit of cell c under plan p (malloc'd), with the
 * implicit headers whole or only what the unit names (see prelude.c). */
KERNEL_INTERNAL char *unit_build(session *s, const cell *c, const plan *p, int expr_mode,
                                 int whole_headers);
/* The unit that resolves a cell's conditional groups (see
 * cell_conditional_probe): the headers, the preamble's directives, probe. */
KERNEL_INTERNAL char *unit_probe(const session *s, const char *probe);

/* Run fn(arg) as a cell runs: under the guard, with s as the running
 * session; a fault, an interrupt, a seli_error or exit() becomes an error
 * in out (session.c). */
KERNEL_INTERNAL void session_guarded(session *s, void (*fn)(void *), void *arg, exec_result *out);

/* ------------------------------------------------------------ program.c */

/* Does cell c run main after its statements: it defines main, or it is only
 * "main();" (then *only is 1: nothing to compile)? */
KERNEL_INTERNAL int program_wanted(session *s, const cell *c, int *only);
/* Run the session's main with its argv (inside the guard); a non-zero
 * return prints "main returned N". */
KERNEL_INTERNAL void program_run(session *s);

/* -------------------------------------------------------------- stale.c */

/* Before plan_commit: the functions and variables that p hides because they
 * use a type or macro the cell redefines become stale (see stale.c); p then
 * drops their declarations.  Names the cell declares again are fresh. */
KERNEL_INTERNAL void stale_commit(session *s, const cell *c, plan *p);
/* Is name stale (not to be linked against)? */
KERNEL_INTERNAL int stale_has(const session *s, const char *name);
/* Replace the diagnostics of a cell that failed to compile (under plan p)
 * by one clear message when one of them quotes a stale name.  Nonzero if
 * so. */
KERNEL_INTERNAL int stale_explain(const session *s, const plan *p, strlist *lines);
KERNEL_INTERNAL void stale_free(session *s);

/* --------------------------------------------------------------- show.c */

#define SHOW_FILE "__seli_show" /* a file name: code that shows a result by its type */
/* Append the declarations that show a result by its type: the runtime's
 * functions, the type macros and, with fields, a function per struct or
 * union type that the unit knows before item upto of c (its fields). */
KERNEL_INTERNAL void show_declare(text_buf *b, const session *s, const cell *c, int upto,
                                  const plan *p, int fields);
/* Append the block that shows the expression e as its type says: an array
 * by its elements, a struct the session defines by its fields (with
 * fields), anything else with seli_show.  It fails to compile, under the
 * file name UNKNOWN_TYPE, when e is of a type that the mode does not show:
 * without fields, anything but a scalar seli_show knows and arrays of
 * scalars.  The lines that evaluate e carry its line in the cell. */
KERNEL_INTERNAL void show_result(text_buf *b, const char *e, int line, int fields);
/* The runtime's __seli_fmt_* functions for cells (value.c), written to out
 * (show.c); returns the count. */
#define VALUE_RUNTIME_SYMBOLS 4
KERNEL_INTERNAL int value_runtime_symbols(jit_symbol *out);
/* ------------------------------------------------------ internal_names.c */

/* What __func__ says (and messages call) in statements written at cell
 * level, which run in a function the unit invents: like Python's
 * "<module>", a name no C function can have. */
#define CELL_FUNCTION_NAME "<cell>"
/* text with every name the unit invents (a trampolined body, a statement
 * function, an anonymous tag) replaced by what the user wrote or
 * CELL_FUNCTION_NAME: no internal name reaches a message.  malloc'd. */
KERNEL_INTERNAL char *user_names(const char *text);

/* -------------------------------------------------------- macro_expand.c */

/* code with its top-level invocations of the session's function-like
 * macros expanded (the expansion may define functions and types), or NULL
 * when it has none or the preprocessor failed.  malloc'd. */
KERNEL_INTERNAL char *session_expand_macros(session *s, const char *code);

/* -------------------------------------------------------- self_include.c */

/* A CompileError inside a file that the cell includes and that includes
 * itself (a program that includes its own source): out's evalue becomes one
 * sentence that says so, also the traceback's first line. */
KERNEL_INTERNAL void self_include_explain(exec_result *out);

/* -------------------------------------------------------------- cdtors.c */

/* Called first by the __seli_cell_main of a unit that defines constructors
 * or destructors, with its .init_array and .fini_array: runs the
 * constructors now, keeps the destructors for the session's end. */
KERNEL_INTERNAL void cdtors_load(void (**init)(void), void (**init_end)(void), void (**fini)(void),
                                 void (**fini_end)(void));
/* Run the destructors every cell kept, the latest first, under the guard
 * (session_free calls it: the session's end is the program's). */
KERNEL_INTERNAL void cdtors_finish(session *s);

/* ------------------------------------------------------------ runtime.c */

/* The declarations of the runtime functions, for every unit. */
KERNEL_INTERNAL extern const char runtime_decls[];
#define RUNTIME_MAX_SYMBOLS (13 + VALUE_RUNTIME_SYMBOLS)
/* Write the runtime's symbols (at most RUNTIME_MAX_SYMBOLS) to out, minus
 * the names in replaced (a cell's own exit(), say).  Returns the count. */
KERNEL_INTERNAL int runtime_symbols(jit_symbol *out, const strlist *replaced);
/* s's cell is about to run (NULL: none); returns the previous session. */
KERNEL_INTERNAL session *runtime_enter(session *s);
/* The session whose cell runs (NULL: none). */
KERNEL_INTERNAL session *runtime_current(void);
/* s is freed. */
KERNEL_INTERNAL void runtime_forget(const session *s);
/* "exit", "_Exit", "_exit" or "quick_exit": what the last cell that ended
 * with GUARD_EXIT called. */
KERNEL_INTERNAL const char *runtime_exit_called(void);
/* A function pointer as void * (ISO C has no such cast). */
KERNEL_INTERNAL void *fn_to_ptr(void (*f)(void));

#endif
