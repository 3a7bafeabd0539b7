/* Single-precision FFTW 3 (fftw3f). */
#include <fftw3.h>
static inline unsigned fj_fftw_estimate(void) { return FFTW_ESTIMATE; }
static inline unsigned fj_fftw_measure(void) { return FFTW_MEASURE; }
