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

/* Copies columns [c0, c0+w) of the n rows (ld floats apart) into buf (row r at buf + r·TILE) and sorts every
 * column. */
static void sort_tile(const float *x, size_t n, size_t ld, size_t c0, size_t w, float *buf) {
    for (size_t r = 0; r < n; r++) memcpy(buf + r * TILE, x + r * ld + c0, w * sizeof(float));
#define CE_TILE(i, j) ce_rows(buf + (i) * TILE, buf + (j) * TILE, w)
    NETWORK(n, CE_TILE);
#undef CE_TILE
}

/* Per column, the mean of rows lo..hi-1 of a tile whose rows are `stride` floats apart, summed in row order (rows
 * added whole into a column accumulator, so the loop vectorizes across columns). A column whose float sum
 * overflows (finite values near the float limit) is summed again in double: its mean is representable. */
__attribute__((target_clones("avx2", "default")))
static void mean_rows_stride(const float *buf, size_t stride, size_t lo, size_t hi, size_t w, float *out) {
    float inv = 1.0f / (float)(hi - lo);
    float acc[TILE];
    for (size_t c0 = 0; c0 < w; c0 += TILE) {
        size_t cw = w - c0 < TILE ? w - c0 : TILE;
        for (size_t c = 0; c < cw; c++) acc[c] = buf[lo * stride + c0 + c];
        for (size_t r = lo + 1; r < hi; r++)
            for (size_t c = 0; c < cw; c++) acc[c] += buf[r * stride + c0 + c];
        for (size_t c = 0; c < cw; c++) out[c0 + c] = acc[c] * inv;
        for (size_t c = 0; c < cw; c++)
            if (!isfinite(acc[c])) {
                double sum = 0;
                for (size_t r = lo; r < hi; r++) sum += buf[r * stride + c0 + c];
                out[c0 + c] = (float)(sum / (double)(hi - lo));
            }
    }
}

static void mean_rows(const float *buf, size_t lo, size_t hi, size_t w, float *out) {
    mean_rows_stride(buf, TILE, lo, hi, w, out);
}

/* The comparators of the first four merge levels (p < 16), which come first in the network and only compare wires
 * inside consecutive blocks of 16: within each block they sort it, as the 16-wire register kernel below does. */
static size_t block_stage_size(size_t n) {
    size_t count = 0;
#define CE_COUNT_BLOCK(i, j) ((void)(i), (void)(j), count += (p_ < 16)) /* p_: the merge level inside NETWORK */
    NETWORK(n, CE_COUNT_BLOCK);
#undef CE_COUNT_BLOCK
    return count;
}

/* The comparators of the network on n wires, pruned for a rank mean over [lo, hi): walking backwards, a comparator
 * whose two wires both end (through the comparators kept after it) in the same class — below lo, inside [lo, hi),
 * or from hi up — only reorders values within that class, which the class's sum ignores, so it is dropped; a kept
 * comparator makes the order of its two wires matter. The first `keep` comparators are kept whatever they do (the
 * 16-wire block sorts, so that the register kernel and this list give the same order and the same bits). For
 * n = 64 this keeps 444–448 of 543 comparators. Returns the count written to pairs (2 entries each; the caller
 * allocates enough for the whole network). */
static size_t pruned_network(size_t n, size_t lo, size_t hi, size_t keep, unsigned *pairs, int *label) {
    size_t count = 0;
#define CE_RECORD(i, j) (pairs[2 * count] = (unsigned)(i), pairs[2 * count + 1] = (unsigned)(j), count++)
    NETWORK(n, CE_RECORD);
#undef CE_RECORD
    for (size_t i = 0; i < n; i++) label[i] = i < lo ? 0 : (i < hi ? 1 : 2);
    size_t kept = 0;
    for (size_t t = count; t-- > 0;) {
        unsigned a = pairs[2 * t], b = pairs[2 * t + 1];
        if (t >= keep && label[a] == label[b] && label[a] >= 0) continue;
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

#if defined(__x86_64__)
#include <immintrin.h>
/* min into a, max into b; on equal values the two swap, so the multiset (signed zeros included) is kept exactly
 * as ce_rows keeps it. */
#define CE8(a, b)                              \
    do {                                       \
        __m256 t_ = _mm256_min_ps(a, b);       \
        b = _mm256_max_ps(b, a);               \
        a = t_;                                \
    } while (0)
#define CE(a, b) CE8(a, b)

/* Batcher's 16-wire network (63 comparators, the p < 16 levels of any larger one) on 16 values per lane, all in
 * ymm registers: one load and one store per value instead of two of each per comparator. Sorts w columns (a
 * multiple of 8) of `rows` ≤ 16 rows at src + r·sstride into dst + r·dstride (16 rows; missing rows are +inf).
 * src may equal dst. Returns whether any value read was NaN or infinite (so no separate pass has to check). */
__attribute__((target("avx2"))) static inline __m256 load_checked(const float *p, __m256 *bad) {
    __m256 v = _mm256_loadu_ps(p);
    *bad = _mm256_or_ps(*bad, _mm256_sub_ps(v, v)); /* +0 for finite v, NaN (nonzero bits) for NaN or ±inf */
    return v;
}

__attribute__((target("avx2"))) static int sort16_avx2(const float *src, size_t sstride, size_t rows, float *dst,
                                                        size_t dstride, size_t w) {
    const __m256 inf = _mm256_set1_ps(INFINITY);
    __m256 bad = _mm256_setzero_ps();
    for (size_t c = 0; c < w; c += 8) {
#define LD(r) (r < rows ? load_checked(src + r * sstride + c, &bad) : inf)
        __m256 v0 = LD(0), v1 = LD(1), v2 = LD(2), v3 = LD(3), v4 = LD(4), v5 = LD(5), v6 = LD(6), v7 = LD(7);
        __m256 v8 = LD(8), v9 = LD(9), v10 = LD(10), v11 = LD(11), v12 = LD(12), v13 = LD(13), v14 = LD(14),
               v15 = LD(15);
#undef LD
        CE(v0, v1); CE(v2, v3); CE(v4, v5); CE(v6, v7); CE(v8, v9); CE(v10, v11); CE(v12, v13); CE(v14, v15);
        CE(v0, v2); CE(v1, v3); CE(v4, v6); CE(v5, v7); CE(v8, v10); CE(v9, v11); CE(v12, v14); CE(v13, v15);
        CE(v1, v2); CE(v5, v6); CE(v9, v10); CE(v13, v14); CE(v0, v4); CE(v1, v5); CE(v2, v6); CE(v3, v7);
        CE(v8, v12); CE(v9, v13); CE(v10, v14); CE(v11, v15); CE(v2, v4); CE(v3, v5); CE(v10, v12); CE(v11, v13);
        CE(v1, v2); CE(v3, v4); CE(v5, v6); CE(v9, v10); CE(v11, v12); CE(v13, v14); CE(v0, v8); CE(v1, v9);
        CE(v2, v10); CE(v3, v11); CE(v4, v12); CE(v5, v13); CE(v6, v14); CE(v7, v15); CE(v4, v8); CE(v5, v9);
        CE(v6, v10); CE(v7, v11); CE(v2, v4); CE(v3, v5); CE(v6, v8); CE(v7, v9); CE(v10, v12); CE(v11, v13);
        CE(v1, v2); CE(v3, v4); CE(v5, v6); CE(v7, v8); CE(v9, v10); CE(v11, v12); CE(v13, v14);
#define ST(r, v) _mm256_storeu_ps(dst + r * dstride + c, v)
        ST(0, v0); ST(1, v1); ST(2, v2); ST(3, v3); ST(4, v4); ST(5, v5); ST(6, v6); ST(7, v7);
        ST(8, v8); ST(9, v9); ST(10, v10); ST(11, v11); ST(12, v12); ST(13, v13); ST(14, v14); ST(15, v15);
#undef ST
    }
    return !_mm256_testz_si256(_mm256_castps_si256(bad), _mm256_castps_si256(bad));
}
#undef CE
#undef CE8
static int registers_allowed = 1;
void fjr_use_registers(int on) { registers_allowed = on; }
static int have_avx2(void) { return registers_allowed && __builtin_cpu_supports("avx2"); }
#else
void fjr_use_registers(int on) { (void)on; }
static int have_avx2(void) { return 0; }
static int sort16_avx2(const float *src, size_t sstride, size_t rows, float *dst, size_t dstride, size_t w) {
    (void)src, (void)sstride, (void)rows, (void)dst, (void)dstride, (void)w;
    return 0;
}
#endif

/* Whether any of the w columns of the n tile rows is NaN or infinite. */
__attribute__((target_clones("avx2", "default")))
static int tile_nonfinite(const float *buf, size_t n, size_t stride, size_t w) {
    int bad = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < w; c++) {
            float t = buf[r * stride + c] - buf[r * stride + c];
            bad |= t != t;
        }
    return bad;
}

/* Rank means use tiles of 128 columns: 64 rows × 128 floats stay in a 32 KB L1 (1.2× faster than 256 at n = 64). */
#define RANK_TILE 128

size_t fjr_rank_mean_scratch(size_t n) { return n * TILE; }

size_t fjr_closest_to_median_scratch(size_t n) { return n * TILE; }

int fjr_rank_mean(const float *x, size_t n, size_t ld, size_t d, size_t lo, size_t hi, float *out, float *scratch) {
    int bad = 0;
    unsigned *pairs = malloc(2 * (network_size(n) + 1) * sizeof(unsigned));
    int *label = malloc((n + 1) * sizeof(int));
    if (!pairs || !label) {
        /* no memory for the pruned list: the full network, tile by tile, gives the same values */
        free(pairs);
        free(label);
        for (size_t c0 = 0; c0 < d; c0 += TILE) {
            size_t w = d - c0 < TILE ? d - c0 : TILE;
            sort_tile(x, n, ld, c0, w, scratch);
            bad |= tile_nonfinite(scratch, n, TILE, w);
            mean_rows(scratch, lo, hi, w, out + c0);
        }
        return bad;
    }
    size_t blocks = block_stage_size(n);
    size_t kept = pruned_network(n, lo, hi, blocks, pairs, label);
    /* The register kernel writes whole blocks of 16 rows: it needs ⌈n/16⌉·16 tile rows within the n·256 floats. */
    size_t rows16 = (n + 15) / 16 * 16;
    int registers = have_avx2() && rows16 * RANK_TILE <= n * TILE;
    size_t first = registers ? blocks : 0;
    if (registers) memset(scratch, 0, rows16 * RANK_TILE * sizeof(float));
    for (size_t c0 = 0; c0 < d; c0 += RANK_TILE) {
        size_t w = d - c0 < RANK_TILE ? d - c0 : RANK_TILE;
        if (registers && w == RANK_TILE) {
            for (size_t b = 0; b < n; b += 16)
                bad |= sort16_avx2(x + b * ld + c0, ld, n - b < 16 ? n - b : 16, scratch + b * RANK_TILE, RANK_TILE, w);
        } else {
            for (size_t r = 0; r < n; r++) memcpy(scratch + r * RANK_TILE, x + r * ld + c0, w * sizeof(float));
            bad |= tile_nonfinite(scratch, n, RANK_TILE, w);
            if (registers)
                for (size_t b = 0; b < n; b += 16)
                    sort16_avx2(scratch + b * RANK_TILE, RANK_TILE, n - b < 16 ? n - b : 16, scratch + b * RANK_TILE,
                                RANK_TILE, (w + 7) / 8 * 8);
        }
        for (size_t t = first; t < kept; t++)
            ce_rows(scratch + pairs[2 * t] * RANK_TILE, scratch + pairs[2 * t + 1] * RANK_TILE, w);
        mean_rows_stride(scratch, RANK_TILE, lo, hi, w, out + c0);
    }
    free(pairs);
    free(label);
    return bad;
}

void fjr_closest_to_median_mean(const float *x, size_t n, size_t d, size_t beta, float *out, float *scratch) {
    for (size_t c0 = 0; c0 < d; c0 += TILE) {
        size_t w = d - c0 < TILE ? d - c0 : TILE;
        sort_tile(x, n, d, c0, w, scratch);
        for (size_t c = 0; c < w; c++) {
            const float *v = scratch + c; /* the sorted column, TILE floats apart */
            /* halves first: the midpoint of two finite floats cannot overflow */
            float med = n % 2 ? v[(n / 2) * TILE] : 0.5f * v[(n / 2 - 1) * TILE] + 0.5f * v[(n / 2) * TILE];
            /* The β values closest to the median, grown from the median outwards: the next one is the nearer of
             * the two neighbours of the set so far (the lower on a tie). A window chosen to minimise its farthest
             * value is not this set when distances tie (Bulyan's definition ranks by distance). Summed in double. */
            size_t right = 0;
            while (right < n && v[right * TILE] < med) right++;
            size_t left = right; /* the set is [left, right) */
            double sum = 0;
            for (size_t k = 0; k < beta; k++) {
                int takeLeft = right >= n || (left > 0 && (double)med - v[(left - 1) * TILE] <= (double)v[right * TILE] - med);
                if (takeLeft) sum += v[(--left) * TILE];
                else sum += v[(right++) * TILE];
            }
            out[c0 + c] = (float)(sum / (double)beta);
        }
    }
}
