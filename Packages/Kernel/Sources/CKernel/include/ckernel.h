/* CKernel: Fjord's C99 hot loops. Every function is pure over caller-owned buffers,
 * allocates nothing and is safe to call from several threads on disjoint ranges. */
#ifndef FJORD_CKERNEL_H
#define FJORD_CKERNEL_H
#include <stddef.h>
#include <stdint.h>

/* ---- Counter-based random numbers (Philox4x32-10, Salmon et al., SC 2011) ----
 * Element i of a stream (seed, stream) depends only on (seed, stream, i), so a fill split
 * over any number of threads gives the same bytes. One 128-bit block gives 4 lanes. */
void fj_philox_block(uint64_t seed, uint64_t stream, uint64_t block, uint32_t out[4]);
/* Uniform on [0,1) with 24 random bits: (u >> 8) * 2^-24. Fills elements [start, start+n). */
void fj_fill_uniform(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start);
/* Standard normal by Box-Muller: lanes (0,1) and (2,3) of each block form the two pairs. */
void fj_fill_normal(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start);
/* Standard Laplace (scale 1) by the inverse CDF: -sign(u) log(1 - 2|u|), u uniform on (-1/2, 1/2). */
void fj_fill_laplace(float *out, size_t n, uint64_t seed, uint64_t stream, uint64_t start);

/* ---- Summary statistics ----
 * Over the non-NaN values; sums in double. mean and the population std (ddof 0) use two passes. */
typedef struct {
    double min, max, mean, std;
    size_t nan_count, inf_count, finite_count;
} fj_stats_t;
void fj_stats_f32(const float *x, size_t n, fj_stats_t *out);

/* Number of NaN and ±Inf values, in one vectorizable pass. */
size_t fj_count_nonfinite(const float *x, size_t n);

/* ---- dtype conversion at the edges ----
 * Codes: 0 f4, 1 f8, 2 i1, 3 i2, 4 i4, 5 i8, 6 u1, 7 u2, 8 u4, 9 u8, 10 b1, 11 f2.
 * `swap` nonzero means the source (or destination) bytes are big-endian on this little-endian host. */
void fj_to_f32(const void *src, int code, int swap, size_t n, float *dst);
void fj_to_f64(const void *src, int code, int swap, size_t n, double *dst);
/* Float to dtype: floats round to nearest (ties to even) and saturate for integers; NaN becomes 0. */
void fj_from_f32(const float *src, size_t n, int code, void *dst);
void fj_from_f64(const double *src, size_t n, int code, void *dst);

/* Largest |a-b| and largest |a-b| / max(|a|,|b|) (0 where both are 0); NaN in one but not the
 * other counts as +inf; NaN in both is equal. */
void fj_diff_f64(const double *a, const double *b, size_t n, double *max_abs, double *max_rel);

/* ---- GELU ----
 * The exact GELU y = x Φ(x) (PyTorch's default, not the tanh form) and its derivative Φ(x) + x φ(x), with erf by
 * Abramowitz & Stegun 7.1.26 and a polynomial exp: |y − x Φ(x)| ≤ 2e-7 |x|. Loops the compiler vectorizes; y may
 * alias x, dx may alias dy. NaN in gives NaN out. */
void fj_gelu_forward(const float *x, float *y, size_t n);
void fj_gelu_backward(const float *x, const float *dy, float *dx, size_t n);

/* ---- Allocator ----
 * Serve every block from the heap and never trim it (glibc: M_MMAP_MAX 0, M_TRIM_THRESHOLD max); elsewhere nothing. */
void fj_keep_freed_memory(void);

#endif
