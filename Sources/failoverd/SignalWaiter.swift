import Dispatch
import Foundation

/// Waits for the first of some signals, which are otherwise ignored so they cannot kill the process mid-write.
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "failoverd.signals")
            let state = SignalState(continuation: continuation)
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { state.fire(number) }
                source.resume()
                state.keep(source)
            }
        }
    }
}

/// Resumes the waiting task once, on the first signal; keeps the sources alive.
private final class SignalState: @unchecked Sendable {
    private var continuation: CheckedContinuation<Int32, Never>?
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()

    init(continuation: CheckedContinuation<Int32, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func fire(_ number: Int32) {
        let pending = lock.withLock { () -> CheckedContinuation<Int32, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: number)
    }
}
