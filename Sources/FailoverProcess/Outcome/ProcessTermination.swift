/// How the process that a runbook step started ended.
public enum ProcessTermination: Sendable, Hashable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal ended it (`SIGTERM` = 15 and `SIGKILL` = 9 when the runner stopped it).
    case signaled(Int32)
}

extension ProcessTermination: CustomStringConvertible {
    /// `exit 3` or `signal 15`.
    public var description: String {
        switch self {
        case .exited(let status): "exit \(status)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}
