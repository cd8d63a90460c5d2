/* seli/check.h: checks for exercises, whose failures teach.
 *
 * An exercise cell calls a function the student wrote and hands the result
 * to a check.  A passing check prints one short line ("ok: ...").  A failing
 * one calls seli_error (in the kernel: the cell ends with an error) with a
 * message that says what was expected and what came, where they differ
 * (index and values) and, when the difference has a recognisable pattern,
 * the likely mistake in plain words: a value exactly k times the expected
 * one (a sum where the formula takes the mean), the negative of it (a sign
 * error), a shape that broadcast silently, a result that still carries
 * gradients (a missing seli_detach) or that carries none.
 *
 *     seli_check_close("mse(pred, y)", mse(pred, y), seli_scalar(0.8125f), 1e-5f);
 *
 * `what` names the checked value in every message.  Every failure message
 * starts with SELI_CHECK_PREFIX. */
#ifndef SELI_CHECK_H
#define SELI_CHECK_H

typedef struct seli_tensor seli_tensor;

/* The start of every failure message of a check. */
#define SELI_CHECK_PREFIX "check failed: "
/* The start of the message of seli_not_written_yet. */
#define SELI_NOT_WRITTEN_PREFIX "not written yet: "

/* The stub of an exercise: stops the cell with "not written yet: NAME ..."
 * (a seli_error, so the kernel and the session survive).  Student copies
 * call it as seli_not_written_yet(__func__).  Never returns. */
void seli_not_written_yet(const char *name)
#if defined(__GNUC__) && !defined(__TINYC__)
    __attribute__((noreturn))
#endif
    ;

/* got must have expected's shape and every element must satisfy
 * |got - expected| <= tol * (1 + |expected|).  Both tensors are read, never
 * changed.  On failure the message shows both, the first index that differs
 * and the likely mistake. */
void seli_check_close(const char *what, const seli_tensor *got, const seli_tensor *expected,
                      float tol);

/* The same for one number: |got - expected| <= tol * (1 + |expected|). */
void seli_check_scalar(const char *what, double got, double expected, double tol);

/* got must have the shape (ndim, shape): seli_check_shape("x", x,
 * SELI_SHAPE(64, 1)).  A shape that a broadcast made larger is named as such. */
void seli_check_shape(const char *what, const seli_tensor *got, int ndim, const long *shape);

/* condition must hold; otherwise the message is `what` and then `hint`,
 * the likely mistake in words (hint may be NULL). */
void seli_check_true(const char *what, int condition, const char *hint);

/* got must be a constant, not recorded on the tape: a target that carries
 * gradients means a forgotten seli_detach. */
void seli_check_detached(const char *what, const seli_tensor *got);

/* got must be recorded on the tape, so that gradients reach the parameters:
 * a penalty built with seli_grad instead of seli_grad_graph carries none. */
void seli_check_recorded(const char *what, const seli_tensor *got);

#endif
