/* Column-wise order statistics by sorting networks over tiles of columns. */
#include "crobust.h"
#include <math.h>
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

__attribute__((target_clones("avx2", "default")))
static void mean_rows(const float *buf, size_t lo, size_t hi, size_t w, float *out) {
    float inv = 1.0f / (float)(hi - lo);
    for (size_t c = 0; c < w; c++) {
        float s = 0;
        for (size_t r = lo; r < hi; r++) s += buf[r * TILE + c];
        out[c] = s * inv;
    }
}

void fjr_rank_mean(const float *x, size_t n, size_t d, size_t lo, size_t hi, float *out, float *scratch) {
    for (size_t c0 = 0; c0 < d; c0 += TILE) {
        size_t w = d - c0 < TILE ? d - c0 : TILE;
        sort_tile(x, n, d, c0, w, scratch);
        mean_rows(scratch, lo, hi, w, out + c0);
    }
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
