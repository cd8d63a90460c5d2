/* session_internal.h: the session's state and the functions shared by the
 * files of the session, and by introspection/ (complete.c, inspect.c).  Not
 * for the protocol side.  Everything here is KERNEL_INTERNAL: hidden from cells.
 *
 * Calls go one way, from top to bottom, never back up:
 *   session.c (life, execution)
 *     -> translation_unit.c -> headers.c -> prelude.c
 *     -> redefine.c         -> headers.c (headers_implicit)
 *     -> docs.c             -> headers.c (headers_type)
 *     -> runtime.c
 *   and translation_unit.c, redefine.c and headers.c -> symbol.c.
 * introspection/ (complete.c, inspect.c) is above and calls into the
 * session; the session never calls it. */
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
    double last_compile_ms;      /* time spent in jit_compile by the last cell */
    struct traceback_book *book; /* the cells, for tracebacks (traceback.h) */
    char *last_unit;             /* the unit that compiled last, after the implicit headers */
    int last_whole;              /* its headers were whole (-1: last_unit is the whole unit) */
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
 * fails, with the next: a type seli_show knows, any other pointer (shown as
 * an address), any other value (<value>), and a void expression (no result). */
enum { EXPR_KNOWN, EXPR_POINTER, EXPR_VALUE, EXPR_STATEMENT };
#define UNKNOWN_TYPE "__seli_unknown_type" /* a file name: the type is not one seli_show knows */
#define IMPL_PREFIX "__seli_impl_"         /* the body of a function called through a trampoline */
#define STUB_PREFIX "__seli_stub_"         /* the stub of a declared, undefined function */

/* The translation unit of cell c under plan p (malloc'd), with the
 * implicit headers whole or only what the unit names (see prelude.c). */
KERNEL_INTERNAL char *unit_build(session *s, const cell *c, const plan *p, int expr_mode,
                                 int whole_headers);
/* The unit that resolves a cell's conditional groups (see
 * cell_conditional_probe): the headers, the preamble's directives, probe. */
KERNEL_INTERNAL char *unit_probe(const session *s, const char *probe);

/* ------------------------------------------------------------ runtime.c */

/* The declarations of the runtime functions, for every unit. */
KERNEL_INTERNAL extern const char runtime_decls[];
#define RUNTIME_MAX_SYMBOLS 12
/* Write the runtime's symbols (at most RUNTIME_MAX_SYMBOLS) to out, minus
 * the names in replaced (a cell's own exit(), say).  Returns the count. */
KERNEL_INTERNAL int runtime_symbols(jit_symbol *out, const strlist *replaced);
/* s's cell is about to run (NULL: none); returns the previous session. */
KERNEL_INTERNAL session *runtime_enter(session *s);
/* s is freed. */
KERNEL_INTERNAL void runtime_forget(const session *s);
/* "exit", "_Exit", "_exit" or "quick_exit": what the last cell that ended
 * with GUARD_EXIT called. */
KERNEL_INTERNAL const char *runtime_exit_called(void);
/* A function pointer as void * (ISO C has no such cast). */
KERNEL_INTERNAL void *fn_to_ptr(void (*f)(void));

#endif
