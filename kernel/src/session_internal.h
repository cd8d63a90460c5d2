/* session_internal.h: the session's state, shared by session.c (execution),
 * complete.c, inspect.c and is_complete.c.  Not for the protocol side. */
#ifndef SELI_KERNEL_SESSION_INTERNAL_H
#define SELI_KERNEL_SESSION_INTERNAL_H

#include "cell.h"
#include "jit.h"
#include "session.h"

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
    void *addr;  /* the variable, or the function's trampoline */
    char *sig;   /* what must match for a redefinition to reuse it */
    char *decl;  /* the prototype or the declaration, for inspect */
} symbol;

/* Documentation of one name from a header. */
typedef struct doc {
    char *name;
    char *decl;    /* prototype, macro or type text */
    char *comment; /* the comment above (or beside) it, or NULL */
} doc;

struct session {
    char *header_dir;
    char *headers;      /* the implicit headers: flattened text, or #include lines */
    int flattened;
    char **header_types; /* typedef names the implicit headers declare (sorted) */
    int nheader_types;
    char **header_names; /* public names the implicit headers declare (sorted) */
    int nheader_names;
    doc *docs;          /* libseli's headers, then the libc declarations */
    int ndocs;
    entry *entries;
    int nentries;
    symbol *syms;
    int nsyms;
    jit_code **codes;
    int ncodes;
    int cells;          /* cells compiled so far */
    volatile int in_result;
    double last_compile_ms; /* time spent in jit_compile by the last cell */
};

/* Load the docs of the libseli headers in header_dir and the declarations
 * of the parsed implicit headers (may be NULL) (inspect.c). */
void session_load_docs(session *s, const cell *implicit);
void session_free_docs(session *s);
/* The documentation of name (malloc'd) or NULL. */
char *session_doc_for(session *s, const char *name);

/* Milliseconds that jit_compile took for the last cell (for measurements). */
double session_last_compile_ms(const session *s);

/* Helpers shared by the session files. */
char *sx_strdup(const char *s);
char *sx_strndup(const char *s, size_t n);
void *sx_realloc(void *p, size_t n);

#endif
