/* backtrace.c: the stack of a failing cell (see backtrace.h). */
#include "runtime/backtrace.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

/* --------------------------------------------------- the stacks we read */

static uintptr_t stack_lo, stack_hi, alt_lo, alt_hi;

void backtrace_init(void)
{
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    void *addr;
    size_t size;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        stack_lo = (uintptr_t)addr;
        stack_hi = (uintptr_t)addr + size;
    }
    pthread_attr_destroy(&attr);
}

void backtrace_set_altstack(const void *p, size_t size)
{
    alt_lo = (uintptr_t)p;
    alt_hi = (uintptr_t)p + size;
}

/* Can the 16 bytes at a frame pointer be read? */
static int frame_readable(uintptr_t fp)
{
    if (fp & 7)
        return 0;
    return (fp >= stack_lo && fp + 16 <= stack_hi) || (fp >= alt_lo && fp + 16 <= alt_hi);
}

/* ------------------------------------------- unwind information for tcc */

#if defined(__x86_64__)
void __register_frame(void *begin);
void __deregister_frame(void *begin);

/* One CIE whose initial rule is tcc's frame, one FDE covering the range,
 * and the terminating zero (the layout of an .eh_frame section). */
void *backtrace_register(const void *mem, size_t size)
{
    /* clang-format off */
    static const unsigned char cie[] = {
        0x14, 0, 0, 0,       /* length: 20 bytes follow */
        0, 0, 0, 0,          /* CIE id */
        1,                   /* version */
        'z', 'R', 0,         /* augmentation: a length, then the pointer encoding */
        1,                   /* code alignment */
        0x78,                /* data alignment -8 */
        16,                  /* the return address is column 16 */
        1, 0,                /* augmentation data: pointers are absolute, 8 bytes */
        0x0c, 6, 16,         /* DW_CFA_def_cfa: %rbp + 16 */
        0x86, 2,             /* DW_CFA_offset %rbp: CFA - 16 */
        0x90, 1,             /* DW_CFA_offset return address: CFA - 8 */
    };
    /* clang-format on */
    unsigned char *eh = calloc(1, sizeof cie + 32 + 4);
    if (!eh)
        return NULL;
    memcpy(eh, cie, sizeof cie);
    unsigned char *fde = eh + sizeof cie;
    uint32_t len = 28, cie_ptr = (uint32_t)(sizeof cie + 4);
    uint64_t begin = (uintptr_t)mem, range = size;
    memcpy(fde, &len, 4);         /* 4 + 8 + 8 + 1, padded with nops */
    memcpy(fde + 4, &cie_ptr, 4); /* back to the CIE */
    memcpy(fde + 8, &begin, 8);
    memcpy(fde + 16, &range, 8);
    fde[24] = 0; /* no augmentation data */
    __register_frame(eh);
    return eh;
}

void backtrace_unregister(void *handle)
{
    if (!handle)
        return;
    __deregister_frame(handle);
    free(handle);
}
#else
void *backtrace_register(const void *mem, size_t size)
{
    (void)mem;
    (void)size;
    return NULL;
}
void backtrace_unregister(void *handle) { (void)handle; }
#endif

/* ------------------------------------------------------------ the walk */

#define MAX_FRAMES 50000000L /* a corrupted chain that loops ends here */

typedef struct walk {
    backtrace *bt;
    int (*in_cell)(const void *pc);
    int outside;       /* frames outside cells since the last cell frame */
    uintptr_t last_fp; /* the previous cell frame's pointer */
    long steps;
} walk;

static void keep(backtrace *bt, backtrace_frame f)
{
    if (bt->nfirst < BACKTRACE_KEEP) {
        bt->first[bt->nfirst++] = f;
        return;
    }
    bt->last[bt->last_at] = f;
    bt->last_at = (bt->last_at + 1) % BACKTRACE_KEEP;
    if (bt->nlast < BACKTRACE_KEEP)
        bt->nlast++;
}

/* A cell stopped where a function has no frame of its own (at its
 * prologue's push %rbp or mov %rsp,%rbp, at its ret, or in a jump stub: a
 * trampoline or a PLT entry, jmp *x(%rip)) would lose its caller: the
 * unwinder follows %rbp, which is still (or again) the caller's.  That
 * caller is found through %rsp instead (the CFA the unwinder gives the
 * frame after a signal frame) and kept. */
static void keep_frameless_caller(walk *w, struct _Unwind_Context *ctx, uintptr_t pc)
{
    const unsigned char *code = (const unsigned char *)pc;
    int pushed = -1;
    if (code[0] == 0x55 || code[0] == 0xc3 || (code[0] == 0xff && code[1] == 0x25))
        pushed = 0; /* push %rbp, ret, jmp *x(%rip): the return address is at 0(%rsp) */
    else if (w->in_cell(code - 1) && code[-1] == 0x55 && code[0] == 0x48 && code[1] == 0x89 &&
             code[2] == 0xe5)
        pushed = 1; /* at mov %rsp,%rbp: at 8(%rsp) */
    uintptr_t sp = _Unwind_GetCFA(ctx) + 8 * (uintptr_t)(pushed > 0);
    if (pushed < 0 || (sp & 7) || !frame_readable(sp))
        return;
    uintptr_t ra;
    memcpy(&ra, (const void *)sp, sizeof ra);
    if (!w->in_cell((const void *)ra))
        return;
    keep(w->bt, (backtrace_frame){(const void *)ra, 0, 0});
    w->bt->total++;
}

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg)
{
    walk *w = arg;
    if (++w->steps > MAX_FRAMES)
        return _URC_END_OF_STACK;
    int exact = 0;
    uintptr_t pc = _Unwind_GetIPInfo(ctx, &exact);
    if (!pc)
        return _URC_END_OF_STACK;
    if (!w->in_cell((const void *)pc)) {
        /* Past a cell, a frame whose stack pointer left the stacks came
         * from a smashed return address: stop before reading through it. */
        uintptr_t cfa = _Unwind_GetCFA(ctx);
        if (w->bt->total && !frame_readable(cfa & ~(uintptr_t)7))
            return _URC_END_OF_STACK;
        w->outside = 1;
        return _URC_NO_REASON;
    }
    backtrace *bt = w->bt;
    backtrace_frame f = {(const void *)pc, exact, bt->total ? w->outside : !exact};
    if (!bt->total)
        bt->inner_outside = !exact;
    keep(bt, f);
    bt->total++;
    w->outside = 0;
    if (bt->total == 1 && exact)
        keep_frameless_caller(w, ctx, pc);
    /* The unwinder reads the caller from this frame's %rbp: a cell that
     * smashed its stack must not make us fault here. */
    uintptr_t fp = _Unwind_GetGR(ctx, 6);
    if (!frame_readable(fp) || (w->last_fp && fp <= w->last_fp && fp >= stack_lo))
        return _URC_END_OF_STACK;
    w->last_fp = fp >= stack_lo && fp < stack_hi ? fp : 0;
    return _URC_NO_REASON;
}

void backtrace_capture(backtrace *bt, int (*in_cell)(const void *pc))
{
    bt->nfirst = bt->nlast = bt->last_at = 0;
    bt->total = 0;
    bt->inner_outside = 0;
    walk w = {bt, in_cell, 0, 0, 0};
    _Unwind_Backtrace(step, &w);
}

const backtrace_frame *backtrace_kept(const backtrace *bt, int i)
{
    if (i < bt->nfirst)
        return &bt->first[i];
    i -= bt->nfirst;
    int oldest = bt->nlast < BACKTRACE_KEEP ? 0 : bt->last_at;
    return &bt->last[(oldest + i) % BACKTRACE_KEEP];
}

long backtrace_dropped(const backtrace *bt) { return bt->total - bt->nfirst - bt->nlast; }
