/* EM passes: see cshift.h. The AVX2 and portable bodies are one macro each so they cannot drift apart. */
#include "cshift.h"
#include <immintrin.h>

static int registers_allowed = 1;
void fjs_use_registers(int on) { registers_allowed = on; }
static int have_avx2(void) { return registers_allowed && __builtin_cpu_supports("avx2"); }

/* The portable body: four partial sums s0..s3 over c ≡ 0..3 (mod 4) for the first m/4·4 classes, combined as
 * (s0 + s1) + (s2 + s3), then the remainder in order; the AVX2 body's lanes are the same sums. */
#define PORTABLE_PASS(T)                                                                                          \
    size_t lanes = m & ~(size_t)3;                                                                                \
    for (size_t j = 0; j < rows; j++, f += m) {                                                                   \
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0;                                                                    \
        size_t c = 0;                                                                                             \
        for (; c < lanes; c += 4) {                                                                               \
            p0 = p0 + (double)f[c] * r[c];                                                                        \
            p1 = p1 + (double)f[c + 1] * r[c + 1];                                                                \
            p2 = p2 + (double)f[c + 2] * r[c + 2];                                                                \
            p3 = p3 + (double)f[c + 3] * r[c + 3];                                                                \
        }                                                                                                         \
        double s = (p0 + p1) + (p2 + p3);                                                                         \
        for (; c < m; c++) s = s + (double)f[c] * r[c];                                                           \
        if (!(s > 0)) continue;                                                                                   \
        double inv = 1 / s;                                                                                       \
        for (c = 0; c < m; c++) acc[c] = acc[c] + (double)f[c] * inv;                                             \
    }

static void pass_f32_portable(const float *f, size_t rows, size_t m, const double *r, double *acc) {
    PORTABLE_PASS(float)
}
static void pass_f64_portable(const double *f, size_t rows, size_t m, const double *r, double *acc) {
    PORTABLE_PASS(double)
}

/* LOAD4(p) gives four doubles from p (float: widened, exact). ROW_DOT leaves Σ_c f_c r_c of row F in S, summed as the
 * portable body does; ROW_ADD adds row F times INV to acc. (Interleaving two rows' dot products was tried: no gain,
 * the pass is bound by memory bandwidth at large N·m.) */
#define ROW_DOT(LOAD4, F, S)                                                                                      \
    do {                                                                                                          \
        __m256d s4_ = _mm256_setzero_pd();                                                                        \
        size_t c_ = 0;                                                                                            \
        for (; c_ < lanes; c_ += 4) s4_ = _mm256_add_pd(s4_, _mm256_mul_pd(LOAD4((F) + c_), _mm256_loadu_pd(r + c_))); \
        double t_[4];                                                                                             \
        _mm256_storeu_pd(t_, s4_);                                                                                \
        S = (t_[0] + t_[1]) + (t_[2] + t_[3]);                                                                    \
        for (; c_ < m; c_++) S = S + (double)(F)[c_] * r[c_];                                                    \
    } while (0)
#define ROW_ADD(LOAD4, F, INV)                                                                                    \
    do {                                                                                                          \
        __m256d v_ = _mm256_set1_pd(INV);                                                                         \
        size_t c_ = 0;                                                                                            \
        for (; c_ < lanes; c_ += 4)                                                                               \
            _mm256_storeu_pd(acc + c_, _mm256_add_pd(_mm256_loadu_pd(acc + c_), _mm256_mul_pd(LOAD4((F) + c_), v_))); \
        for (; c_ < m; c_++) acc[c_] = acc[c_] + (double)(F)[c_] * (INV);                                         \
    } while (0)
#define AVX2_PASS(LOAD4)                                                                                          \
    size_t lanes = m & ~(size_t)3;                                                                                \
    for (size_t j = 0; j < rows; j++, f += m) {                                                                   \
        double s;                                                                                                 \
        ROW_DOT(LOAD4, f, s);                                                                                     \
        if (s > 0) ROW_ADD(LOAD4, f, 1 / s);                                                                      \
    }

#define LOAD_F32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define LOAD_F64(p) _mm256_loadu_pd(p)

__attribute__((target("avx2"))) static void pass_f32_avx2(const float *f, size_t rows, size_t m, const double *r,
                                                           double *acc) {
    AVX2_PASS(LOAD_F32)
}
__attribute__((target("avx2"))) static void pass_f64_avx2(const double *f, size_t rows, size_t m, const double *r,
                                                           double *acc) {
    AVX2_PASS(LOAD_F64)
}

void fjs_em_pass_f32(const float *f, size_t rows, size_t m, const double *r, double *acc) {
    if (have_avx2()) pass_f32_avx2(f, rows, m, r, acc);
    else pass_f32_portable(f, rows, m, r, acc);
}

void fjs_em_pass_f64(const double *f, size_t rows, size_t m, const double *r, double *acc) {
    if (have_avx2()) pass_f64_avx2(f, rows, m, r, acc);
    else pass_f64_portable(f, rows, m, r, acc);
}
