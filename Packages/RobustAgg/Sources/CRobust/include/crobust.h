/* CRobust: the C kernels of the robust rules over a stack of n worker vectors (row-major n × d): column-wise
 * order statistics by Batcher sorting networks over tiles of columns, vectorized across coordinates (select.c),
 * and distances summed from differences, for the geometric median and where a Gram matrix would cancel
 * (distances.c). */
#ifndef FJORD_CROBUST_H
#define FJORD_CROBUST_H
#include <stddef.h>

/* Per coordinate of the n rows (d columns each, rows ld ≥ d floats apart, so a column range of a wider stack can
 * be passed), the mean of the sorted values at ranks lo..hi-1 (0 ≤ lo < hi ≤ n):
 *   median (odd n): lo = n/2, hi = lo+1; median (even n, numpy): lo = n/2-1, hi = n/2+1; lower median: n/2-1..n/2;
 *   trimmed mean dropping b at each end: lo = b, hi = n-b.
 * Tiles are 128 columns. With AVX2 the first four merge levels (sorts of blocks of 16 rows) run in registers,
 * read straight from the stack; the later levels are pruned to the comparators the rank classes need and run
 * over the tile in L1. Both paths apply the same comparators, so they give the same bits.
 * `scratch` must hold n·256 floats. Returns nonzero when any input value is NaN or infinite (checked as the values
 * are read, so callers need no separate pass); out is then unspecified. */
int fjr_rank_mean(const float *x, size_t n, size_t ld, size_t d, size_t lo, size_t hi, float *out, float *scratch);

/* Floats of scratch fjr_rank_mean needs for n rows (n·256): callers size buffers with it, not with the tile width. */
size_t fjr_rank_mean_scratch(size_t n);

/* Tests: 0 makes fjr_rank_mean take the portable path even where AVX2 is available (not thread-safe). */
void fjr_use_registers(int on);

/* Per coordinate, the mean of the `beta` values closest to the coordinate's median (El Mhamdi et al.'s Bulyan
 * final step; numpy median for even n): the set grows from the median outwards, the nearer neighbour first and
 * the lower one on a tie (distances in double), and is summed in double. Needs n·256 floats of scratch. */
void fjr_closest_to_median_mean(const float *x, size_t n, size_t d, size_t beta, float *out, float *scratch);

/* Floats of scratch fjr_closest_to_median_mean needs for n rows (n·256). */
size_t fjr_closest_to_median_scratch(size_t n);

/* One smoothed-Weiszfeld pass over n rows of d columns (ld ≥ d floats apart): z = Σ_i a_i x_i (a already
 * normalised) and dist[i] = ‖x_i − z‖² summed over these columns (not square-rooted, so column ranges can be
 * added up), computed block by block while the block is in cache (one read of the stack). With zprev (the previous
 * point) it also gives ‖z − zprev‖² and ‖zprev‖² over these columns for the stopping rule. The iterate, its
 * weights and every sum are double (the rows stay float): the point is not rounded to float between iterations.
 * Distances are summed from differences: no cancellation. */
void fjr_weiszfeld_pass(const float *x, size_t n, size_t ld, size_t d, const double *a, const double *zprev,
                        double *z, double *dist, double *change2, double *prev_norm2);

/* out[i·n + j] = ‖x_i − x_j‖² for all rows (n×n, symmetric, zero diagonal), summed from differences in double:
 * exact where a float Gram matrix would cancel (rows far from the origin compared with their spread). */
void fjr_pairwise_sqdist(const float *x, size_t n, size_t d, double *out);

/* ‖a − b‖² over d floats, summed from differences in double (one pair of fjr_pairwise_sqdist). */
double fjr_sqdist(const float *a, const float *b, size_t d);

#endif
