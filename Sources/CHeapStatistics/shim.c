#include "CHeapStatistics.h"

#include <malloc.h>

/* <malloc.h> is not part of Swift's Glibc module, so `mallinfo2` is reached through this file. */
struct failoverd_heap_statistics failoverd_heap_statistics(void) {
    struct mallinfo2 info = mallinfo2();
    struct failoverd_heap_statistics statistics = {
        .allocated = info.uordblks + info.hblkhd,
        .free = info.fordblks,
    };
    return statistics;
}
