/* Elias ω and γ codes, a bit writer/reader, and the per-bucket sparse/dense body of an encoded gradient. */
#include "cquant.h"
#include <string.h>

static inline int bit_length(uint64_t n) { return 64 - __builtin_clzll(n); } /* n ≥ 1 */

/* Codes of small integers, precomputed at load time: the bits (right-aligned) and the length of ω(n) and γ(n)
 * for n < TABLE, so the hot paths write one code with one fjq_put_bits call. */
#define TABLE 4096
static uint32_t omega_bits[TABLE], gamma_bits[TABLE];
static uint8_t omega_len[TABLE], gamma_len[TABLE];

static int slow_length(int code, uint64_t n);

/* The decoder's tables: entry p of a PEEK-bit prefix p is (n << 8) | length when p starts with the code of n
 * (length ≤ PEEK), else 0 (a longer code or a malformed one: the bit-serial reader takes over). */
#define PEEK 12
static uint32_t omega_dec[1 << PEEK], gamma_dec[1 << PEEK];
/* A sparse body's nonzero (code(gap), sign, code(value)) in one PEEK-bit prefix: gap << 18 | value << 6 | sign << 5
 * | total length, else 0. */
static uint32_t omega_trip[1 << PEEK], gamma_trip[1 << PEEK];

__attribute__((constructor))
static void build_tables(void) {
    for (uint64_t n = 1; n < TABLE; n++) {
        int b = bit_length(n);
        gamma_len[n] = (uint8_t)(2 * b - 1);
        gamma_bits[n] = (uint32_t)n; /* the leading zeros are implicit in the length */
        /* ω: groups written front to back, then a 0 */
        uint64_t groups[8];
        int lens[8], k = 0;
        uint64_t m = n;
        while (m > 1) { int g = bit_length(m); groups[k] = m; lens[k] = g; k++; m = (uint64_t)(g - 1); }
        uint32_t v = 0;
        int len = 0;
        for (int i = k - 1; i >= 0; i--) { v = (v << lens[i]) | (uint32_t)groups[i]; len += lens[i]; }
        v <<= 1;
        len += 1;
        omega_bits[n] = v;
        omega_len[n] = (uint8_t)len;
        (void)slow_length;
    }
    for (uint64_t n = 1; n < TABLE; n++) {
        for (int c = 0; c < 2; c++) {
            int len = c ? gamma_len[n] : omega_len[n];
            if (len > PEEK) continue;
            uint32_t *dec = c ? gamma_dec : omega_dec;
            uint32_t first = (c ? gamma_bits[n] : omega_bits[n]) << (PEEK - len);
            for (uint32_t tail = 0; tail < (1u << (PEEK - len)); tail++) dec[first | tail] = (uint32_t)(n << 8) | (uint32_t)len;
        }
    }
    for (int c = 0; c < 2; c++) {
        const uint32_t *bits = c ? gamma_bits : omega_bits;
        const uint8_t *lens = c ? gamma_len : omega_len;
        uint32_t *trip = c ? gamma_trip : omega_trip;
        for (uint32_t g = 1; g < 64; g++)
            for (uint32_t v = 1; v < 64; v++) {
                int total = lens[g] + 1 + lens[v];
                if (total > PEEK) continue;
                for (uint32_t sign = 0; sign < 2; sign++) {
                    uint32_t code = (bits[g] << (1 + lens[v])) | (sign << lens[v]) | bits[v];
                    uint32_t first = code << (PEEK - total);
                    for (uint32_t tail = 0; tail < (1u << (PEEK - total)); tail++)
                        trip[first | tail] = g << 18 | v << 6 | sign << 5 | (uint32_t)total;
                }
            }
    }
}

int fjq_code_length(int code, uint64_t n) {
    if (n == 0) return -1;
    if (n < TABLE) return code == FJQ_CODE_GAMMA ? gamma_len[n] : omega_len[n];
    return slow_length(code, n);
}

static int slow_length(int code, uint64_t n) {
    if (code == FJQ_CODE_GAMMA) return 2 * bit_length(n) - 1;
    int len = 1; /* the terminating 0 */
    while (n > 1) {
        int b = bit_length(n);
        len += b;
        n = (uint64_t)(b - 1);
    }
    return len;
}

/* The writer keeps fewer than 32 pending bits in acc and stores 32 at a time, big-endian (MSB first), so a code
 * costs a shift, an or and, every 32 bits, one 4-byte store: the stream written so far is always a whole number of
 * 32-bit words, and fjq_flush stores the last 0–31 bits. */
static inline void put_small(fjq_writer *w, uint64_t value, int nbits) { /* nbits ≤ 32 */
    w->acc = (w->acc << nbits) | (value & ((1ull << nbits) - 1));
    w->nacc += nbits;
    w->pos += (size_t)nbits;
    if (w->nacc >= 32) {
        w->nacc -= 32;
        uint32_t word = (uint32_t)(w->acc >> w->nacc);
        size_t byte = (w->pos - (size_t)w->nacc) / 8 - 4;
        if (byte + 4 <= w->cap_bytes) {
            w->buf[byte] = (uint8_t)(word >> 24);
            w->buf[byte + 1] = (uint8_t)(word >> 16);
            w->buf[byte + 2] = (uint8_t)(word >> 8);
            w->buf[byte + 3] = (uint8_t)word;
        } else {
            w->overflow = 1;
        }
    }
}

/* put_bits and put_code are inline so that a writer held in a local (fjq_encode_bucket's) stays in registers: a
 * writer reached through a pointer must be reloaded after every byte store, which may alias it. */
static inline void put_bits(fjq_writer *w, uint64_t value, int nbits) {
    if (nbits <= 0) return;
    if (nbits > 32) {
        put_small(w, value >> 32, nbits - 32);
        put_small(w, value & 0xFFFFFFFFull, 32);
    } else {
        put_small(w, value, nbits);
    }
}

void fjq_put_bits(fjq_writer *w, uint64_t value, int nbits) { put_bits(w, value, nbits); }

void fjq_flush(fjq_writer *w) {
    /* the pending 0–31 bits, left-aligned in whole bytes, the last one zero-padded */
    size_t byte = (w->pos - (size_t)w->nacc) / 8;
    int n = w->nacc;
    uint64_t bits = n ? (w->acc & ((1ull << n) - 1)) << (32 - n) : 0; /* left-aligned in 32 bits */
    for (int k = 0; k < (n + 7) / 8; k++, byte++) {
        if (byte < w->cap_bytes) w->buf[byte] = (uint8_t)(bits >> (24 - 8 * k)); else w->overflow = 1;
    }
    w->nacc = 0;
}

void fjq_put_stream(fjq_writer *w, const uint8_t *src, size_t nbits) {
    size_t words = nbits / 32, i = 0;
    for (; i < words; i++) {
        const uint8_t *p = src + 4 * i;
        put_small(w, (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3], 32);
    }
    int rest = (int)(nbits - 32 * words);
    for (int k = 0; rest > 0; k++) { /* the last 1–31 bits, a byte at a time */
        int n = rest < 8 ? rest : 8;
        put_small(w, (uint64_t)(src[4 * i + k] >> (8 - n)), n);
        rest -= n;
    }
}

int fjq_max_abs_index(const int16_t *q, size_t n) {
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        int a = q[i] < 0 ? -q[i] : q[i];
        m = a > m ? a : m;
    }
    return m;
}

static inline void put_code(fjq_writer *w, int code, uint64_t n) {
    if (n < TABLE) {
        if (code == FJQ_CODE_GAMMA) put_bits(w, gamma_bits[n], gamma_len[n]);
        else put_bits(w, omega_bits[n], omega_len[n]);
        return;
    }
    if (code == FJQ_CODE_GAMMA) {
        int b = bit_length(n);
        put_bits(w, 0, b - 1);
        put_bits(w, n, b);
        return;
    }
    /* ω: groups are written front to back, so collect them first (at most 6 groups for 64-bit n) */
    uint64_t groups[8];
    int lens[8], k = 0;
    while (n > 1) {
        int b = bit_length(n);
        groups[k] = n;
        lens[k] = b;
        k++;
        n = (uint64_t)(b - 1);
    }
    for (int i = k - 1; i >= 0; i--) put_bits(w, groups[i], lens[i]);
    put_bits(w, 0, 1);
}

void fjq_put_code(fjq_writer *w, int code, uint64_t n) { put_code(w, code, n); }

uint64_t fjq_get_bits(fjq_reader *r, int nbits) {
    if (nbits < 0 || nbits > 64 || r->pos + (size_t)nbits > r->len_bits) { r->error = 1; return 0; }
    uint64_t v = 0;
    for (int k = 0; k < nbits; k++) {
        size_t p = r->pos++;
        v = (v << 1) | ((r->buf[p >> 3] >> (7 - (p & 7))) & 1u);
    }
    return v;
}

uint64_t fjq_get_code(fjq_reader *r, int code, uint64_t max) {
    if (code == FJQ_CODE_GAMMA) {
        int zeros = 0;
        while (!r->error && fjq_get_bits(r, 1) == 0) {
            if (++zeros > 63) { r->error = 1; return 0; }
        }
        if (r->error) return 0;
        uint64_t v = (zeros ? fjq_get_bits(r, zeros) : 0) | (1ull << zeros);
        if (r->error || v > max) { r->error = 1; return 0; }
        return v;
    }
    uint64_t n = 1;
    for (;;) {
        uint64_t bit = fjq_get_bits(r, 1);
        if (r->error) return 0;
        if (bit == 0) break;
        /* a group of n+1 bits starting with the 1 just read */
        if (n >= 64) { r->error = 1; return 0; }
        uint64_t rest = fjq_get_bits(r, (int)n);
        if (r->error) return 0;
        n = (1ull << n) | rest;
    }
    if (n > max) { r->error = 1; return 0; }
    return n;
}

int fjq_fixed_width(int K) { return bit_length((uint64_t)(2 * K - 2)); } /* K ≥ 2 */

void fjq_bucket_bits(const int16_t *q, size_t len, int code, int K, size_t bits[FJQ_BODIES]) {
    size_t dense = 0, sparse = 0, top = 0;
    size_t prev = 0; /* one past the previous nonzero index */
    const uint8_t *lens = code == FJQ_CODE_GAMMA ? gamma_len : omega_len;
    if (K <= 256) {
        /* one lookup per coordinate: the dense, top and sparse-value bits of |q| = a packed in three 21-bit lanes
         * of one word (code lengths here are at most 17 bits, so a lane holds 2^16 coordinates), the sparse gap
         * looked up only at nonzeros */
        uint64_t packed[256];
        for (int a = 0; a < K; a++) {
            int nz = a != 0;
            packed[a] = (uint64_t)(lens[a + 1] + nz) | (uint64_t)(lens[K - a] + nz) << 21
                        | (uint64_t)(nz ? 1 + lens[a] : 0) << 42;
        }
        const uint64_t lane = (1ull << 21) - 1;
        for (size_t lo = 0; lo < len; lo += 65536) {
            size_t hi = len - lo > 65536 ? lo + 65536 : len;
            uint64_t acc = 0;
            for (size_t i = lo; i < hi; i++) {
                int a = q[i] < 0 ? -q[i] : q[i];
                acc += packed[a];
                /* branch-free: whether q_i is zero is data, and a mispredicted branch costs more than the lookup */
                size_t gap = i + 1 - prev, g = lens[gap & (TABLE - 1)];
                if (__builtin_expect(gap >= TABLE, 0) && a) g = (size_t)fjq_code_length(code, gap);
                size_t keep = (size_t)0 - (size_t)(a != 0);
                sparse += g & keep;
                prev = (prev & ~keep) | ((i + 1) & keep);
            }
            dense += acc & lane;
            top += (acc >> 21) & lane;
            sparse += acc >> 42;
        }
    } else if (K < TABLE) {
        for (size_t i = 0; i < len; i++) {
            int a = q[i] < 0 ? -q[i] : q[i], nz = a != 0;
            dense += (size_t)lens[a + 1] + (size_t)nz;
            top += (size_t)lens[K - a] + (size_t)nz;
            if (nz) {
                sparse += (size_t)fjq_code_length(code, i + 1 - prev) + 1 + (size_t)lens[a];
                prev = i + 1;
            }
        }
    } else {
        for (size_t i = 0; i < len; i++) {
            int a = q[i] < 0 ? -q[i] : q[i], nz = a != 0;
            dense += (size_t)fjq_code_length(code, (uint64_t)a + 1) + (size_t)nz;
            top += (size_t)fjq_code_length(code, (uint64_t)(K - a)) + (size_t)nz;
            if (nz) {
                sparse += (size_t)fjq_code_length(code, i + 1 - prev) + 1 + (size_t)fjq_code_length(code, (uint64_t)a);
                prev = i + 1;
            }
        }
    }
    sparse += (size_t)fjq_code_length(code, len + 1 - prev);
    bits[FJQ_BODY_DENSE] = dense;
    bits[FJQ_BODY_SPARSE] = sparse;
    bits[FJQ_BODY_TOP] = top;
    bits[FJQ_BODY_FIXED] = len * (size_t)fjq_fixed_width(K);
}

int fjq_bucket_body(const size_t bits[FJQ_BODIES], int bodies) {
    int best = 0;
    for (int m = 1; m < bodies; m++)
        if (bits[m] < bits[best]) best = m;
    return best;
}

/* code(value) and, for q ≠ 0, the sign bit, in one write when the code is in the table */
static inline void put_code_sign(fjq_writer *w, int code, const uint32_t *tb, const uint8_t *tl, uint64_t value,
                                 int16_t qi) {
    if (value < TABLE) {
        /* branch-free: whether q_i is zero is data (about half the coordinates of 4-bit NUQSGD on Gaussian input),
         * and a mispredicted branch per coordinate cost more than the write */
        int nz = qi != 0;
        put_small(w, ((uint64_t)tb[value] << nz) | (uint64_t)(qi < 0), tl[value] + nz);
    } else {
        put_code(w, code, value);
        if (qi) put_bits(w, qi < 0, 1);
    }
}

void fjq_encode_bucket(fjq_writer *dst, const int16_t *q, size_t len, int code, int K, int bodies) {
    fjq_writer local = *dst, *w = &local; /* in registers: see put_bits */
    int body = FJQ_BODY_FIXED;
    size_t bits[FJQ_BODIES] = {0};
    if (bodies > 1) { /* bodies == 1: the fixed-width codec, no body number */
        fjq_bucket_bits(q, len, code, K, bits);
        body = fjq_bucket_body(bits, bodies);
        put_bits(w, (uint64_t)body, bodies == 2 ? 1 : 2);
    }
    const uint32_t *tb = code == FJQ_CODE_GAMMA ? gamma_bits : omega_bits;
    const uint8_t *tl = code == FJQ_CODE_GAMMA ? gamma_len : omega_len;
    switch (body) {
    case FJQ_BODY_SPARSE: {
        size_t prev = 0;
        for (size_t i = 0; i < len; i++) {
            int a = q[i] < 0 ? -q[i] : q[i];
            if (!a) continue;
            uint64_t gap = i + 1 - prev;
            if (gap < TABLE && (uint64_t)a < TABLE) { /* two inline writes: code(gap), then sign and code(a) */
                put_small(w, tb[gap], tl[gap]);
                put_small(w, (uint64_t)(q[i] < 0) << tl[a] | tb[a], tl[a] + 1);
            } else {
                put_code(w, code, gap);
                put_bits(w, q[i] < 0, 1);
                put_code(w, code, (uint64_t)a);
            }
            prev = i + 1;
        }
        put_code(w, code, len + 1 - prev);
        break;
    }
    case FJQ_BODY_DENSE:
        for (size_t i = 0; i < len; i++) put_code_sign(w, code, tb, tl, (uint64_t)(q[i] < 0 ? -q[i] : q[i]) + 1, q[i]);
        break;
    case FJQ_BODY_TOP:
        for (size_t i = 0; i < len; i++) put_code_sign(w, code, tb, tl, (uint64_t)(K - (q[i] < 0 ? -q[i] : q[i])), q[i]);
        break;
    default: {
        int width = fjq_fixed_width(K);
        for (size_t i = 0; i < len; i++) put_bits(w, (uint64_t)(q[i] + K - 1), width);
    }
    }
    *dst = local;
}

void fjq_encode_buckets(fjq_writer *w, const int16_t *q, const float *norms, size_t d, size_t bucket, size_t b0,
                        size_t b1, int code, int K, int bodies) {
    for (size_t b = b0; b < b1; b++) {
        size_t lo = b * bucket, n = d - lo < bucket ? d - lo : bucket;
        uint32_t bits;
        memcpy(&bits, norms + b, 4);
        put_bits(w, bits, 32);
        fjq_encode_bucket(w, q + lo, n, code, K, bodies);
    }
}

/* The bit-serial body readers, from coordinate `from` (dense, top, fixed) or after the nonzero ending at `pos`
 * (sparse, q already zeroed): the reference decoder, and the table-driven one's fallback for long codes and the
 * last 64 bits. */
static int dense_serial(fjq_reader *r, int16_t *q, size_t from, size_t len, int code, int K, int top) {
    for (size_t i = from; i < len; i++) {
        uint64_t c = fjq_get_code(r, code, (uint64_t)K);
        if (r->error) return -1;
        uint64_t a = top ? (uint64_t)K - c : c - 1;
        int neg = a ? (int)fjq_get_bits(r, 1) : 0;
        if (r->error) return -1;
        q[i] = (int16_t)(neg ? -(int)a : (int)a);
    }
    return 0;
}

static int fixed_serial(fjq_reader *r, int16_t *q, size_t from, size_t len, int K) {
    int width = fjq_fixed_width(K);
    for (size_t i = from; i < len; i++) {
        uint64_t v = fjq_get_bits(r, width);
        if (r->error || v > (uint64_t)(2 * K - 2)) return -1;
        q[i] = (int16_t)((int)v - (K - 1));
    }
    return 0;
}

static int sparse_serial(fjq_reader *r, int16_t *q, size_t pos, size_t len, int code, int K) {
    for (;;) {
        uint64_t gap = fjq_get_code(r, code, (uint64_t)(len + 1 - pos));
        if (r->error) return -1;
        pos += gap;
        if (pos == len + 1) return 0; /* the closing gap */
        int neg = (int)fjq_get_bits(r, 1);
        uint64_t a = fjq_get_code(r, code, (uint64_t)(K - 1));
        if (r->error) return -1;
        q[pos - 1] = (int16_t)(neg ? -(int)a : (int)a);
    }
}

static int decode_body_serial(fjq_reader *r, int16_t *q, size_t len, int code, int K, uint64_t body) {
    if (body == FJQ_BODY_DENSE || body == FJQ_BODY_TOP) return dense_serial(r, q, 0, len, code, K, body == FJQ_BODY_TOP);
    if (body == FJQ_BODY_FIXED) return fixed_serial(r, q, 0, len, K);
    for (size_t i = 0; i < len; i++) q[i] = 0;
    return sparse_serial(r, q, 0, len, code, K);
}

/* The next 64 bits from bit `pos` of buf, MSB first; at least 57 of them are the stream's (the rest are the bits after
 * them). Only when pos + 64 ≤ the stream's length in bits, so the 8-byte load stays inside the buffer. */
static inline uint64_t peek64(const uint8_t *buf, size_t pos) {
    uint64_t w;
    __builtin_memcpy(&w, buf + (pos >> 3), 8);
    return __builtin_bswap64(w) << (pos & 7);
}

/* Dense and top bodies: one peek and one lookup per coordinate gives the code, its length and the sign bit after
 * it; the bit-serial reader finishes the last 64 bits and any code longer than PEEK. */
static int decode_dense_fast(fjq_reader *r, int16_t *q, size_t len, int code, int K, int top) {
    const uint32_t *dec = code == FJQ_CODE_GAMMA ? gamma_dec : omega_dec;
    /* the position in a local: stores to q could otherwise alias the reader and force it through memory */
    const uint8_t *buf = r->buf;
    size_t pos = r->pos, end = r->len_bits;
    for (size_t i = 0; i < len; i++) {
        if (pos + 64 <= end) {
            uint64_t w = peek64(buf, pos);
            uint32_t e = dec[w >> (64 - PEEK)];
            if (e) {
                int c = (int)(e >> 8), L = (int)(e & 0xff);
                if (c > K) return -1;
                int a = top ? K - c : c - 1;
                int neg = a ? (int)((w >> (63 - L)) & 1) : 0;
                pos += (size_t)(L + (a != 0));
                q[i] = (int16_t)(neg ? -a : a);
                continue;
            }
        }
        r->pos = pos;
        if (dense_serial(r, q, i, i + 1, code, K, top)) return -1;
        pos = r->pos;
    }
    r->pos = pos;
    return 0;
}

static int decode_body(fjq_reader *r, int16_t *q, size_t len, int code, int K, uint64_t body) {
    const uint32_t *dec = code == FJQ_CODE_GAMMA ? gamma_dec : omega_dec;
    if (body == FJQ_BODY_DENSE || body == FJQ_BODY_TOP) return decode_dense_fast(r, q, len, code, K, body == FJQ_BODY_TOP);
    if (body == FJQ_BODY_FIXED) {
        int width = fjq_fixed_width(K);
        size_t i = 0;
        for (; i < len && r->pos + 64 <= r->len_bits; i++) {
            uint64_t v = peek64(r->buf, r->pos) >> (64 - width);
            if (v > (uint64_t)(2 * K - 2)) return -1;
            r->pos += (size_t)width;
            q[i] = (int16_t)((int)v - (K - 1));
        }
        return fixed_serial(r, q, i, len, K);
    }
    size_t pos = 0; /* one past the previous nonzero */
    for (size_t i = 0; i < len; i++) q[i] = 0;
    /* sparse: gap, sign and value of a nonzero from one peek while both codes are in the table */
    const uint32_t *trip = code == FJQ_CODE_GAMMA ? gamma_trip : omega_trip;
    const uint8_t *buf = r->buf;
    size_t at = r->pos, end = r->len_bits;
    while (at + 64 <= end) {
        uint64_t w = peek64(buf, at);
        uint32_t e1 = dec[w >> (64 - PEEK)], t = trip[w >> (64 - PEEK)];
        if (!e1) break;
        size_t gap = e1 >> 8;
        int L1 = (int)(e1 & 0xff);
        if (gap > len + 1 - pos) return -1;
        if (t && pos + gap != len + 1) { /* the whole nonzero in one lookup */
            int v = (int)((t >> 6) & 0xfff);
            if (v > K - 1) return -1;
            pos += gap;
            at += t & 31;
            q[pos - 1] = (int16_t)((t & 32) ? -v : v);
            continue;
        }
        uint32_t e2 = dec[(w << (L1 + 1)) >> (64 - PEEK)];
        if (pos + gap == len + 1) { r->pos = at + (size_t)L1; return 0; } /* the closing gap */
        if (!e2) break; /* a long value code: the reader below decodes this gap again, then the value */
        int v = (int)(e2 >> 8);
        if (v > K - 1) return -1;
        pos += gap;
        at += (size_t)(L1 + 1 + (int)(e2 & 0xff));
        q[pos - 1] = (int16_t)(((w >> (63 - L1)) & 1) ? -v : v);
    }
    r->pos = at;
    return sparse_serial(r, q, pos, len, code, K);
}

int fjq_decode_bucket(fjq_reader *r, int16_t *q, size_t len, int code, int K, int bodies) {
    if (bodies == 1) return decode_body(r, q, len, code, K, FJQ_BODY_FIXED) ? -1 : 0;
    uint64_t body = fjq_get_bits(r, bodies == 2 ? 1 : 2);
    if (r->error || decode_body(r, q, len, code, K, body) != 0) return -1;
    /* canonical: the body the encoder picks for these indices, so every tensor has one message */
    size_t bits[FJQ_BODIES];
    fjq_bucket_bits(q, len, code, K, bits);
    return (uint64_t)fjq_bucket_body(bits, bodies) == body ? 0 : -2;
}

int fjq_decode_bucket_serial(fjq_reader *r, int16_t *q, size_t len, int code, int K, int bodies) {
    if (bodies == 1) return decode_body_serial(r, q, len, code, K, FJQ_BODY_FIXED) ? -1 : 0;
    uint64_t body = fjq_get_bits(r, bodies == 2 ? 1 : 2);
    if (r->error || decode_body_serial(r, q, len, code, K, body) != 0) return -1;
    /* canonical: the body the encoder picks for these indices, so every tensor has one message */
    size_t bits[FJQ_BODIES];
    fjq_bucket_bits(q, len, code, K, bits);
    return (uint64_t)fjq_bucket_body(bits, bodies) == body ? 0 : -2;
}
