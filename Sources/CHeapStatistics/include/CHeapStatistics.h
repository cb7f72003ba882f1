#ifndef FAILOVERD_CHEAP_STATISTICS_H
#define FAILOVERD_CHEAP_STATISTICS_H

#include <stddef.h>

/// What the C allocator (glibc malloc, which Swift's runtime and every C library here use) holds, summed over all
/// of its arenas.
struct failoverd_heap_statistics {
    /// Bytes handed out and not yet freed, large blocks with mappings of their own included: the live heap.
    size_t allocated;
    /// Bytes freed and kept by the allocator for later requests, not given back to the kernel.
    size_t free;
};

/// Reads glibc's `mallinfo2()`. It walks every arena under that arena's lock: call it at a scrape, not per request.
struct failoverd_heap_statistics failoverd_heap_statistics(void);

#endif
