/* session.h: the persistent C session that cells run in (the contract
 * between the protocol side of the kernel and the cell side).
 *
 * A session owns the growing preamble (includes, macros, types, prototypes,
 * extern declarations of earlier globals), every compiled cell, and the
 * history of names the user declared.  It runs on the main thread only,
 * except session_interrupt, which any thread may call. */
#ifndef SELI_KERNEL_SESSION_H
#define SELI_KERNEL_SESSION_H

#include <stddef.h>

typedef struct session session;

/* What one execution produced (besides the output it streamed). */
typedef enum { EXEC_OK, EXEC_ERROR } exec_status;

typedef struct exec_result {
    exec_status status;
    char *ename;  /* "CompileError", "SIGSEGV", "SeliError", "KeyboardInterrupt"... (malloc'd) */
    char *evalue; /* one-line summary (malloc'd) */
    char **traceback; /* ntraceback malloc'd lines, e.g. "line 3: error: ..." */
    int ntraceback;
    char *page; /* for a "?name" cell: text/plain documentation to page (malloc'd), else NULL */
} exec_result;

/* The directory that holds seli.h, the one place that decides it: the
 * environment variable SELI_HEADER_DIR when set and not empty, else the
 * directory compiled into the kernel (-DSELI_HEADER_DIR). */
const char *session_header_dir(void);

/* Create a session whose cells include seli.h from header_dir, or from
 * session_header_dir() when header_dir is NULL.  NULL on failure (message
 * on stderr). */
session *session_new(const char *header_dir);
/* Free the session and everything its cells allocated through it. */
void session_free(session *s);

/* Compile and run one cell.  While it runs, output goes to fd 1/2 and to the
 * libseli display sink as usual.  A trailing expression is shown through
 * seli_show(), bracketed by session_in_result() returning nonzero, so the
 * sink can send it as execute_result.  Never crashes on faults: they become
 * EXEC_ERROR with the signal's name. */
void session_execute(session *s, const char *code, exec_result *out);
/* The arguments that main receives from now on: argv[1..argc] (copied);
 * argv[0] is always "main". */
void session_set_args(session *s, int argc, const char *const *argv);

/* The cells executed from now on are In [number] in tracebacks (0: not
 * numbered, as a silent execution). */
void session_set_cell_number(session *s, int number);
/* Free the strings inside r (not r itself). */
void exec_result_clear(exec_result *r);

/* Nonzero while the trailing expression of the running cell is being shown. */
int session_in_result(const session *s);

/* Ask the running cell (if any) to stop; async-signal-safe and thread-safe.
 * The cell ends with ename "KeyboardInterrupt". */
void session_interrupt(session *s);

/* complete_request: the names that complete the word before cursor in code
 * (keywords, libseli, libc, the session's and the cell's own names).  Fills
 * matches (malloc'd array of malloc'd strings) and the replaced range
 * [*start, *end).  Returns the count. */
int session_complete_name(session *s, const char *code, int cursor, char ***matches, int *start,
                          int *end);

/* Documentation for the name at or before cursor: a malloc'd text/plain
 * string (prototype + header comment for libseli; prototype for user code),
 * or NULL if unknown. */
char *session_inspect(session *s, const char *code, int cursor);

/* is_complete_request: is code a whole cell, or is the user still typing
 * it?  "complete", "incomplete" or "invalid" (static strings; see
 * cell_is_complete); *indent gets the suggested indent (malloc'd, maybe "")
 * for "incomplete". */
const char *session_is_complete(const char *code, char **indent);

#endif
