#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process group a step's process leads (its ID is the leader's PID): signals for all of it, and whether
/// any of it still runs.
struct ProcessGroup: Sendable, Hashable {
    /// The group's ID, the leader's PID.
    let id: pid_t

    /// Sends `signal` to every process of the group; `false` when it has no member left.
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        kill(-id, signal) == 0
    }

    /// Whether a process of the group is still running.
    ///
    /// A zombie does not count: it has finished, and only waits for its parent to collect it. That matters
    /// because a grandchild orphaned by the step is adopted by PID 1 and, where PID 1 is not an init that
    /// collects orphans (as in some containers), would otherwise look alive forever.
    var hasRunningMember: Bool {
        guard kill(-id, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
            return Self.procHasRunningMember(of: id)
        #else
            return true
        #endif
    }

    #if os(Linux)
        /// Scans `/proc/*/stat` for a process of group `group` that is not a zombie.
        private static func procHasRunningMember(of group: pid_t) -> Bool {
            guard let directory = opendir("/proc") else { return true }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let first = name.utf8.first, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) else {
                    continue
                }
                if let member = ProcStat(pid: name), member.processGroup == group, !member.hasFinished {
                    return true
                }
            }
            return false
        }
    #endif
}

#if os(Linux)
    /// The fields of `/proc/PID/stat` that say which group a process is in and whether it has finished.
    struct ProcStat {
        /// The state letter: `R`, `S`, `D`, `T`, `Z` (zombie), `X` (dead), ...
        var state: UInt8
        /// The process group ID.
        var processGroup: pid_t

        /// Whether the process has finished (a zombie or dead, only not yet collected).
        var hasFinished: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }

        /// Reads `/proc/<pid>/stat`; `nil` when the process is gone or the line cannot be read.
        init?(pid: String) {
            let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: 1024)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            self.init(line: buffer[..<count])
        }

        /// Parses `pid (comm) state ppid pgrp ...`; `comm` may hold spaces and parentheses, so the fields are
        /// counted from the last `)`.
        init?(line: ArraySlice<UInt8>) {
            guard let close = line.lastIndex(of: UInt8(ascii: ")")) else { return nil }
            let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "))
            guard fields.count >= 3, let state = fields[0].first,
                let group = pid_t(String(decoding: fields[2], as: UTF8.self))
            else { return nil }
            self.state = state
            self.processGroup = group
        }
    }
#endif
