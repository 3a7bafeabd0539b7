/* Stochastic quantization to level indices, dequantization and the exact variance. */
#include "cquant.h"
#include <math.h>
#include <string.h>

static inline uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t fjq_bucket_seed(uint64_t seed, uint64_t stream, uint64_t b) {
    uint64_t s = seed ^ (stream * 0xD1B54A32D192ED03ull);
    uint64_t x = splitmix64(&s) ^ (b * 0xA0761D6478BD642Full);
    return splitmix64(&x);
}

/* The bucket's scale. */
static double bucket_norm(const float *v, size_t n, int kind, int *bad) {
    double acc = 0.0;
    if (kind == FJQ_NORM_LINF) {
        for (size_t i = 0; i < n; i++) {
            float a = fabsf(v[i]);
            if (!(a <= 3.4028235e38f)) { *bad = 1; return 0; } /* NaN or inf */
            if (a > acc) acc = a;
        }
        return acc;
    }
    for (size_t i = 0; i < n; i++) {
        float x = v[i];
        if (!(fabsf(x) <= 3.4028235e38f)) { *bad = 1; return 0; }
        acc += (double)x * (double)x;
    }
    return sqrt(acc);
}

/* Index j with levels[j] <= r < levels[j+1] (j = K-2 when r >= 1). */
static inline int find_interval(float r, const float *levels, int K, int lookup, float s) {
    int j;
    if (lookup == FJQ_LEVELS_UNIFORM) {
        j = (int)(r * s);
        if (j > K - 2) j = K - 2;
        /* guard against rounding of r*s across a level */
        if (j > 0 && r < levels[j]) j--;
        else if (j < K - 2 && r >= levels[j + 1]) j++;
        return j;
    }
    int lo = 0, hi = K - 1; /* invariant: levels[lo] <= r, and r < levels[hi] or hi = K-1 */
    while (hi - lo > 1) {
        int mid = (lo + hi) >> 1;
        if (levels[mid] <= r) lo = mid; else hi = mid;
    }
    return lo;
}

int fjq_quantize(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K, int lookup,
                 uint64_t seed, uint64_t stream, float *norms, int16_t *q) {
    float s = (float)(K - 1);
    size_t nb = bucket ? (d + bucket - 1) / bucket : 0;
    for (size_t b = 0; b < nb; b++) {
        size_t lo = b * bucket, n = (d - lo < bucket) ? d - lo : bucket;
        const float *x = v + lo;
        int16_t *o = q + lo;
        int bad = 0;
        double nrm = bucket_norm(x, n, norm_kind, &bad);
        if (bad) return -1;
        float fn = (float)nrm;
        norms[b] = fn;
        if (fn == 0.0f) { memset(o, 0, n * sizeof(int16_t)); continue; }
        float inv = 1.0f / fn;
        uint64_t state = fjq_bucket_seed(seed, stream, b);
        uint64_t bits = 0;
        int have = 0;
        for (size_t i = 0; i < n; i++) {
            float a = fabsf(x[i]);
            float r = a * inv;
            if (r > 1.0f) r = 1.0f;
            int j = find_interval(r, levels, K, lookup, s);
            float l0 = levels[j], l1 = levels[j + 1];
            float p = (r - l0) / (l1 - l0);
            if (!have) { bits = splitmix64(&state); have = 2; }
            uint32_t u = (uint32_t)(bits >> (32 * (--have)));
            /* round up with probability p: u / 2^32 < p */
            int up = (double)u < (double)p * 4294967296.0;
            int idx = j + up;
            o[i] = (int16_t)(x[i] < 0 ? -idx : idx);
        }
    }
    return 0;
}

void fjq_dequantize(const int16_t *q, const float *norms, size_t d, size_t bucket, const float *levels, float *out) {
    for (size_t i = 0; i < d; i++) {
        int16_t k = q[i];
        float m = levels[k < 0 ? -k : k] * norms[i / bucket];
        out[i] = k < 0 ? -m : m;
    }
}

void fjq_exact_variance(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K,
                        double *variance, double *norm2, double *expected_nnz) {
    double var = 0.0, nv = 0.0, nnz = 0.0;
    size_t nb = bucket ? (d + bucket - 1) / bucket : 0;
    for (size_t b = 0; b < nb; b++) {
        size_t lo = b * bucket, n = (d - lo < bucket) ? d - lo : bucket;
        int bad = 0;
        double nrm = bucket_norm(v + lo, n, norm_kind, &bad);
        for (size_t i = 0; i < n; i++) nv += (double)v[lo + i] * v[lo + i];
        if (nrm == 0.0 || bad) continue;
        float fn = (float)nrm;
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            float r = fabsf(v[lo + i]) * (1.0f / fn);
            if (r > 1.0f) r = 1.0f;
            int j = find_interval(r, levels, K, FJQ_LEVELS_SEARCH, 0);
            double l0 = levels[j], l1 = levels[j + 1];
            acc += (l1 - r) * (r - l0);
            /* P(q ≠ 0) = 1 for j ≥ 1; for j = 0 it is r / ℓ₁ */
            nnz += j >= 1 ? 1.0 : (double)r / l1;
        }
        var += (double)fn * fn * acc;
    }
    *variance = var;
    *norm2 = nv;
    *expected_nnz = nnz;
}
