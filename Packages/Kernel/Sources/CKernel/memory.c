/* glibc's allocator settings for long-running compute tools (Memory.keepFreedMemory). */
#include "ckernel.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

void fj_keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#endif
}
