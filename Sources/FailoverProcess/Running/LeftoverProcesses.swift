#if canImport(Glibc)
    import Glibc
#endif

extension ProcessRunner {
    /// Stops the processes an earlier failoverd left running: every process whose environment holds all of `tags`
    /// (an `exec` step's `FAILOVERD_EXECUTION_ID` and `FAILOVERD_STEP_ID`, which its children inherit), with its
    /// process group: SIGTERM, then SIGKILL after `grace`. Returns the PIDs found.
    ///
    /// A process killed with `kill -9` cannot stop its step's program, which runs in a group of its own; the next
    /// process calls this before it reruns (or fails) the interrupted step, so that two runs never overlap.
    public func stopLeftovers(taggedWith tags: [String: String], grace: Duration = .seconds(5)) async -> [Int32] {
        #if os(Linux)
            let found = Self.processes(taggedWith: tags)
            guard !found.isEmpty else { return [] }
            let groups = Set(found.map(\.group))
            logger.warning(
                "stopping processes an earlier failoverd left running for this step",
                metadata: ["pids": "\(found.map(\.pid))", "groups": "\(groups.sorted())"])
            for group in groups { ProcessGroup(id: group).send(SIGTERM) }
            for member in found where !groups.contains(member.pid) { kill(member.pid, SIGTERM) }
            let deadline = ContinuousClock.now.advanced(by: grace)
            while ContinuousClock.now < deadline, Self.anyRunning(found.map(\.pid)) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if Self.anyRunning(found.map(\.pid)) {
                for group in groups { ProcessGroup(id: group).send(SIGKILL) }
                for member in found { kill(member.pid, SIGKILL) }
            }
            return found.map(\.pid).sorted()
        #else
            return []
        #endif
    }

    #if os(Linux)
        /// Processes whose `/proc/PID/environ` holds every `NAME=VALUE` of `tags`, with their groups.
        static func processes(taggedWith tags: [String: String]) -> [(pid: pid_t, group: pid_t)] {
            guard !tags.isEmpty, let directory = opendir("/proc") else { return [] }
            defer { closedir(directory) }
            let wanted = Set(tags.map { "\($0.key)=\($0.value)" })
            let own = getpid()
            var found: [(pid: pid_t, group: pid_t)] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let pid = pid_t(name), pid != own, let stat = ProcStat(pid: name), !stat.hasFinished else {
                    continue
                }
                let entries = Set(environment(of: name))
                if wanted.isSubset(of: entries) { found.append((pid, stat.processGroup)) }
            }
            return found
        }

        /// The `NAME=VALUE` entries of a process's environment (empty when it cannot be read).
        static func environment(of pid: String) -> [String] {
            let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return [] }
            defer { close(descriptor) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while bytes.count < 1 << 20 {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                bytes.append(contentsOf: buffer[..<count])
            }
            return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }

        static func anyRunning(_ pids: [pid_t]) -> Bool {
            pids.contains { pid in
                guard kill(pid, 0) == 0 else { return false }
                return ProcStat(pid: String(pid)).map { !$0.hasFinished } ?? false
            }
        }
    #endif
}
