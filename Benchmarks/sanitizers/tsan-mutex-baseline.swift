// ThreadSanitizer's baseline for Synchronization.Mutex on this toolchain: two threads add to one counter, every
// access inside `Mutex.withLock`, and the total is right, yet ThreadSanitizer reports a "Swift access race" (the
// Mutex's lock and unlock are not instrumented). Reports on state that failoverd guards with a Mutex are therefore
// expected in `make sanitize`'s ThreadSanitizer run; see README ("Fuzzing, sanitizers and soak").
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
