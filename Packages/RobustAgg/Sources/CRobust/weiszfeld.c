/* One pass of smoothed Weiszfeld over the stack: the new point and every row's distance to it, block by block.
 * Rows are taken four at a time (one load of z serves four rows). Differences and squares are taken in double
 * (no overflow for any finite float) in explicit vector lanes whose order is fixed by the code, so the sums give
 * the same bits on every run. */
#include "crobust.h"
#include <math.h>
#include <string.h>

typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

/* macros, not functions: a 32-byte vector may not cross a call in the baseline (non-AVX) clone */
#define LOW4(v) __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), v4d)
#define HIGH4(v) __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), v4d)

/* out[r] += ‖x_r − z‖² for rows ≤ 4 rows x + r·d over w columns (z = NULL: ‖x_r‖²). Per row, terms j+0..3 and
 * j+4..7 of every eight go to two 4-lane double accumulators, summed in a fixed order at the end. */
__attribute__((target_clones("avx2", "default")))
static void sqdist_rows(const float *x, size_t d, size_t rows, const float *z, size_t w, double *out) {
    v4d lo[4] = {{0}}, hi[4] = {{0}};
    size_t j = 0;
    for (; j + 8 <= w; j += 8) {
        v8f vz = {0, 0, 0, 0, 0, 0, 0, 0};
        if (z) memcpy(&vz, z + j, sizeof vz);
        v4d zl = LOW4(vz), zh = HIGH4(vz);
        for (size_t r = 0; r < rows; r++) {
            v8f v;
            memcpy(&v, x + r * d + j, sizeof v);
            v4d el = LOW4(v) - zl, eh = HIGH4(v) - zh;
            lo[r] += el * el;
            hi[r] += eh * eh;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        double s = ((lo[r][0] + hi[r][0]) + (lo[r][1] + hi[r][1])) + ((lo[r][2] + hi[r][2]) + (lo[r][3] + hi[r][3]));
        for (size_t k = j; k < w; k++) {
            double e = (double)x[r * d + k] - (z ? z[k] : 0);
            s += e * e;
        }
        out[r] += s;
    }
}

/* z[j] = z[j] + a_0·x_0[j] + … (rows ≤ 4 rows x + r·d, added in row order: the same bits as one row at a time);
 * `first` starts from 0 instead of z. */
__attribute__((target_clones("avx2", "default")))
static void axpy_rows(float *restrict z, const float *restrict x, size_t d, const float *a, size_t rows, size_t w,
                      int first) {
    if (rows == 4) {
        const float *x0 = x, *x1 = x + d, *x2 = x + 2 * d, *x3 = x + 3 * d;
        float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        if (first)
            for (size_t j = 0; j < w; j++) z[j] = ((a0 * x0[j] + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j];
        else
            for (size_t j = 0; j < w; j++) z[j] = (((z[j] + a0 * x0[j]) + a1 * x1[j]) + a2 * x2[j]) + a3 * x3[j];
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float ar = a[r];
        if (first && r == 0)
            for (size_t j = 0; j < w; j++) z[j] = ar * xr[j];
        else
            for (size_t j = 0; j < w; j++) z[j] += ar * xr[j];
    }
}

void fjr_weiszfeld_pass(const float *x, size_t n, size_t d, const float *a, const float *zprev, float *z,
                        double *dist, double *change2, double *prev_norm2) {
    /* columns per block: the block's n row pieces stay in a 256 KB share of L2 while they are read twice */
    size_t width = (256 * 1024 / (4 * n)) / 8 * 8;
    if (width < 256) width = 256;
    for (size_t i = 0; i < n; i++) dist[i] = 0;
    double change = 0, norm = 0;
    for (size_t c0 = 0; c0 < d; c0 += width) {
        size_t w = d - c0 < width ? d - c0 : width;
        float *zb = z + c0;
        for (size_t i = 0; i < n; i += 4) axpy_rows(zb, x + i * d + c0, d, a + i, n - i < 4 ? n - i : 4, w, i == 0);
        if (zprev) {
            sqdist_rows(zb, 0, 1, zprev + c0, w, &change);
            sqdist_rows(zprev + c0, 0, 1, NULL, w, &norm);
        }
        for (size_t i = 0; i < n; i += 4) sqdist_rows(x + i * d + c0, d, n - i < 4 ? n - i : 4, zb, w, dist + i);
    }
    for (size_t i = 0; i < n; i++) dist[i] = sqrt(dist[i]);
    if (change2) *change2 = change;
    if (prev_norm2) *prev_norm2 = norm;
}
