/* dtype conversion between the .npy element types and float32/float64. */
#include "ckernel.h"
#include <math.h>
#include <string.h>

static inline uint16_t bswap16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }
static inline uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t bswap64(uint64_t v) { return __builtin_bswap64(v); }

/* IEEE binary16 to double, exactly. */
static double half_to_double(uint16_t h) {
    int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0) v = ldexp((double)m, -24);
    else if (e == 31) v = m ? NAN : INFINITY;
    else v = ldexp((double)(m | 0x400), e - 25);
    return s ? -v : v;
}

/* Element i of the source as a double; one switch per call, not per element, through the macro. */
#define CONVERT_LOOP(T, DST)                                                   \
    switch (code) {                                                            \
    case 0: for (size_t i = 0; i < n; i++) { uint32_t u; memcpy(&u, s + 4*i, 4); if (swap) u = bswap32(u); float f; memcpy(&f, &u, 4); dst[i] = (T)f; } break; \
    case 1: for (size_t i = 0; i < n; i++) { uint64_t u; memcpy(&u, s + 8*i, 8); if (swap) u = bswap64(u); double f; memcpy(&f, &u, 8); dst[i] = (T)f; } break; \
    case 2: for (size_t i = 0; i < n; i++) dst[i] = (T)(int8_t)s[i]; break;   \
    case 3: for (size_t i = 0; i < n; i++) { uint16_t u; memcpy(&u, s + 2*i, 2); if (swap) u = bswap16(u); dst[i] = (T)(int16_t)u; } break; \
    case 4: for (size_t i = 0; i < n; i++) { uint32_t u; memcpy(&u, s + 4*i, 4); if (swap) u = bswap32(u); dst[i] = (T)(int32_t)u; } break; \
    case 5: for (size_t i = 0; i < n; i++) { uint64_t u; memcpy(&u, s + 8*i, 8); if (swap) u = bswap64(u); dst[i] = (T)(int64_t)u; } break; \
    case 6: for (size_t i = 0; i < n; i++) dst[i] = (T)s[i]; break;            \
    case 7: for (size_t i = 0; i < n; i++) { uint16_t u; memcpy(&u, s + 2*i, 2); if (swap) u = bswap16(u); dst[i] = (T)u; } break; \
    case 8: for (size_t i = 0; i < n; i++) { uint32_t u; memcpy(&u, s + 4*i, 4); if (swap) u = bswap32(u); dst[i] = (T)u; } break; \
    case 9: for (size_t i = 0; i < n; i++) { uint64_t u; memcpy(&u, s + 8*i, 8); if (swap) u = bswap64(u); dst[i] = (T)u; } break; \
    case 10: for (size_t i = 0; i < n; i++) dst[i] = (T)(s[i] != 0); break;   \
    case 11: for (size_t i = 0; i < n; i++) { uint16_t u; memcpy(&u, s + 2*i, 2); if (swap) u = bswap16(u); dst[i] = (T)half_to_double(u); } break; \
    default: break;                                                            \
    }

void fj_to_f32(const void *src, int code, int swap, size_t n, float *dst) {
    const uint8_t *s = (const uint8_t *)src;
    if (code == 0 && !swap) { memcpy(dst, src, n * 4); return; }
    CONVERT_LOOP(float, dst)
}

void fj_to_f64(const void *src, int code, int swap, size_t n, double *dst) {
    const uint8_t *s = (const uint8_t *)src;
    CONVERT_LOOP(double, dst)
}

/* Saturating round-to-nearest-even into [lo, hi]; NaN gives 0. */
static inline double sat(double v, double lo, double hi) {
    if (v != v) return 0.0;
    double r = nearbyint(v);
    return r < lo ? lo : (r > hi ? hi : r);
}

static uint16_t double_to_half(double v) {
    uint16_t sign = signbit(v) ? 0x8000 : 0;
    double a = fabs(v);
    if (a != a) return 0x7e00;
    if (a >= 65520.0) return sign | 0x7c00;
    if (a <= ldexp(1.0, -25)) return sign; /* rounds (ties to even) to zero */
    int e;
    frexp(a, &e); /* a = f * 2^e, f in [0.5,1) */
    int exp = e - 1;  /* a in [2^exp, 2^(exp+1)) */
    if (exp < -14) { /* subnormal: units of 2^-24 */
        double m = nearbyint(ldexp(a, 24));
        return sign | (uint16_t)m;
    }
    double m = nearbyint(ldexp(a, 10 - exp)); /* in [1024, 2048] */
    if (m >= 2048.0) { m = 1024.0; exp += 1; }
    if (exp > 15) return sign | 0x7c00;
    return sign | (uint16_t)((exp + 15) << 10) | ((uint16_t)m & 0x3ff);
}

/* Writes element i (value v, a double) of the destination dtype. */
static inline void store(uint8_t *d, size_t i, int code, double v) {
    switch (code) {
    case 0: { float f = (float)v; memcpy(d + 4*i, &f, 4); } break;
    case 1: memcpy(d + 8*i, &v, 8); break;
    case 2: { int8_t x = (int8_t)sat(v, -128, 127); memcpy(d + i, &x, 1); } break;
    case 3: { int16_t x = (int16_t)sat(v, -32768, 32767); memcpy(d + 2*i, &x, 2); } break;
    case 4: { int32_t x = (int32_t)sat(v, -2147483648.0, 2147483647.0); memcpy(d + 4*i, &x, 4); } break;
    case 5: { int64_t x;
              if (v != v) x = 0; else if (v >= 9223372036854775808.0) x = INT64_MAX; else if (v < -9223372036854775808.0) x = INT64_MIN; else x = (int64_t)nearbyint(v);
              memcpy(d + 8*i, &x, 8); } break;
    case 6: d[i] = (uint8_t)sat(v, 0, 255); break;
    case 7: { uint16_t x = (uint16_t)sat(v, 0, 65535); memcpy(d + 2*i, &x, 2); } break;
    case 8: { uint32_t x = (uint32_t)sat(v, 0, 4294967295.0); memcpy(d + 4*i, &x, 4); } break;
    case 9: { uint64_t x;
              if (v != v || v <= 0) x = 0; else if (v >= 18446744073709551616.0) x = UINT64_MAX; else x = (uint64_t)nearbyint(v);
              memcpy(d + 8*i, &x, 8); } break;
    case 10: d[i] = v != 0 ? 1 : 0; break; /* NaN != 0: true, as numpy */
    case 11: { uint16_t x = double_to_half(v); memcpy(d + 2*i, &x, 2); } break;
    default: break;
    }
}

void fj_from_f32(const float *src, size_t n, int code, void *dst) {
    if (code == 0) { memcpy(dst, src, n * 4); return; }
    uint8_t *d = (uint8_t *)dst;
    for (size_t i = 0; i < n; i++) store(d, i, code, (double)src[i]);
}

void fj_from_f64(const double *src, size_t n, int code, void *dst) {
    uint8_t *d = (uint8_t *)dst;
    for (size_t i = 0; i < n; i++) store(d, i, code, src[i]);
}
