/* OpenBLAS's CBLAS interface; pkg-config "openblas" pins this to OpenBLAS's own cblas.h. */
#include <cblas.h>
/* Declared by OpenBLAS (not by the reference CBLAS header on every system). */
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
