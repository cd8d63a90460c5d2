/* debuginfo.c: a cell's functions, lines and call sites, read from tcc's
 * ELF object with stabs (see debuginfo.h). */
#include "runtime/debuginfo.h"

#include "runtime/jit.h"

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct dbg_fn {
    long start, size;
    char *name;
} dbg_fn;

typedef struct dbg_line {
    long off;
    int line;
    const char *file; /* into files */
} dbg_line;

typedef struct dbg_call {
    long off; /* of the 4 relocated bytes */
    char *name;
} dbg_call;

struct debuginfo {
    dbg_fn *fns;
    int nfns;
    dbg_line *lines;
    int nlines;
    dbg_call *calls;
    int ncalls;
    char **files;
    int nfiles;
    unsigned char *text; /* the object's .text */
    long text_size;
};

#define N_FUN 0x24
#define N_SLINE 0x44
#define N_SO 0x64
#define N_SOL 0x84

typedef struct stab {
    uint32_t strx;
    uint8_t type, other;
    uint16_t desc;
    uint32_t value;
} stab;

/* The object, and its section headers, checked to lie inside it.  tcc
 * aligns nothing in the file, so the headers and every section read are
 * copied to memory that malloc aligned. */
#define MAX_COPIES 32
typedef struct elf {
    const unsigned char *data;
    size_t size;
    Elf64_Shdr *sh;
    int nsh;
    int shstrndx;
    void *copies[MAX_COPIES];
    int ncopies;
} elf;

static const void *section(elf *e, int i, size_t *size)
{
    if (i <= 0 || i >= e->nsh || e->sh[i].sh_type == SHT_NOBITS ||
        e->sh[i].sh_offset + e->sh[i].sh_size > e->size || e->ncopies == MAX_COPIES)
        return NULL;
    void *copy = malloc(e->sh[i].sh_size ? e->sh[i].sh_size : 1);
    if (!copy)
        return NULL;
    memcpy(copy, e->data + e->sh[i].sh_offset, e->sh[i].sh_size);
    e->copies[e->ncopies++] = copy;
    *size = e->sh[i].sh_size;
    return copy;
}

static int find_section(elf *e, const char *name)
{
    size_t n;
    const char *names = section(e, e->shstrndx, &n);
    for (int i = 1; names && i < e->nsh; i++)
        if (e->sh[i].sh_name < n && !strcmp(names + e->sh[i].sh_name, name))
            return i;
    return -1;
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            unsigned char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    fclose(f);
    *size = n;
    return buf;
}

static const char *intern_file(debuginfo *d, const char *name)
{
    for (int i = 0; i < d->nfiles; i++)
        if (!strcmp(d->files[i], name))
            return d->files[i];
    char **v = realloc(d->files, (size_t)(d->nfiles + 1) * sizeof *v);
    if (!v)
        return NULL;
    d->files = v;
    d->files[d->nfiles] = strdup(name);
    return d->files[d->nfiles++];
}

/* The functions of .text (index text) from the symbol table. */
static void read_symbols(debuginfo *d, elf *e, int text)
{
    int symi = find_section(e, ".symtab");
    size_t nsym = 0, nstr = 0;
    const Elf64_Sym *sym = symi > 0 ? section(e, symi, &nsym) : NULL;
    const char *str = sym ? section(e, (int)e->sh[symi].sh_link, &nstr) : NULL;
    if (!sym || !str)
        return;
    nsym /= sizeof *sym;
    d->fns = calloc(nsym, sizeof *d->fns);
    for (size_t i = 0; d->fns && i < nsym; i++)
        if (ELF64_ST_TYPE(sym[i].st_info) == STT_FUNC && sym[i].st_shndx == text &&
            sym[i].st_name < nstr) {
            dbg_fn *f = &d->fns[d->nfns++];
            f->start = (long)sym[i].st_value;
            f->size = (long)sym[i].st_size;
            f->name = strdup(str + sym[i].st_name);
        }
}

/* Lines: an N_SLINE's value is its offset from the function's start (the
 * last N_FUN's symbol); N_SO and N_SOL name the file from then on. */
static void read_stabs(debuginfo *d, elf *e)
{
    int si = find_section(e, ".stab");
    size_t n = 0, nstr = 0;
    const stab *st = si > 0 ? section(e, si, &n) : NULL;
    const char *str = st ? section(e, (int)e->sh[si].sh_link, &nstr) : NULL;
    if (!st || !str)
        return;
    n /= sizeof *st;
    d->lines = calloc(n, sizeof *d->lines);
    const char *file = NULL;
    long fn_start = -1;
    for (size_t i = 0; d->lines && i < n; i++) {
        const char *s = st[i].strx < nstr ? str + st[i].strx : "";
        if (st[i].type == N_SO || st[i].type == N_SOL) {
            if (*s)
                file = intern_file(d, s);
        } else if (st[i].type == N_FUN && *s) {
            char name[256];
            size_t len = strcspn(s, ":");
            snprintf(name, sizeof name, "%.*s", (int)len, s);
            fn_start = debuginfo_symbol(d, name);
        } else if (st[i].type == N_SLINE && fn_start >= 0) {
            dbg_line *l = &d->lines[d->nlines++];
            l->off = fn_start + (long)st[i].value;
            l->line = st[i].desc;
            l->file = file;
        }
    }
}

/* The relocations of .text: for the call sites, and to know which bytes
 * differ from memory. */
static void read_relocations(debuginfo *d, elf *e, int text)
{
    for (int i = 1; i < e->nsh; i++) {
        if (e->sh[i].sh_type != SHT_RELA || (int)e->sh[i].sh_info != text)
            continue;
        size_t n = 0, nsym = 0, nstr = 0;
        const Elf64_Rela *r = section(e, i, &n);
        int symi = (int)e->sh[i].sh_link;
        const Elf64_Sym *sym = section(e, symi, &nsym);
        const char *str = sym ? section(e, (int)e->sh[symi].sh_link, &nstr) : NULL;
        if (!r || !sym || !str)
            return;
        n /= sizeof *r;
        nsym /= sizeof *sym;
        d->calls = calloc(n ? n : 1, sizeof *d->calls);
        for (size_t k = 0; d->calls && k < n; k++) {
            size_t si = ELF64_R_SYM(r[k].r_info);
            dbg_call *c = &d->calls[d->ncalls++];
            c->off = (long)r[k].r_offset;
            c->name = si < nsym && sym[si].st_name < nstr && sym[si].st_name
                          ? strdup(str + sym[si].st_name)
                          : NULL;
        }
        return;
    }
}

static debuginfo *parse_sections(elf *e, int shstrndx);

static debuginfo *parse(const unsigned char *data, size_t size)
{
    Elf64_Ehdr eh;
    if (size < sizeof eh)
        return NULL;
    memcpy(&eh, data, sizeof eh);
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr) > size)
        return NULL;
    elf e = {data, size, malloc(eh.e_shnum * sizeof(Elf64_Shdr) + 1), eh.e_shnum, 0, {0}, 0};
    if (!e.sh)
        return NULL;
    memcpy(e.sh, data + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
    debuginfo *d = parse_sections(&e, eh.e_shstrndx);
    for (int i = 0; i < e.ncopies; i++)
        free(e.copies[i]);
    free(e.sh);
    return d;
}

static debuginfo *parse_sections(elf *e, int shstrndx)
{
    e->shstrndx = shstrndx;
    int text = find_section(e, ".text");
    size_t tsize;
    const unsigned char *t = text > 0 ? section(e, text, &tsize) : NULL;
    debuginfo *d = calloc(1, sizeof *d);
    if (!d || !t) {
        free(d);
        return NULL;
    }
    d->text = malloc(tsize ? tsize : 1);
    if (d->text)
        memcpy(d->text, t, tsize);
    d->text_size = (long)tsize;
    read_symbols(d, e, text);
    read_stabs(d, e);
    read_relocations(d, e, text);
    return d;
}

debuginfo *debuginfo_load(const char *src, const char *include_dir)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/seli-debug-XXXXXX.o", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 2);
    if (fd < 0)
        return NULL;
    close(fd);
    debuginfo *d = NULL;
    size_t size;
    unsigned char *data;
    if (jit_compile_object(src, include_dir, path) == 0 && (data = read_all(path, &size))) {
        d = parse(data, size);
        free(data);
    }
    unlink(path);
    return d;
}

void debuginfo_free(debuginfo *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nfns; i++)
        free(d->fns[i].name);
    for (int i = 0; i < d->ncalls; i++)
        free(d->calls[i].name);
    for (int i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->fns);
    free(d->lines);
    free(d->calls);
    free(d->files);
    free(d->text);
    free(d);
}

long debuginfo_symbol(const debuginfo *d, const char *name)
{
    for (int i = 0; i < d->nfns; i++)
        if (!strcmp(d->fns[i].name, name))
            return d->fns[i].start;
    return -1;
}

const char *debuginfo_function(const debuginfo *d, long off)
{
    for (int i = 0; i < d->nfns; i++)
        if (off >= d->fns[i].start && off < d->fns[i].start + d->fns[i].size)
            return d->fns[i].name;
    return NULL;
}

int debuginfo_line(const debuginfo *d, long off, const char **file)
{
    /* The entry with the greatest offset not past off, in the same
     * function (stabs come in code order within a function). */
    const dbg_line *best = NULL;
    for (int i = 0; i < d->nlines; i++)
        if (d->lines[i].off <= off && (!best || d->lines[i].off >= best->off))
            best = &d->lines[i];
    if (file)
        *file = best ? best->file : NULL;
    return best ? best->line : 0;
}

const char *debuginfo_call(const debuginfo *d, long off)
{
    for (int i = 0; i < d->ncalls; i++)
        if (d->calls[i].off == off - 4)
            return d->calls[i].name;
    return NULL;
}

int debuginfo_matches(const debuginfo *d, const unsigned char *text)
{
    unsigned char *mask = calloc((size_t)d->text_size + 8, 1);
    if (!mask)
        return 0;
    for (int i = 0; i < d->ncalls; i++)
        if (d->calls[i].off >= 0 && d->calls[i].off + 4 <= d->text_size)
            memset(mask + d->calls[i].off, 1, 4);
    int same = 1;
    for (long i = 0; same && i < d->text_size; i++)
        same = mask[i] || d->text[i] == text[i];
    free(mask);
    return same;
}
