// ThreadSanitizer and Synchronization.Mutex on this toolchain: two threads add to one counter, every access inside
// `Mutex.withLock`, and the total is right, yet ThreadSanitizer reports a "Swift access race": the library's contended
// lock and unlock are not instrumented. Linked with Benchmarks/sanitizers/tsan-mutex.c (see `make sanitize`), the
// same program runs without a report. See README ("Fuzzing, sanitizers and soak").
//
//   swiftc -sanitize=thread -O Benchmarks/sanitizers/tsan-mutex-baseline.swift -o /tmp/tsan-mutex && /tmp/tsan-mutex
import Foundation
import Synchronization

final class Box: Sendable {
    let value = Mutex(0)
}
let box = Box()
let done = DispatchSemaphore(value: 0)
for _ in 0..<2 {
    Thread.detachNewThread {
        for _ in 0..<100_000 { box.value.withLock { $0 += 1 } }
        done.signal()
    }
}
done.wait(); done.wait()
print("total", box.value.withLock { $0 })
