import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stops a step's process group when its timeout passes or its caller is cancelled: `SIGTERM` to the whole
/// group, then `SIGKILL` to whatever of it still runs after the kill grace.
///
/// The group is watched, not only its leader: a leader that dies of `SIGTERM` while a grandchild ignores it
/// still leaves the grandchild to be killed. Both stop requests may come before the process exists; the stop
/// then starts as soon as ``launched(_:)`` reports it. Requests after ``finish()`` are ignored.
final class ProcessGroupSupervisor: Sendable {
    /// Why the runner stopped the group.
    enum StopReason: Sendable, Equatable {
        case timeout
        case cancellation
    }

    private struct State {
        var group: ProcessGroup?
        var requested: StopReason?
        var stopping: Task<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())
    private let killGrace: Duration
    private let command: String
    private let logger: Logger

    /// How often the group is checked while it is given time to exit.
    private static let pollInterval: Duration = .milliseconds(20)
    /// How long the group is watched after `SIGKILL` before the runner gives up on it (a process in
    /// uninterruptible sleep dies only when its I/O returns).
    private static let afterKillWatch: Duration = .seconds(2)

    init(killGrace: Duration, command: String, logger: Logger) {
        self.killGrace = killGrace
        self.command = command
        self.logger = logger
    }

    /// The process is running with group ID `pid`; a stop requested before this starts now.
    func launched(_ pid: pid_t) {
        state.withLock { state in
            state.group = ProcessGroup(id: pid)
            if let reason = state.requested, state.stopping == nil { state.stopping = beginStop(pid, reason) }
        }
    }

    /// Asks for the group to be stopped; the first reason wins.
    func requestStop(_ reason: StopReason) {
        state.withLock { state in
            guard !state.finished, state.requested == nil else { return }
            state.requested = reason
            if let group = state.group { state.stopping = beginStop(group.id, reason) }
        }
    }

    /// The run is over (the leader was reaped): later requests are ignored. Returns why the group was stopped,
    /// if it was, after the stop sequence has finished.
    func finish() async -> StopReason? {
        let (reason, stopping) = state.withLock { state in
            state.finished = true
            return (state.stopping == nil ? nil : state.requested, state.stopping)
        }
        await stopping?.value
        return reason
    }

    private func beginStop(_ pid: pid_t, _ reason: StopReason) -> Task<Void, Never> {
        let group = ProcessGroup(id: pid)
        let grace = killGrace
        let logger = logger
        let command = command
        // Not a child task: the caller may be cancelled, and the sequence must still run to its end.
        return Task {
            let why = reason == .timeout ? "exec step ran past its timeout" : "exec step cancelled"
            logger.warning(
                "\(why): sending SIGTERM to its process group", metadata: ["command": "\(command)", "pid": "\(pid)"])
            group.send(SIGTERM)
            let clock = ContinuousClock()
            let killAt = clock.now.advanced(by: grace)
            while group.hasRunningMember {
                guard clock.now < killAt else {
                    logger.warning(
                        "exec step's process group outlived the kill grace: sending SIGKILL",
                        metadata: ["command": "\(command)", "pid": "\(pid)", "grace": "\(grace)"])
                    group.send(SIGKILL)
                    await Self.watch(group, until: clock.now.advanced(by: Self.afterKillWatch), logger: logger)
                    return
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
    }

    private static func watch(_ group: ProcessGroup, until deadline: ContinuousClock.Instant, logger: Logger) async {
        while group.hasRunningMember {
            guard ContinuousClock.now < deadline else {
                logger.error(
                    "exec step's process group is still running after SIGKILL", metadata: ["pid": "\(group.id)"])
                return
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
