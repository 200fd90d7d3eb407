/* Makes eflomal's sampler reproducible: when ANNOPROJ_SEED is set, every
 * fopen("/dev/urandom") returns a deterministic byte stream derived from the
 * seed and the number of earlier opens. Loaded through LD_PRELOAD. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t opens = 0;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

FILE *fopen(const char *path, const char *mode) {
    static FILE *(*real_fopen)(const char *, const char *) = NULL;
    if (!real_fopen) real_fopen = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    const char *seed = getenv("ANNOPROJ_SEED");
    if (seed && path && strcmp(path, "/dev/urandom") == 0) {
        uint64_t n = __atomic_add_fetch(&opens, 1, __ATOMIC_SEQ_CST);
        uint64_t state = strtoull(seed, NULL, 10) ^ (0x5851f42d4c957f2dULL * n);
        size_t size = 1 << 16;
        unsigned char *buf = malloc(size);
        if (!buf) return real_fopen(path, mode);
        for (size_t i = 0; i < size; i += 8) {
            uint64_t r = splitmix64(&state);
            memcpy(buf + i, &r, 8);
        }
        return fmemopen(buf, size, "rb");
    }
    return real_fopen(path, mode);
}
