/* export_internal.h: what the files of export/ share.
 *
 * A notebook becomes a program in three steps:
 *   notebook.c  reads the .ipynb: its code and markdown cells;
 *   collect.c   splits every code cell with the session's front end into
 *               file-scope records (directives, types, prototypes,
 *               variables, functions: a later definition replaces the
 *               earlier one) and the steps that cell runs in main;
 *               magic_program.c turns its magics into steps too;
 *   emit.c      writes the program; export.c first compiles it with tcc
 *               (check.c), with #line directives that name each cell, so
 *               that an error names the cell and its line.
 * Everything here is KERNEL_INTERNAL: hidden from cells. */
#ifndef SELI_KERNEL_EXPORT_INTERNAL_H
#define SELI_KERNEL_EXPORT_INTERNAL_H

#include "export/export.h"
#include "frontend/cell.h"
#include "session/session_internal.h"
#include "util/text.h"

/* ----------------------------------------------------------- notebook.c */

typedef struct nb_cell {
    int code;     /* a code cell (else markdown; other kinds are skipped) */
    char *source; /* its text */
} nb_cell;

typedef struct notebook {
    nb_cell *cells;
    int ncells;
} notebook;

/* Read the notebook at path.  0, or -1 with a one-line reason in err. */
KERNEL_INTERNAL int notebook_read(const char *path, notebook *nb, char *err, size_t size);
KERNEL_INTERNAL void notebook_free(notebook *nb);

/* ------------------------------------------------------------ collect.c */

/* A file-scope record of the program.  kind is a cell_item_kind; a
 * prototype that a function definition implies is not a record (emit.c
 * writes one for every function). */
typedef struct record {
    cell_item_kind kind;
    int first;    /* the code cell (1-based) of its first definition: where it is written */
    int cell;     /* the code cell of its last definition (a function's body goes there) */
    int line;     /* its line there */
    char *text;   /* DIRECTIVE/TYPE/DECLARATION/FUNCTION: the text; VARIABLE: the declaration */
    char *proto;  /* FUNCTION: its prototype */
    char **names; /* keys, as cell.h says */
    int nnames;
    char *init;    /* VARIABLE: the initialiser of its only definition, or NULL */
    int init_line; /* its line */
    int file_init; /* VARIABLE: init is written at file scope (else a step of main stores it) */
    int dead;      /* replaced by a later definition of another kind */
    int redef;     /* DIRECTIVE: a macro defined again (or undefined): main replays it */
} record;

/* What a step of a cell's block does. */
typedef enum {
    STEP_CODE, /* C text, as it is (statements, or code a magic became) */
    STEP_INIT, /* store a variable's initialiser (or zero) when the cell runs */
    STEP_SHOW, /* the trailing expression: shown as the kernel shows it */
    STEP_MAIN, /* call the notebook's main, as a cell that defines it does */
    STEP_NOTE  /* a comment (a magic that a program has no use for) */
} step_kind;

typedef struct step {
    step_kind kind;
    int line; /* the cell line it comes from */
    char *text;
    int shown; /* STEP_SHOW: show it (0 once the check found it void: a statement) */
    /* STEP_INIT: the variable, its declaration, its initialiser (NULL:
     * zero it) and its record (whose file_init may make this step empty) */
    char *name, *decl, *init;
    int rec;
    int again; /* STEP_INIT without initialiser: a redefinition, which zeroes it */
} step;

typedef struct xcell {
    int number;     /* 1-based among code cells */
    char *markdown; /* the markdown cells just before it, or NULL */
    step *steps;
    int nsteps;
} xcell;

/* The program being collected. */
typedef struct program {
    session *s; /* knows the headers' types; its entries mirror the records'
                 * directives and types, so that it parses and probes as
                 * the kernel would at that point of the notebook */
    record *recs;
    int nrecs;
    xcell *cells;
    int ncells;
    int timing;      /* TIMING_TIME | TIMING_TIMEIT: the helpers the program needs */
    int uses_args;   /* %args was used: main_argc and main_argv are needed */
    int main_params; /* the notebook's main takes (argc, argv) */
    int main_void;   /* the notebook's main returns void */
    strlist links;   /* libraries that %link named */
    char *error;     /* the first error, "cell N, line L: ..." (malloc'd), or NULL */
} program;

/* Add code cell number (1-based) with its source and the markdown before
 * it.  On an error, p->error is set and the rest is skipped. */
KERNEL_INTERNAL void collect_cell(program *p, int number, const char *source, const char *markdown);
/* Add the C text code (a part of cell cur, with the cell's line numbers)
 * to the program: its file-scope items as records, the rest as steps. */
KERNEL_INTERNAL void collect_code(program *p, xcell *cur, const char *code);
/* Append a step to cur. */
KERNEL_INTERNAL void collect_step(xcell *cur, step_kind kind, int line, const char *text);
/* Add a file-scope record (a function that a magic needs, say). */
KERNEL_INTERNAL void collect_record(program *p, cell_item_kind kind, int cell, int line,
                                    const char *text, const char *proto, const char *name);
KERNEL_INTERNAL void program_free(program *p);
/* Set p->error (printf format) unless it is set. */
KERNEL_INTERNAL void program_fail(program *p, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------ magic_program.c */

/* The magic on line (1-based) of cell cur: text is its line ("%name
 * args"); body the rest of the cell for a cell magic ("%%name"), else
 * NULL.  It becomes steps (and records) of cur, or a note of what was
 * dropped. */
KERNEL_INTERNAL void magic_to_program(program *p, xcell *cur, const char *text, const char *body,
                                      int line);
/* The helpers that the timing magics call (file-scope C text): what both
 * need, then what %time and %timeit need. */
enum { TIMING_TIME = 1, TIMING_TIMEIT = 2 };
KERNEL_INTERNAL extern const char magic_timing_common[], magic_timing_time[], magic_timing_timeit[];

/* ------------------------------------------------------------- unused.c */

/* A function definition (its name at name_off) with "(void)p;" at the start
 * of its body for each parameter p that the body never names.  malloc'd. */
KERNEL_INTERNAL char *unused_params_marked(const char *text, int name_off);

/* --------------------------------------------------------------- emit.c */

/* The program's text.  With lines, every piece is preceded by #line
 * "cell N" (for the check); name is the notebook's file name and stem
 * names the figures (stem-fig-N.svg). */
KERNEL_INTERNAL char *emit_program(const program *p, const char *name, const char *stem, int lines);

/* -------------------------------------------------------------- check.c */

/* A compiler's diagnostic as the export reports it: "FILE:L: error: m"
 * becomes "cell N, line L: error: m" when FILE is "cell N" (or "cell",
 * then N is cell).  malloc'd. */
KERNEL_INTERNAL char *check_message(const char *diag, int cell);
/* Compile src with tcc as the kernel compiles a cell, resolving the names
 * of wanted into addrs; the diagnostics go to diags.  0 or -1. */
KERNEL_INTERNAL int check_compile(const program *p, const char *src, const char *const *wanted,
                                  void **addrs, int nwanted, strlist *diags);

/* Compile the program with tcc as the kernel compiles cells.  A trailing
 * expression that is void becomes a statement, a file-scope initialiser
 * that is not constant moves into main (both are tried first).  0, or -1
 * with p->error set to the first error, "cell N, line L: ...". */
KERNEL_INTERNAL int check_program(program *p, const char *name);

#endif
