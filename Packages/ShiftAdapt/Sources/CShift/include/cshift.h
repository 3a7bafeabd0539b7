/* CShift: the C kernel of MLLS/EM label-shift estimation (EMLabelShift). */
#ifndef FJORD_CSHIFT_H
#define FJORD_CSHIFT_H
#include <stddef.h>

/* One EM pass over `rows` posteriors of m classes (row-major, float or double): for every row f,
 *   s = Σ_c f_c r_c,   and when s > 0:   acc_c += f_c / s   for every c
 * (the caller multiplies acc by r once: that is the M-step's Σ_j p_jc up to the factor r_c). Rows with s ≤ 0 add
 * nothing. Arithmetic is double throughout. With AVX2 the classes go four at a time in 256-bit registers; the
 * portable path adds the same four partial sums in the same order and uses no fused multiply-add, so both paths
 * give the same bits. No scratch; acc is not cleared; NaN in f propagates into acc (callers check inputs first). */
void fjs_em_pass_f32(const float *f, size_t rows, size_t m, const double *r, double *acc);
void fjs_em_pass_f64(const double *f, size_t rows, size_t m, const double *r, double *acc);

/* Tests: 0 makes the passes take the portable path even where AVX2 is available (not thread-safe). */
void fjs_use_registers(int on);

#endif
