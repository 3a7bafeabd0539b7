/* Column-wise order statistics by sorting networks over tiles of columns. */
#include "crobust.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TILE 256

/* Batcher's odd-even merge sort network on m = 2^k wires, restricted to pairs (i, j) with j < n (the padding
 * wires would hold +inf, so those comparators are no-ops). Calls ce(i, j) in a valid order. */
#define NETWORK(n, CE)                                                                 \
    do {                                                                               \
        size_t m_ = 1;                                                                 \
        while (m_ < (n)) m_ <<= 1;                                                     \
        for (size_t p_ = 1; p_ < m_; p_ <<= 1)                                         \
            for (size_t k_ = p_; k_ >= 1; k_ >>= 1) {                                  \
                for (size_t j_ = k_ % p_; j_ + k_ < m_; j_ += 2 * k_)                  \
                    for (size_t i_ = 0; i_ < k_ && i_ + j_ + k_ < m_; i_++) {          \
                        size_t a_ = i_ + j_, b_ = i_ + j_ + k_;                        \
                        if (a_ / (2 * p_) == b_ / (2 * p_) && b_ < (n)) CE(a_, b_);    \
                    }                                                                  \
                if (k_ == 1) break;                                                    \
            }                                                                          \
    } while (0)

__attribute__((target_clones("avx2", "default")))
static void ce_rows(float *restrict a, float *restrict b, size_t w) {
    for (size_t c = 0; c < w; c++) {
        float x = a[c], y = b[c];
        a[c] = x < y ? x : y;
        b[c] = x < y ? y : x;
    }
}

/* Copies columns [c0, c0+w) of the n rows into buf (row r at buf + r·TILE) and sorts every column. */
static void sort_tile(const float *x, size_t n, size_t d, size_t c0, size_t w, float *buf) {
    for (size_t r = 0; r < n; r++) memcpy(buf + r * TILE, x + r * d + c0, w * sizeof(float));
#define CE_TILE(i, j) ce_rows(buf + (i) * TILE, buf + (j) * TILE, w)
    NETWORK(n, CE_TILE);
#undef CE_TILE
}

/* Per column, the mean of rows lo..hi-1 of a tile whose rows are `stride` floats apart (summed in row order). */
__attribute__((target_clones("avx2", "default")))
static void mean_rows_stride(const float *buf, size_t stride, size_t lo, size_t hi, size_t w, float *out) {
    float inv = 1.0f / (float)(hi - lo);
    for (size_t c = 0; c < w; c++) {
        float s = 0;
        for (size_t r = lo; r < hi; r++) s += buf[r * stride + c];
        out[c] = s * inv;
    }
}

static void mean_rows(const float *buf, size_t lo, size_t hi, size_t w, float *out) {
    mean_rows_stride(buf, TILE, lo, hi, w, out);
}

/* The comparators of the network on n wires, pruned for a rank mean over [lo, hi): walking backwards, a comparator
 * whose two wires both end (through the comparators kept after it) in the same class — below lo, inside [lo, hi),
 * or from hi up — only reorders values within that class, which the class's sum ignores, so it is dropped; a kept
 * comparator makes the order of its two wires matter. For n = 64 this keeps 444–448 of 543 comparators. Returns
 * the count written to pairs (2 entries each; the caller allocates enough for the whole network), or 0 when no
 * comparator is needed. */
static size_t pruned_network(size_t n, size_t lo, size_t hi, unsigned *pairs, int *label) {
    size_t count = 0;
#define CE_RECORD(i, j) (pairs[2 * count] = (unsigned)(i), pairs[2 * count + 1] = (unsigned)(j), count++)
    NETWORK(n, CE_RECORD);
#undef CE_RECORD
    for (size_t i = 0; i < n; i++) label[i] = i < lo ? 0 : (i < hi ? 1 : 2);
    size_t kept = 0;
    for (size_t t = count; t-- > 0;) {
        unsigned a = pairs[2 * t], b = pairs[2 * t + 1];
        if (label[a] == label[b] && label[a] >= 0) continue;
        label[a] = label[b] = -1;
        /* kept comparators are stored from the back; moved to the front below */
        pairs[2 * (count - 1 - kept)] = a;
        pairs[2 * (count - 1 - kept) + 1] = b;
        kept++;
    }
    memmove(pairs, pairs + 2 * (count - kept), 2 * kept * sizeof(unsigned));
    return kept;
}

static size_t network_size(size_t n) {
    size_t count = 0;
#define CE_COUNT(i, j) ((void)(i), (void)(j), count++)
    NETWORK(n, CE_COUNT);
#undef CE_COUNT
    return count;
}

/* Rank means use tiles of 128 columns: 64 rows × 128 floats stay in a 32 KB L1 (1.2× faster than 256 at n = 64). */
#define RANK_TILE 128

void fjr_rank_mean(const float *x, size_t n, size_t d, size_t lo, size_t hi, float *out, float *scratch) {
    unsigned *pairs = malloc(2 * (network_size(n) + 1) * sizeof(unsigned));
    int *label = malloc((n + 1) * sizeof(int));
    if (!pairs || !label) {
        /* no memory for the pruned list: the full network, tile by tile, gives the same result */
        free(pairs);
        free(label);
        for (size_t c0 = 0; c0 < d; c0 += TILE) {
            size_t w = d - c0 < TILE ? d - c0 : TILE;
            sort_tile(x, n, d, c0, w, scratch);
            mean_rows(scratch, lo, hi, w, out + c0);
        }
        return;
    }
    size_t kept = pruned_network(n, lo, hi, pairs, label);
    for (size_t c0 = 0; c0 < d; c0 += RANK_TILE) {
        size_t w = d - c0 < RANK_TILE ? d - c0 : RANK_TILE;
        for (size_t r = 0; r < n; r++) memcpy(scratch + r * RANK_TILE, x + r * d + c0, w * sizeof(float));
        for (size_t t = 0; t < kept; t++)
            ce_rows(scratch + pairs[2 * t] * RANK_TILE, scratch + pairs[2 * t + 1] * RANK_TILE, w);
        mean_rows_stride(scratch, RANK_TILE, lo, hi, w, out + c0);
    }
    free(pairs);
    free(label);
}

void fjr_closest_to_median_mean(const float *x, size_t n, size_t d, size_t beta, float *out, float *scratch) {
    float *dist = scratch + n * TILE;
    for (size_t c0 = 0; c0 < d; c0 += TILE) {
        size_t w = d - c0 < TILE ? d - c0 : TILE;
        sort_tile(x, n, d, c0, w, scratch);
        for (size_t c = 0; c < w; c++) {
            float med = n % 2 ? scratch[(n / 2) * TILE + c]
                              : 0.5f * (scratch[(n / 2 - 1) * TILE + c] + scratch[(n / 2) * TILE + c]);
            /* in sorted order the β closest values form a contiguous window: slide it to minimise the farthest */
            size_t best = 0;
            float bestCost = INFINITY;
            for (size_t s = 0; s + beta <= n; s++) {
                float lo = med - scratch[s * TILE + c], hi = scratch[(s + beta - 1) * TILE + c] - med;
                float cost = lo > hi ? lo : hi;
                if (cost < bestCost) { bestCost = cost; best = s; }
            }
            float sum = 0;
            for (size_t r = best; r < best + beta; r++) sum += scratch[r * TILE + c];
            out[c0 + c] = sum / (float)beta;
            (void)dist;
        }
    }
}
