/*
 * Makes Synchronization.Mutex visible to ThreadSanitizer, for `make sanitize` only.
 *
 * Mutex's fast path (one atomic compare-and-exchange on its word) is inlined into failoverd's instrumented code, so
 * ThreadSanitizer sees it. When the lock is contended, the Synchronization library takes and hands over the word
 * itself, in `_MutexHandle._lockSlow` and `_unlockSlow`, which are not instrumented: ThreadSanitizer then sees no
 * order between the two holders and reports every access they make under the lock as a race
 * (`tsan-mutex-baseline.swift` shows it with a counter). The TSan build links this file with `--wrap` on both
 * functions: the wrappers call the library's own and tell ThreadSanitizer that the word was acquired after the slow
 * lock and released before the slow unlock. An access outside the lock is still reported.
 *
 * Both are Swift methods: the handle's address comes in Swift's `self` register (`swift_context` in clang), the
 * lock's owner word in the first argument register.
 */
#include <stdint.h>

void __tsan_acquire(void *address);
void __tsan_release(void *address);

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

__attribute__((swiftcall)) void library_lock_slow(uint32_t owner, void *__attribute__((swift_context)) handle)
    __asm__("__real_" LOCK_SLOW);
__attribute__((swiftcall)) void library_unlock_slow(void *__attribute__((swift_context)) handle)
    __asm__("__real_" UNLOCK_SLOW);
__attribute__((swiftcall)) void visible_lock_slow(uint32_t owner, void *__attribute__((swift_context)) handle)
    __asm__("__wrap_" LOCK_SLOW);
__attribute__((swiftcall)) void visible_unlock_slow(void *__attribute__((swift_context)) handle)
    __asm__("__wrap_" UNLOCK_SLOW);

__attribute__((swiftcall)) void visible_lock_slow(uint32_t owner, void *__attribute__((swift_context)) handle) {
    library_lock_slow(owner, handle);
    __tsan_acquire(handle);
}

__attribute__((swiftcall)) void visible_unlock_slow(void *__attribute__((swift_context)) handle) {
    __tsan_release(handle);
    library_unlock_slow(handle);
}
