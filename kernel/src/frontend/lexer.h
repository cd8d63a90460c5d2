/* lexer.h: the tokens of C text, for the cell front end (cell.c,
 * conditional.c, is_complete.c, visible.c) and introspection/.  The lexer knows comments, strings,
 * character constants, punctuators and directives (a directive is one token, continuation lines
 * included); it never fails. */
#ifndef SELI_KERNEL_LEXER_H
#define SELI_KERNEL_LEXER_H

#include "util/text.h"

typedef enum { T_IDENT, T_NUMBER, T_STRING, T_CHAR, T_PUNCT, T_DIRECTIVE } tok_kind;

typedef struct tok {
    tok_kind kind;
    const char *p;
    int len;
    int line;
} tok;

typedef struct lexer {
    tok *t;
    int n, cap;
    int open_comment; /* the text ends inside a comment */
    int open_string;  /* a string or character constant is not closed */
} lexer;

/* Split src into tokens (lx is overwritten; free lx->t). */
KERNEL_INTERNAL void tokenize(const char *src, lexer *lx);

/* Is t the token s? */
KERNEL_INTERNAL int tok_is(const tok *t, const char *s);
/* Is t one of ( { [ ?  One of ) } ] ? */
KERNEL_INTERNAL int tok_open(const tok *t);
KERNEL_INTERNAL int tok_close(const tok *t);
/* Index after the bracket group that opens at t[i] (or n if unbalanced). */
KERNEL_INTERNAL int tok_skip_group(const tok *t, int i, int n);
/* Can c be part of an identifier?  (Bytes >= 0x80 are: UTF-8 names.) */
KERNEL_INTERNAL int ident_char(char c);
/* Can c be part of the name that completion and inspection look for at
 * the cursor (introspection/)?  As ident_char, without '$'. */
KERNEL_INTERNAL int word_char(char c);
/* The first word of the directive t ("define" in "#  define x"): where it
 * starts; *len gets its length (0 for a null directive). */
KERNEL_INTERNAL const char *directive_word(const tok *t, size_t *len);

/* Append t's text to b with the spacing of cell_normalize (directives are
 * skipped). */
KERNEL_INTERNAL void tok_join(text_buf *b, const tok *t);
/* The tokens t[a..b) joined that way, without t[skip] (-1: none).  malloc'd. */
KERNEL_INTERNAL char *tok_join_range(const tok *t, int a, int b, int skip);

#endif
