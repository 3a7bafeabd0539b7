/* Summary statistics and stream differences. */
#include "ckernel.h"
#include <math.h>

void fj_stats_f32(const float *x, size_t n, fj_stats_t *out) {
    double mn = INFINITY, mx = -INFINITY, sum = 0.0;
    size_t nan = 0, inf = 0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (v != v) { nan++; continue; }
        if (isinf(v)) inf++;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        sum += v;
    }
    size_t m = n - nan;
    out->nan_count = nan;
    out->inf_count = inf;
    out->finite_count = m - inf;
    if (m == 0) {
        out->min = out->max = out->mean = out->std = NAN;
        return;
    }
    double mean = sum / (double)m;
    double ss = 0.0;
    if (inf == 0) {
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            if (v != v) continue;
            double d = (double)v - mean;
            ss += d * d;
        }
    } else {
        ss = NAN;
    }
    out->min = mn;
    out->max = mx;
    out->mean = mean;
    out->std = sqrt(ss / (double)m);
}

void fj_diff_f64(const double *a, const double *b, size_t n, double *max_abs, double *max_rel) {
    double ma = 0.0, mr = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i], y = b[i];
        int xn = x != x, yn = y != y;
        if (xn || yn) {
            if (xn != yn) { ma = INFINITY; mr = INFINITY; }
            continue;
        }
        if (x == y) continue; /* also equal infinities */
        double d = fabs(x - y);
        double s = fmax(fabs(x), fabs(y));
        if (d > ma) ma = d;
        double r = isinf(s) ? INFINITY : d / s;
        if (r > mr) mr = r;
    }
    *max_abs = ma;
    *max_rel = mr;
}

__attribute__((target_clones("avx2", "default")))
size_t fj_count_nonfinite(const float *x, size_t n) {
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += !(fabsf(x[i]) <= 3.4028235e38f);
    return bad;
}
