/* error.c: the replaceable error handler and the cooperative interrupt
 * (see seli/error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/interrupt.h"
#include "core/traceback.h"

static seli_error_handler current_handler;
static void *current_user_data;
static char last_message[2048];

void seli_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(last_message, sizeof last_message, format, args);
    va_end(args);
    if (current_handler) {
        current_handler(last_message, current_user_data);
        /* A handler that returns breaks the contract: nothing sane is left. */
        fprintf(stderr, "seli: error handler returned after: %s\n", last_message);
        abort();
    }
    fprintf(stderr, "seli error: %s\n", last_message);
    seli__print_traceback(stderr);
    exit(1);
}

void seli_set_error_handler(seli_error_handler handler, void *user_data,
                            seli_error_handler *old_handler, void **old_user_data)
{
    if (old_handler)
        *old_handler = current_handler;
    if (old_user_data)
        *old_user_data = current_user_data;
    current_handler = handler;
    current_user_data = handler ? user_data : NULL;
}

const char *seli_last_error(void) { return last_message; }

/* --- the cooperative interrupt (see seli/error.h and interrupt.h) --- */

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the interrupt flag must be lock-free to be set from a "
                                          "signal handler");

atomic_int seli__interrupt_flag;
atomic_int seli__blas_depth;

void seli_request_interrupt(void) { atomic_store(&seli__interrupt_flag, 1); }

int seli_interrupt_pending(void) { return atomic_load(&seli__interrupt_flag) != 0; }

void seli_clear_interrupt(void) { atomic_store(&seli__interrupt_flag, 0); }

int seli_in_library(void)
{
    return atomic_load_explicit(&seli__blas_depth, memory_order_relaxed) > 0;
}

void seli__take_interrupt(const char *op)
{
    if (atomic_exchange(&seli__interrupt_flag, 0))
        seli_error(SELI_INTERRUPT_PREFIX "interrupted in %s", op ? op : "a libseli operation");
}
