/* colormap.c: colours and colormaps.
 *
 * The tab10 cycle ("C0".."C9"), a few named colours, and the colormaps
 * viridis, turbo, bwr and gray as piecewise-linear ramps through stops. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/colormap.h"

static const seli__rgb tab10[10] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
    {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
    {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf},
};

static const char *const tab10_names[10] = {"blue",  "orange", "green", "red",   "purple",
                                            "brown", "pink",   "gray",  "olive", "cyan"};

/* A table: its rows look alike by design (one name, one colour each). */
static const struct {
    const char *name;
    seli__rgb rgb;
} named[] = {
    {"black", {0, 0, 0}},           {"k", {0, 0, 0}},
    {"white", {255, 255, 255}},     {"w", {255, 255, 255}},
    {"red", {255, 0, 0}},           {"r", {255, 0, 0}},
    {"blue", {0, 0, 255}},          {"b", {0, 0, 255}},
    {"green", {0, 128, 0}},         {"g", {0, 128, 0}},
    {"gray", {128, 128, 128}},      {"grey", {128, 128, 128}},
    {"lightgray", {211, 211, 211}}, {"orange", {255, 165, 0}},
    {"purple", {128, 0, 128}},      {"c", {0, 191, 191}},
    {"cyan", {0, 255, 255}},        {"m", {191, 0, 191}},
    {"magenta", {255, 0, 255}},     {"y", {191, 191, 0}},
    {"yellow", {255, 255, 0}},      {"brown", {165, 42, 42}},
    {"pink", {255, 192, 203}},      {"navy", {0, 0, 128}},
};

seli__rgb seli__tab10(int i) { return tab10[((i % 10) + 10) % 10]; }

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int seli__parse_color(const char *spec, seli__rgb *out)
{
    if (!spec)
        return 0;
    if (spec[0] == 'C' && spec[1] >= '0' && spec[1] <= '9' && spec[2] == '\0') {
        *out = tab10[spec[1] - '0'];
        return 1;
    }
    if (spec[0] == '#') {
        size_t n = strlen(spec + 1);
        int v[6];
        if (n != 3 && n != 6)
            return 0;
        for (size_t i = 0; i < n; i++)
            if ((v[i] = hexval(spec[1 + i])) < 0)
                return 0;
        if (n == 3)
            *out = (seli__rgb){(unsigned char)(v[0] * 17), (unsigned char)(v[1] * 17),
                               (unsigned char)(v[2] * 17)};
        else
            *out = (seli__rgb){(unsigned char)(v[0] * 16 + v[1]), (unsigned char)(v[2] * 16 + v[3]),
                               (unsigned char)(v[4] * 16 + v[5])};
        return 1;
    }
    if (strncmp(spec, "tab:", 4) == 0) {
        for (int i = 0; i < 10; i++)
            if (strcmp(spec + 4, tab10_names[i]) == 0) {
                *out = tab10[i];
                return 1;
            }
        return 0;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(spec, named[i].name) == 0) {
            *out = named[i].rgb;
            return 1;
        }
    return 0;
}

void seli__rgb_hex(seli__rgb c, char out[8]) { snprintf(out, 8, "#%02x%02x%02x", c.r, c.g, c.b); }

/* Evenly spaced stops from 0 to 1. */
static const seli__rgb viridis[] = {
    {68, 1, 84},    {72, 36, 117},  {65, 68, 135},  {53, 95, 141},  {42, 120, 142}, {33, 145, 140},
    {34, 168, 132}, {68, 191, 112}, {122, 209, 81}, {189, 223, 38}, {253, 231, 37},
};
static const seli__rgb turbo[] = {
    {48, 18, 59},   {67, 85, 198},  {70, 134, 251}, {40, 188, 235}, {26, 229, 182}, {114, 254, 94},
    {164, 252, 60}, {225, 221, 55}, {254, 163, 48}, {237, 93, 17},  {196, 38, 3},   {122, 4, 3},
};
static const seli__rgb bwr[] = {{0, 0, 255}, {255, 255, 255}, {255, 0, 0}};
static const seli__rgb gray[] = {{0, 0, 0}, {255, 255, 255}};
static const seli__rgb coolwarm[] = {{59, 76, 192}, {221, 221, 221}, {180, 4, 38}};

static const struct {
    const char *name;
    const seli__rgb *stops;
    int n;
} maps[] = {
    {"viridis", viridis, sizeof viridis / sizeof viridis[0]},
    {"turbo", turbo, sizeof turbo / sizeof turbo[0]},
    {"bwr", bwr, 3},
    {"gray", gray, 2},
    {"grey", gray, 2},
    {"coolwarm", coolwarm, 3},
};

int seli__cmap_known(const char *name)
{
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        if (strcmp(name, maps[i].name) == 0)
            return 1;
    return 0;
}

seli__rgb seli__cmap(const char *name, double t)
{
    int m = 0;
    if (name)
        for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
            if (strcmp(name, maps[i].name) == 0)
                m = (int)i;
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    int n = maps[m].n;
    double u = t * (n - 1);
    int k = (int)floor(u);
    if (k >= n - 1)
        k = n - 2;
    double f = u - k;
    const seli__rgb *a = &maps[m].stops[k], *b = &maps[m].stops[k + 1];
    return (seli__rgb){(unsigned char)lround(a->r + f * (b->r - a->r)),
                       (unsigned char)lround(a->g + f * (b->g - a->g)),
                       (unsigned char)lround(a->b + f * (b->b - a->b))};
}

void seli__finite_range(const double *v, long n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (long i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = v[i] < *lo ? v[i] : *lo;
            *hi = v[i] > *hi ? v[i] : *hi;
        }
}
