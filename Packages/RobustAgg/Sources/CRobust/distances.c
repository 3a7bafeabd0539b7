/* Distances between rows, summed from differences (never from norms and dot products, so nothing cancels): one
 * pass of smoothed Weiszfeld (the new point and every row's distance to it, block by block), and all pairwise
 * distances for when a Gram matrix is too imprecise. Rows are taken four at a time (one load of z serves four).
 * Differences and squares are taken in double (no overflow for any finite float) in explicit vector lanes whose
 * order is fixed by the code, so the sums give the same bits on every run. */
#include "crobust.h"
#include <math.h>
#include <string.h>

typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

/* macros, not functions: a 32-byte vector may not cross a call in the baseline (non-AVX) clone */
#define LOW4(v) __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), v4d)
#define HIGH4(v) __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), v4d)

/* out[r] += ‖x_r − z‖² for rows ≤ 4 rows x + r·d over w columns, z given in float (z) or in double (zd), or
 * neither (‖x_r‖²). Per row, terms j+0..3 and
 * j+4..7 of every eight go to two 4-lane double accumulators, summed in a fixed order at the end. Four rows get
 * four pairs of named accumulators (registers); fewer run one at a time with the same lanes, so the same bits. */
#define SQ_LOAD_Z(j)                                      \
    v4d zl = {0, 0, 0, 0}, zh = {0, 0, 0, 0};             \
    if (zd) {                                             \
        memcpy(&zl, zd + (j), sizeof zl);                 \
        memcpy(&zh, zd + (j) + 4, sizeof zh);             \
    } else if (z) {                                       \
        v8f vz_;                                          \
        memcpy(&vz_, z + (j), sizeof vz_);                \
        zl = LOW4(vz_);                                   \
        zh = HIGH4(vz_);                                  \
    }
#define SQ_ROW(row, j, lo, hi)                            \
    do {                                                  \
        v8f v_;                                           \
        memcpy(&v_, (row) + (j), sizeof v_);              \
        v4d el_ = LOW4(v_) - zl, eh_ = HIGH4(v_) - zh;    \
        lo += el_ * el_;                                  \
        hi += eh_ * eh_;                                  \
    } while (0)

/* (by pointer: a 32-byte vector may not be passed by value in the baseline clone) */
static double sq_finish(const v4d *lo, const v4d *hi, const float *row, const float *z, const double *zd, size_t j,
                        size_t w) {
    double s = (((*lo)[0] + (*hi)[0]) + ((*lo)[1] + (*hi)[1])) + (((*lo)[2] + (*hi)[2]) + ((*lo)[3] + (*hi)[3]));
    for (; j < w; j++) {
        double e = (double)row[j] - (zd ? zd[j] : z ? z[j] : 0);
        s += e * e;
    }
    return s;
}

__attribute__((target_clones("avx2", "default")))
static void sqdist_rows(const float *x, size_t d, size_t rows, const float *z, const double *zd, size_t w,
                        double *out) {
    size_t end = w / 8 * 8;
    if (rows == 4) {
        const float *x0 = x, *x1 = x + d, *x2 = x + 2 * d, *x3 = x + 3 * d;
        v4d l0 = {0}, h0 = {0}, l1 = {0}, h1 = {0}, l2 = {0}, h2 = {0}, l3 = {0}, h3 = {0};
        for (size_t j = 0; j < end; j += 8) {
            SQ_LOAD_Z(j);
            SQ_ROW(x0, j, l0, h0);
            SQ_ROW(x1, j, l1, h1);
            SQ_ROW(x2, j, l2, h2);
            SQ_ROW(x3, j, l3, h3);
        }
        out[0] += sq_finish(&l0, &h0, x0, z, zd, end, w);
        out[1] += sq_finish(&l1, &h1, x1, z, zd, end, w);
        out[2] += sq_finish(&l2, &h2, x2, z, zd, end, w);
        out[3] += sq_finish(&l3, &h3, x3, z, zd, end, w);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        v4d lo = {0}, hi = {0};
        for (size_t j = 0; j < end; j += 8) {
            SQ_LOAD_Z(j);
            SQ_ROW(xr, j, lo, hi);
        }
        out[r] += sq_finish(&lo, &hi, xr, z, zd, end, w);
    }
}

/* z[j] = z[j] + a_0·x_0[j] + … in double (rows ≤ 8 rows x + r·d, added in row order: the same bits as one row at
 * a time); `first` starts from 0 instead of z. Eight rows a call halve the loads and stores of the double z. */
__attribute__((target_clones("avx2", "default")))
static void axpy_rows(double *restrict z, const float *restrict x, size_t d, const double *a, size_t rows, size_t w,
                      int first) {
    if (rows == 8) {
        const float *x0 = x, *x1 = x + d, *x2 = x + 2 * d, *x3 = x + 3 * d;
        const float *x4 = x + 4 * d, *x5 = x + 5 * d, *x6 = x + 6 * d, *x7 = x + 7 * d;
        double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
        for (size_t j = 0; j < w; j++) {
            double s = first ? a0 * x0[j] : z[j] + a0 * x0[j];
            z[j] = ((((((s + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j]) + a4 * x4[j]) + a5 * x5[j]) + a6 * x6[j]) +
                   a7 * x7[j];
        }
        return;
    }
    if (rows == 4) {
        const float *x0 = x, *x1 = x + d, *x2 = x + 2 * d, *x3 = x + 3 * d;
        double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        if (first)
            for (size_t j = 0; j < w; j++)
                z[j] = ((a0 * x0[j] + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j];
        else
            for (size_t j = 0; j < w; j++)
                z[j] = (((z[j] + a0 * x0[j]) + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j];
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        double ar = a[r];
        if (first && r == 0)
            for (size_t j = 0; j < w; j++) z[j] = ar * xr[j];
        else
            for (size_t j = 0; j < w; j++) z[j] += ar * xr[j];
    }
}

void fjr_weiszfeld_pass(const float *x, size_t n, size_t ld, size_t d, const double *a, const double *zprev,
                        double *z, double *dist, double *change2, double *prev_norm2) {
    /* columns per block: the block's n row pieces stay in a 256 KB share of L2 while they are read twice */
    size_t width = (256 * 1024 / (4 * n)) / 8 * 8;
    if (width < 256) width = 256;
    for (size_t i = 0; i < n; i++) dist[i] = 0;
    double change = 0, norm = 0;
    for (size_t c0 = 0; c0 < d; c0 += width) {
        size_t w = d - c0 < width ? d - c0 : width;
        double *zb = z + c0;
        for (size_t i = 0; i < n;) {
            size_t rows = n - i >= 8 ? 8 : n - i >= 4 ? 4 : n - i;
            axpy_rows(zb, x + i * ld + c0, ld, a + i, rows, w, i == 0);
            i += rows;
        }
        if (zprev) {
            for (size_t j = 0; j < w; j++) {
                double e = zb[j] - zprev[c0 + j];
                change += e * e;
                norm += zprev[c0 + j] * zprev[c0 + j];
            }
        }
        for (size_t i = 0; i < n; i += 4)
            sqdist_rows(x + i * ld + c0, ld, n - i < 4 ? n - i : 4, NULL, zb, w, dist + i);
    }
    if (change2) *change2 = change;
    if (prev_norm2) *prev_norm2 = norm;
}

void fjr_pairwise_sqdist(const float *x, size_t n, size_t d, double *out) {
    size_t width = (256 * 1024 / (4 * n)) / 8 * 8;
    if (width < 256) width = 256;
    for (size_t k = 0; k < n * n; k++) out[k] = 0;
    for (size_t c0 = 0; c0 < d; c0 += width) {
        size_t w = d - c0 < width ? d - c0 : width;
        for (size_t j = 0; j + 1 < n; j++)
            for (size_t i = j + 1; i < n; i += 4) {
                size_t rows = n - i < 4 ? n - i : 4;
                double part[4] = {0, 0, 0, 0};
                sqdist_rows(x + i * d + c0, d, rows, x + j * d + c0, NULL, w, part);
                for (size_t r = 0; r < rows; r++) out[(i + r) * n + j] += part[r];
            }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
}

double fjr_sqdist(const float *a, const float *b, size_t d) {
    double s = 0;
    sqdist_rows(a, 0, 1, b, NULL, d, &s);
    return s;
}
