/* scope.c: arenas for temporaries (see seli/scope.h).
 *
 * Each open scope owns an arena: a list of chunks that allocations bump
 * through.  Ending a scope hands its chunks to a cache that the next scopes
 * reuse, so a training loop that opens one scope per step reaches a steady
 * state without calling malloc.  Index 0 is the global scope, which never
 * ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/scope_private.h"

#define MAX_SCOPES 256
#define ALIGN 32
#define FIRST_CHUNK (64 * 1024)
#define CACHE_LIMIT (256LL << 20) /* bytes of ended chunks kept for reuse */

typedef struct chunk {
    struct chunk *next;
    size_t size; /* bytes usable in data */
    size_t used;
    char *data;  /* ALIGN-aligned start inside this allocation */
} chunk;

static seli_arena arenas[MAX_SCOPES];
static int depth; /* index of the current arena */
static chunk *cache;
static long long cache_bytes;

static chunk *chunk_get(size_t need)
{
    chunk **p = &cache;
    for (chunk *c = cache; c; p = &c->next, c = c->next) {
        if (c->size >= need) {
            *p = c->next;
            cache_bytes -= (long long)c->size;
            c->next = NULL;
            c->used = 0;
            return c;
        }
    }
    size_t size = need < FIRST_CHUNK ? FIRST_CHUNK : need;
    chunk *c = malloc(sizeof *c + size + ALIGN);
    if (!c)
        seli_error("out of memory: could not allocate %zu bytes for tensors; "
                   "use smaller tensors or end scopes you no longer need",
                   size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    c->data = (char *)(((uintptr_t)(c + 1) + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
    return c;
}

static void chunk_release(chunk *c)
{
    while (c) {
        chunk *next = c->next;
        if (cache_bytes + (long long)c->size <= CACHE_LIMIT) {
            c->next = cache;
            cache = c;
            cache_bytes += (long long)c->size;
        } else {
            free(c);
        }
        c = next;
    }
}

void *seli__arena_alloc(seli_arena *a, size_t size)
{
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        /* Grow geometrically so that big scopes need few chunks. */
        size_t want = c ? c->size * 2 : FIRST_CHUNK;
        if (want > (16u << 20))
            want = 16u << 20;
        c = chunk_get(size > want ? size : want);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    a->bytes += (long long)size;
    return p;
}

void *seli__scope_alloc(size_t size) { return seli__arena_alloc(&arenas[depth], size); }

void *seli__current_arena(void) { return &arenas[depth]; }

unsigned seli__arena_generation(const seli_arena *a) { return a->generation; }

int seli__arena_live(const void *owner)
{
    for (int i = depth; i >= 0; i--)
        if (owner == (const void *)&arenas[i])
            return 1;
    return 0;
}

void seli_scope_begin(void)
{
    if (depth + 1 >= MAX_SCOPES)
        seli_error("seli_scope_begin: more than %d nested scopes; is a seli_scope_end missing "
                   "in a loop?",
                   MAX_SCOPES - 1);
    depth++;
    arenas[depth].head = NULL;
    arenas[depth].bytes = 0;
}

void seli_scope_end(void)
{
    if (depth == 0)
        seli_error("seli_scope_end: no scope is open (every seli_scope_end needs a "
                   "seli_scope_begin before it)");
    seli_arena *a = &arenas[depth];
    chunk_release(a->head);
    a->head = NULL;
    a->bytes = 0;
    a->generation++; /* tensors of the ended scope no longer pass seli__check */
    depth--;
}

int seli_scope_depth(void) { return depth; }

void seli_scope_unwind(int target)
{
    if (target < 0)
        target = 0;
    while (depth > target)
        seli_scope_end();
}

long long seli_scope_bytes(void)
{
    long long total = 0;
    for (int i = 0; i <= depth; i++)
        total += arenas[i].bytes;
    return total;
}

void seli_scope_trim(void)
{
    while (cache) {
        chunk *next = cache->next;
        free(cache);
        cache = next;
    }
    cache_bytes = 0;
}

seli_tensor *seli_keep(seli_tensor *t)
{
    seli__check("seli_keep", t, "t");
    if (t->owner != (void *)&arenas[depth] || depth == 0)
        return t; /* heap tensors and tensors of outer scopes outlive this one already */
    seli_arena *parent = &arenas[depth - 1];
    seli_tensor *kept = seli__arena_tensor(parent, t->ndim, t->shape);
    memcpy(kept->data, t->data, (size_t)t->size * sizeof(float));
    return kept;
}
