import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// The pipe a step's standard output and error share, read by failoverd itself on a dispatch queue.
///
/// swift-subprocess 1.0.2 reads its own pipes through a registry that keeps one entry per process whenever the
/// output ends before the process's exit is seen (its `Registration.removeRegistration` leaves the process's
/// empty descriptor set behind; only the cancellation path removes it). Keyed by PID and pidfd, the registry grew
/// about 100 bytes a run, without end: heaptrack's diff of two soaks killed at 60 s and 240 s of load put
/// 80 KB of the 151 KB that grew in between there. A descriptor of our own, handed to swift-subprocess as
/// `.fileDescriptor`, keeps its registry out of the way: no pipe of its own, nothing registered.
///
/// Reading ends at end of file (every writer closed), or once the step's leader has exited and what it wrote is
/// drained: a background grandchild that keeps the pipe open does not hold the run (its bytes after the leader's
/// exit are not read). No thread waits meanwhile: two dispatch read sources, one on the pipe and one on a
/// duplicate of the leader's pidfd (readable at its exit).
final class CombinedOutputPipe: @unchecked Sendable {
    /// The end the child writes to (its standard output and error); swift-subprocess closes it after the spawn.
    let writeEnd: CInt
    private let readEnd: CInt
    private var reading = false

    /// How the two ends are made: `pipe(2)` in the service (``ProcessRunner/init(logger:)``); a test passes one that
    /// fails as the kernel does (-1 with `errno` set) to see that failure reported.
    typealias PipeMaker = @Sendable (UnsafeMutablePointer<CInt>) -> CInt

    /// Opens the pipe: both ends close-on-exec (the child gets the write end as its descriptors 1 and 2 only),
    /// the read end non-blocking.
    init(makingPipeWith makePipe: PipeMaker) throws(ProcessLaunchError) {
        var ends: [CInt] = [-1, -1]
        // pipe2 is not in Swift's Glibc module; swift-subprocess's spawn closes every descriptor but 0-2 in the
        // child anyway, so a spawn elsewhere between the two calls cannot leak these.
        guard ends.withUnsafeMutableBufferPointer({ makePipe($0.baseAddress!) }) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ProcessLaunchError(message: "exec: cannot create the output pipe: \(reason)")
        }
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
    }

    /// Closes the read end when ``read(limit:leaderDescriptor:)`` was never called (the spawn failed).
    func closeUnread() {
        if !reading { close(readEnd) }
    }

    /// Reads into a capture of `limit` bytes until end of file, or until the process behind `leaderDescriptor`
    /// (a pidfd; `-1` when there is none) has exited and the pipe is drained; closes the read end.
    func read(limit: Int, leaderDescriptor: CInt) async -> CombinedOutputCapture {
        reading = true
        let readEnd = self.readEnd
        return await withCheckedContinuation { continuation in
            let reader = Reader(limit: limit, readEnd: readEnd, continuation: continuation)
            reader.start(leaderDescriptor: leaderDescriptor)
        }
    }

    /// One read of the pipe, confined to its serial queue.
    private final class Reader: @unchecked Sendable {
        private let queue = DispatchQueue(label: "failoverd-exec-output")
        private let readEnd: CInt
        private var capture: CombinedOutputCapture
        private var continuation: CheckedContinuation<CombinedOutputCapture, Never>?
        private var sources: [any DispatchSourceRead] = []
        private var sourcesOpen = 0
        private var finishing = false
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        init(limit: Int, readEnd: CInt, continuation: CheckedContinuation<CombinedOutputCapture, Never>) {
            self.readEnd = readEnd
            self.capture = CombinedOutputCapture(limit: limit)
            self.continuation = continuation
        }

        func start(leaderDescriptor: CInt) {
            queue.async { [self] in
                // The source holds the reader until it is cancelled; cancelling both ends the cycle.
                let pipeSource = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: queue)
                pipeSource.setEventHandler { [self] in
                    if drain() { finish() }
                }
                pipeSource.setCancelHandler { [self] in
                    close(readEnd)
                    sourceClosed()
                }
                sources.append(pipeSource)
                // A duplicate: swift-subprocess closes its pidfd after the run, perhaps before dispatch lets go.
                let leader = leaderDescriptor >= 0 ? fcntl(leaderDescriptor, F_DUPFD_CLOEXEC, 0) : -1
                if leader >= 0 {
                    let leaderSource = DispatchSource.makeReadSource(fileDescriptor: leader, queue: queue)
                    leaderSource.setEventHandler { [self] in
                        // The leader exited: what it wrote is in the pipe now; a grandchild's later bytes are not.
                        _ = drain()
                        finish()
                    }
                    leaderSource.setCancelHandler { [self] in
                        close(leader)
                        sourceClosed()
                    }
                    sources.append(leaderSource)
                }
                sourcesOpen = sources.count
                for source in sources { source.activate() }
            }
        }

        /// Reads what is buffered; `true` at end of file or on a read error.
        private func drain() -> Bool {
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.withUnsafeBytes { capture.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                    continue
                }
                if count == 0 { return true }
                if errno == EINTR { continue }
                return errno != EAGAIN && errno != EWOULDBLOCK
            }
        }

        private func finish() {
            guard !finishing else { return }
            finishing = true
            for source in sources { source.cancel() }
        }

        private func sourceClosed() {
            sourcesOpen -= 1
            guard sourcesOpen == 0, let continuation else { return }
            self.continuation = nil
            sources = []
            continuation.resume(returning: capture)
        }
    }
}
