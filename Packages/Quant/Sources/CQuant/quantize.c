/* Stochastic quantization to level indices, dequantization and the exact variance. */
#include "cquant.h"
#include <math.h>
#include <string.h>

static inline uint64_t splitmix64(uint64_t *s) { /* seeds the per-bucket keys */
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
__attribute__((target_clones("avx2", "default")))
static double bucket_norm(const float *v, size_t n, int kind, int *bad) {
    /* one pass, no early exit, so it vectorizes; NaN/inf poison the flags instead */
    if (kind == FJQ_NORM_LINF) {
        float mx = 0.0f;
        int nonfinite = 0;
        for (size_t i = 0; i < n; i++) {
            float a = fabsf(v[i]);
            nonfinite |= !(a <= 3.4028235e38f);
            mx = a > mx ? a : mx;
        }
        if (nonfinite) *bad = 1;
        return mx;
    }
    /* eight double accumulators break the add chain (and let the loop vectorize) */
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int nonfinite = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) {
            float x = v[i + k];
            nonfinite |= !(fabsf(x) <= 3.4028235e38f);
            acc[k] += (double)x * (double)x;
        }
    }
    for (; i < n; i++) {
        float x = v[i];
        nonfinite |= !(fabsf(x) <= 3.4028235e38f);
        acc[0] += (double)x * (double)x;
    }
    if (nonfinite) *bad = 1;
    return sqrt(((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])));
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

/* The rounding randomness: a counter-based 32-bit hash of (bucket key, coordinate index), two rounds of
 * MurmurHash3's finalizer. It uses only 32-bit multiplies, so the loops below vectorize (AVX2 when the CPU has
 * it, chosen at load time through target_clones); 24 bits of it are compared with p, which matches float32's
 * resolution of r itself. */
static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    return h;
}
static inline float uniform24(uint32_t k0, uint32_t k1, uint32_t i) {
    return (float)(fmix32(fmix32(i * 0x9E3779B9u ^ k0) + k1) >> 8) * 0x1.0p-24f;
}

/* One bucket with uniform levels j/s: interval floor(r·s), p = r·s − j. Branch-free, vectorizable. */
__attribute__((target_clones("avx2", "default")))
static void bucket_uniform(const float *x, size_t n, float inv, float s, int top, uint32_t k0, uint32_t k1, int16_t *o) {
    for (size_t i = 0; i < n; i++) {
        float r = fabsf(x[i]) * inv;
        r = r > 1.0f ? 1.0f : r;
        float rs = r * s;
        int j = (int)rs;
        j = j > top ? top : j;
        float p = rs - (float)j;
        int idx = j + (uniform24(k0, k1, (uint32_t)i) < p);
        o[i] = (int16_t)(x[i] < 0 ? -idx : idx);
    }
}

/* One bucket with NUQSGD's levels 0, 2^-s, …, 1: for r ≥ 2^-s the interval is floor(log2 r) + s + 1, read off the
 * float's exponent bits; below 2^-s it is 0. */
__attribute__((target_clones("avx2", "default")))
static void bucket_pow2(const float *x, size_t n, float inv, const float *levels, const float *invw, int K,
                        uint32_t k0, uint32_t k1, int16_t *o) {
    int s = K - 2;
    for (size_t i = 0; i < n; i++) {
        float r = fabsf(x[i]) * inv;
        r = r > 1.0f ? 1.0f : r;
        uint32_t bits;
        memcpy(&bits, &r, 4);
        int e = (int)(bits >> 23) - 127; /* floor(log2 r) for normal r; very negative for 0 and subnormals */
        int j = e + s + 1;
        j = j < 0 ? 0 : j;
        j = j > K - 2 ? K - 2 : j;
        float p = (r - levels[j]) * invw[j];
        int idx = j + (uniform24(k0, k1, (uint32_t)i) < p);
        o[i] = (int16_t)(x[i] < 0 ? -idx : idx);
    }
}

/* One bucket with at most 16 general levels: the interval index counts the interior levels ≤ r, branch-free
 * over a table padded with +inf (vectorizable); p from the precomputed inverse widths. */
__attribute__((target_clones("avx2", "default")))
static void bucket_small(const float *x, size_t n, float inv, const float lv[16], const float *invw, const float *levels,
                         int K, uint32_t k0, uint32_t k1, int16_t *o) {
    for (size_t i = 0; i < n; i++) {
        float r = fabsf(x[i]) * inv;
        r = r > 1.0f ? 1.0f : r;
        int j = 0;
        for (int k = 1; k < 16; k++) j += r >= lv[k];
        j = j > K - 2 ? K - 2 : j;
        float p = (r - levels[j]) * invw[j];
        int idx = j + (uniform24(k0, k1, (uint32_t)i) < p);
        o[i] = (int16_t)(x[i] < 0 ? -idx : idx);
    }
}

/* One bucket with general levels: binary search for the interval, p from the precomputed inverse widths. */
__attribute__((target_clones("avx2", "default")))
static void bucket_search(const float *x, size_t n, float inv, const float *levels, const float *invw, int K,
                          uint32_t k0, uint32_t k1, int16_t *o) {
    for (size_t i = 0; i < n; i++) {
        float r = fabsf(x[i]) * inv;
        r = r > 1.0f ? 1.0f : r;
        int j = find_interval(r, levels, K, FJQ_LEVELS_SEARCH, 0);
        float p = invw ? (r - levels[j]) * invw[j] : (r - levels[j]) / (levels[j + 1] - levels[j]);
        int idx = j + (uniform24(k0, k1, (uint32_t)i) < p);
        o[i] = (int16_t)(x[i] < 0 ? -idx : idx);
    }
}

int fjq_quantize(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K, int lookup,
                 uint64_t seed, uint64_t stream, float *norms, int16_t *q) {
    size_t nb = bucket ? (d + bucket - 1) / bucket : 0;
    return fjq_quantize_buckets(v, d, bucket, norm_kind, levels, K, lookup, seed, stream, 0, nb, norms, q);
}

int fjq_quantize_buckets(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K,
                         int lookup, uint64_t seed, uint64_t stream, size_t b0, size_t b1, float *norms, int16_t *q) {
    float s = (float)(K - 1);
    float invw[64];
    int small = K <= 64;
    if (small) for (int j = 0; j + 1 < K; j++) invw[j] = 1.0f / (levels[j + 1] - levels[j]);
    float lv[16];
    for (int k = 0; k < 16; k++) lv[k] = k < K - 1 ? levels[k] : INFINITY; /* the top level 1 is never an interval start */
    for (size_t b = b0; b < b1; b++) {
        size_t lo = b * bucket, n = (d - lo < bucket) ? d - lo : bucket;
        const float *x = v + lo;
        int16_t *o = q + lo;
        int bad = 0;
        double nrm = bucket_norm(x, n, norm_kind, &bad);
        if (bad) return -1;
        float fn = (float)nrm;
        if (!isfinite(fn)) return -2; /* finite values whose norm float32 cannot hold: no message can carry it */
        norms[b] = fn;
        if (fn == 0.0f) { memset(o, 0, n * sizeof(int16_t)); continue; }
        float inv = 1.0f / fn;
        uint64_t key = fjq_bucket_seed(seed, stream, b);
        uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
        if (lookup == FJQ_LEVELS_UNIFORM) bucket_uniform(x, n, inv, s, K - 2, k0, k1, o);
        else if (lookup == FJQ_LEVELS_POW2 && small) bucket_pow2(x, n, inv, levels, invw, K, k0, k1, o);
        else if (K <= 16) bucket_small(x, n, inv, lv, invw, levels, K, k0, k1, o);
        else bucket_search(x, n, inv, levels, small ? invw : NULL, K, k0, k1, o);
    }
    return 0;
}

void fjq_dequantize(const int16_t *q, const float *norms, size_t d, size_t bucket, const float *levels, float *out) {
    /* per bucket, not a division per coordinate; the product levels[|k|]·n_b is the same float either way */
    for (size_t lo = 0, b = 0; lo < d; lo += bucket, b++) {
        size_t hi = d - lo < bucket ? d : lo + bucket;
        float n = norms[b];
        for (size_t i = lo; i < hi; i++) { /* the sign by its bit, not a branch on data */
            int16_t k = q[i];
            float m = levels[k < 0 ? -k : k] * n;
            uint32_t u;
            memcpy(&u, &m, 4);
            u |= (uint32_t)(k < 0) << 31;
            memcpy(out + i, &u, 4);
        }
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
        int wide = !isfinite(fn); /* a norm float32 cannot hold (values near 3.4e38): scale in double instead */
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            float r = wide ? (float)(fabs((double)v[lo + i]) / nrm) : fabsf(v[lo + i]) * (1.0f / fn);
            if (r > 1.0f) r = 1.0f;
            int j = find_interval(r, levels, K, FJQ_LEVELS_SEARCH, 0);
            double l0 = levels[j], l1 = levels[j + 1];
            acc += (l1 - r) * (r - l0);
            /* P(q ≠ 0) = 1 for j ≥ 1; for j = 0 it is r / ℓ₁ */
            nnz += j >= 1 ? 1.0 : (double)r / l1;
        }
        var += wide ? nrm * nrm * acc : (double)fn * fn * acc;
    }
    *variance = var;
    *norm2 = nv;
    *expected_nnz = nnz;
}

/* The k-th largest (1-based) of a[0..n), a reordered: Hoare quickselect, median-of-three pivots. */
static float kth_largest(float *a, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1, target = k - 1; /* position of the k-th largest in descending order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        float x = a[lo], y = a[mid], z = a[hi];
        float pivot = x > y ? (y > z ? y : (x > z ? z : x)) : (x > z ? x : (y > z ? z : y));
        size_t i = lo, j = hi;
        while (i <= j) { /* descending: larger values to the left */
            while (a[i] > pivot) i++;
            while (a[j] < pivot) j--;
            if (i <= j) {
                float t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (target <= j) hi = j;
        else if (target >= i) lo = i;
        else return a[target];
    }
    return a[target];
}

void fjq_topk(const float *p, size_t d, size_t k, float *scratch, uint32_t *keep) {
    for (size_t i = 0; i < d; i++) scratch[i] = fabsf(p[i]);
    float t = kth_largest(scratch, d, k);
    size_t above = 0;
    for (size_t i = 0; i < d; i++) above += fabsf(p[i]) > t;
    size_t ties = k - above, n = 0; /* take every magnitude above t and the first `ties` equal to it */
    for (size_t i = 0; i < d && n < k; i++) {
        float a = fabsf(p[i]);
        if (a > t || (a == t && ties > 0)) {
            if (a == t) ties--;
            keep[n++] = (uint32_t)i;
        }
    }
}
