/* compare.c: elementwise comparisons, a, b -> broadcast(a, b).
 *
 * The results are masks of 0 and 1.  They are constants: nothing is recorded
 * on the tape, whatever the inputs, so no gradient flows through a
 * comparison (masks are how piecewise gradients are written elsewhere). */
#include "ops/elementwise.h"

#define COMPARISON(name, OP)                                                                       \
    seli_tensor *name(const seli_tensor *a, const seli_tensor *b)                                  \
    {                                                                                              \
        seli_tensor *out = seli__binary_out(#name, a, b);                                          \
        SELI__BINARY_LOOP(out, a, b, av OP bv ? 1.0f : 0.0f);                                      \
        return out;                                                                                \
    }

COMPARISON(seli_greater, >)
COMPARISON(seli_greater_equal, >=)
COMPARISON(seli_less, <)
COMPARISON(seli_less_equal, <=)
COMPARISON(seli_equal, ==)
