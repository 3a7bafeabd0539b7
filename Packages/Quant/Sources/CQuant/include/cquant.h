/* CQuant: stochastic quantization to level indices and the Elias-coded bit streams of Fjord's quant package.
 * Pure functions over caller-owned buffers; no allocation; safe on disjoint ranges from several threads. */
#ifndef FJORD_CQUANT_H
#define FJORD_CQUANT_H
#include <stddef.h>
#include <stdint.h>

/* How a bucket is scaled: its L2 norm or its largest magnitude. */
enum { FJQ_NORM_L2 = 0, FJQ_NORM_LINF = 1 };
/* How a magnitude r in [0,1] finds its interval: uniform levels j/s (floor(r·s)); NUQSGD's 0, 2^-s, …, 1/2, 1
 * (from the float exponent of r); or a search (branch-free up to 16 levels, binary beyond). */
enum { FJQ_LEVELS_UNIFORM = 0, FJQ_LEVELS_SEARCH = 1, FJQ_LEVELS_POW2 = 2 };

/* Unbiased stochastic rounding of v[0..d) in buckets of `bucket` coordinates (the last may be shorter).
 * levels[0..K) are sorted magnitudes with levels[0] = 0 and levels[K-1] = 1. For coordinate i of bucket b with
 * scale n_b: r = |v_i|/n_b, ℓ_j ≤ r ≤ ℓ_{j+1}; q_i = ±(j+1) with probability (r−ℓ_j)/(ℓ_{j+1}−ℓ_j), else ±j
 * (sign of v_i; 0 has no sign). Writes norms[b] = n_b and q[i]. A zero bucket gives norm 0 and q = 0.
 * Randomness: bucket b draws from splitmix64 seeded by fj_bucket_seed(seed, stream, b), two 32-bit uniforms
 * per 64-bit output, so the result does not depend on how buckets are split over threads.
 * Returns 0, -1 if v holds a NaN or an infinity, or -2 if a bucket's norm exceeds float32's range (finite values
 * near 3.4e38; the message's float32 norm cannot hold it); outputs are then unspecified. */
int fjq_quantize(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K, int lookup,
                 uint64_t seed, uint64_t stream, float *norms, int16_t *q);

/* fjq_quantize on the buckets b0 ≤ b < b1 only (v, norms and q are the whole arrays). Each bucket draws from its
 * own seed, so threads quantizing disjoint bucket ranges give the same result as one call. */
int fjq_quantize_buckets(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K,
                         int lookup, uint64_t seed, uint64_t stream, size_t b0, size_t b1, float *norms, int16_t *q);

/* out_i = n_b · sign(q_i) · levels[|q_i|]. */
void fjq_dequantize(const int16_t *q, const float *norms, size_t d, size_t bucket, const float *levels, float *out);

/* Exact E‖Q(v) − v‖² for the scheme (the variance of unbiased rounding), Σ_b n_b² Σ_i (ℓ_{j+1}−r_i)(r_i−ℓ_j),
 * and ‖v‖² (so the caller can normalise); also the expected number of nonzero q_i. In double. */
void fjq_exact_variance(const float *v, size_t d, size_t bucket, int norm_kind, const float *levels, int K,
                        double *variance, double *norm2, double *expected_nnz);

/* The seed of bucket b's generator. */
uint64_t fjq_bucket_seed(uint64_t seed, uint64_t stream, uint64_t b);

/* Top-k selection: writes to keep[0..k) the indices of the k largest |p_i| of p[0..d) in increasing index order
 * (ties at the k-th magnitude broken by the lower index), 1 ≤ k ≤ d. Expected O(d): a quickselect over the
 * magnitudes in scratch[0..d) (overwritten) finds the k-th largest, then one pass collects the larger ones and the
 * first ties. Deterministic (median-of-three pivots). p must be finite. */
void fjq_topk(const float *p, size_t d, size_t k, float *scratch, uint32_t *keep);

/* ---- Elias codes (Elias 1975) over positive integers n ≥ 1 ----
 * ω: recursive; lengths 1, 3, 3, 6 (4..7), 7 (8..15), 11 (16..31), …   γ: ⌊log₂n⌋ zeros then n in binary. */
enum { FJQ_CODE_OMEGA = 0, FJQ_CODE_GAMMA = 1 };
int fjq_code_length(int code, uint64_t n);

/* A bit writer over a caller buffer (MSB first within each byte). `pos` counts bits written; bits wait in
 * `acc` (fewer than 32 of them between calls) until a 32-bit word is ready, stored as 4 bytes; fjq_flush writes
 * the last 0–31 bits, the final byte zero-padded, and ends the stream. Writing past `cap_bytes` sets `overflow`
 * and drops the bits. */
typedef struct { uint8_t *buf; size_t cap_bytes; size_t pos; uint64_t acc; int nacc; int overflow; } fjq_writer;
void fjq_put_bits(fjq_writer *w, uint64_t value, int nbits);
void fjq_put_code(fjq_writer *w, int code, uint64_t n);
void fjq_flush(fjq_writer *w);
/* Appends the first `nbits` bits of the MSB-first stream at src (a finished writer's buffer) to w, 32 at a time:
 * how bucket ranges encoded on several threads are joined into one message. */
void fjq_put_stream(fjq_writer *w, const uint8_t *src, size_t nbits);
/* max |q_i| over q[0..n) (0 when n = 0), vectorized: the encoder's check that every index has a level. */
int fjq_max_abs_index(const int16_t *q, size_t n);

/* A bit reader; `error` becomes nonzero on reading past the end or on a malformed code. */
typedef struct { const uint8_t *buf; size_t len_bits; size_t pos; int error; } fjq_reader;
uint64_t fjq_get_bits(fjq_reader *r, int nbits);
/* Decodes one code; values above `max` (or codes longer than 64 bits) set r->error and return 0. */
uint64_t fjq_get_code(fjq_reader *r, int code, uint64_t max);

/* The bucket body, after its 32-bit float norm: the body's number (2 bits; 1 bit in message versions 1 and 2,
 * which have only bodies 0 and 1; none when `bodies` is 1, the fixed-width codec, whose every bucket is body 3),
 * then
 *   0 dense:  for each coordinate code(|q| + 1) and, when q ≠ 0, a sign bit (short when most |q| are small);
 *   1 sparse: for each nonzero, code(gap) where gap = index − previous index (the first index + 1), a sign bit
 *             and code(|q|); closed by code(gap to one past the bucket end) = code(len − prev);
 *   2 top:    for each coordinate code(K − |q|) and, when q ≠ 0, a sign bit (short when most |q| are near the top
 *             level, as on NUQSGD's exponential ladder);
 *   3 fixed:  for each coordinate q + K − 1 in fjq_fixed_width(K) = ⌈log₂(2K − 1)⌉ bits (b bits for the 2^(b−1)
 *             levels of a b-bit scheme), so no bucket costs more than its fixed-width packing.
 * fjq_bucket_bits gives the four body sizes in bits; fjq_bucket_body picks the shortest among the first `bodies`
 * (2 or 4; ties: the lower number); fjq_encode_bucket writes it. Indices satisfy |q| ≤ K − 1. */
enum { FJQ_BODY_DENSE = 0, FJQ_BODY_SPARSE = 1, FJQ_BODY_TOP = 2, FJQ_BODY_FIXED = 3, FJQ_BODIES = 4 };
int fjq_fixed_width(int K);
void fjq_bucket_bits(const int16_t *q, size_t len, int code, int K, size_t bits[FJQ_BODIES]);
int fjq_bucket_body(const size_t bits[FJQ_BODIES], int bodies);
void fjq_encode_bucket(fjq_writer *w, const int16_t *q, size_t len, int code, int K, int bodies);
/* Buckets b0 ≤ b < b1 of q[0..d) (norms[b] as float32 bits, then the body): a message's payload or, on a thread,
 * one range of it. */
void fjq_encode_buckets(fjq_writer *w, const int16_t *q, const float *norms, size_t d, size_t bucket, size_t b0,
                        size_t b1, int code, int K, int bodies);
/* Decodes a bucket body (`bodies` as written) of `len` coordinates with level indices < K; returns 0, -1 on
 * malformed input, or -2 when the body is not the one fjq_encode_bucket picks for these indices (a
 * non-canonical encoding: every tensor has exactly one message). */
int fjq_decode_bucket(fjq_reader *r, int16_t *q, size_t len, int code, int K, int bodies);
/* Table-driven: while 64 bits remain, each code of at most 12 bits is read with one 8-byte peek and one lookup
 * (value and length; a dense body's sign bit from the same peek); longer codes and the last 64 bits go through
 * the bit-serial reader. fjq_decode_bucket_serial is that bit-serial decoder alone, kept as the reference: on
 * every input, truncated and malformed ones included, both return the same value, and on success the same
 * indices and reader position (a test checks it on random messages; after a failure q and r are unspecified). */
int fjq_decode_bucket_serial(fjq_reader *r, int16_t *q, size_t len, int code, int K, int bodies);

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, as iSCSI and ext4): continue `crc` (0 to start) over n bytes.
 * The SSE4.2 crc32 instruction where the CPU has it, bitwise otherwise; both give the same value.
 * Known answer: fjq_crc32c(0, "123456789", 9) = 0xE3069283. */
uint32_t fjq_crc32c(uint32_t crc, const uint8_t *p, size_t n);

#endif
