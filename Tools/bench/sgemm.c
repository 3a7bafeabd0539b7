/* OpenBLAS's own sgemm figure: cblas_sgemm called directly from C on the same library Fjord links.
 * Build and run: cc -O2 Tools/bench/sgemm.c $(pkg-config --cflags --libs openblas) -o /tmp/sgemm && /tmp/sgemm */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(void) {
    int sizes[] = {256, 1024};
    for (int s = 0; s < 2; s++) {
        int n = sizes[s];
        float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
        for (int i = 0; i < n * n; i++) { a[i] = (float)rand() / RAND_MAX; b[i] = (float)rand() / RAND_MAX; }
        int reps = n == 256 ? 2000 : 100;
        double times[2000];
        for (int r = 0; r < reps; r++) {
            double t = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
            times[r] = now() - t;
        }
        /* median */
        for (int i = 1; i < reps; i++) for (int j = i; j > 0 && times[j - 1] > times[j]; j--) { double x = times[j]; times[j] = times[j - 1]; times[j - 1] = x; }
        double med = times[reps / 2];
        printf("OpenBLAS cblas_sgemm %d: median %.3f ms = %.1f GFLOP/s\n", n, med * 1e3, 2.0 * n * n * n / med / 1e9);
        free(a); free(b); free(c);
    }
    return 0;
}
