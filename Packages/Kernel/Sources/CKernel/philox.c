/* Philox4x32-10 counter-based generator and the distributions built on it. */
#define _GNU_SOURCE /* sincosf */
#include "ckernel.h"
#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void fj_philox_block(uint64_t seed, uint64_t stream, uint64_t block, uint32_t out[4]) {
    uint32_t c0 = (uint32_t)block, c1 = (uint32_t)(block >> 32);
    uint32_t c2 = (uint32_t)stream, c3 = (uint32_t)(stream >> 32);
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

static inline float u01_closed_open(uint32_t u) { return (float)(u >> 8) * 0x1.0p-24f; }
static inline float u01_open(uint32_t u) { return ((float)(u >> 8) + 0.5f) * 0x1.0p-24f; }

/* Shared walk over blocks: `lanes` computes the 4 values of one block. */
typedef void (*lanes_fn)(const uint32_t in[4], float v[4]);

static void fill_blocks(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start, lanes_fn lanes) {
    if (n == 0) return;
    uint64_t end = start + n;
    uint64_t b = start / 4;
    uint64_t last = (end - 1) / 4;
    uint32_t raw[4];
    float v[4];
    for (; b <= last; b++) {
        fj_philox_block(seed, stream, b, raw);
        lanes(raw, v);
        uint64_t base = b * 4;
        for (int l = 0; l < 4; l++) {
            uint64_t i = base + (uint64_t)l;
            if (i >= start && i < end) out[i - start] = v[l];
        }
    }
}

static void lanes_uniform(const uint32_t in[4], float v[4]) {
    for (int l = 0; l < 4; l++) v[l] = u01_closed_open(in[l]);
}

static void lanes_normal(const uint32_t in[4], float v[4]) {
    /* Box–Muller in float: u1 on (0,1) with 24 bits (log finite, |x| ≤ 5.9), angle 2π·u2. */
    for (int p = 0; p < 2; p++) {
        float u1 = ((float)(in[2 * p] >> 8) + 0.5f) * 0x1.0p-24f;
        float u2 = (float)(in[2 * p + 1] >> 8) * 0x1.0p-24f;
        float r = sqrtf(-2.0f * logf(u1));
        float sn, cs;
        sincosf(6.2831853f * u2, &sn, &cs);
        v[2 * p] = r * cs;
        v[2 * p + 1] = r * sn;
    }
}

static void lanes_laplace(const uint32_t in[4], float v[4]) {
    for (int l = 0; l < 4; l++) {
        double u = (double)u01_open(in[l]) - 0.5;
        double a = fabs(u);
        double x = -log1p(-2.0 * a);
        v[l] = (float)(u < 0 ? -x : x);
    }
}

void fj_fill_uniform(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start) {
    fill_blocks(out, n, seed, stream, start, lanes_uniform);
}
void fj_fill_normal(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start) {
    fill_blocks(out, n, seed, stream, start, lanes_normal);
}
void fj_fill_laplace(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start) {
    fill_blocks(out, n, seed, stream, start, lanes_laplace);
}
