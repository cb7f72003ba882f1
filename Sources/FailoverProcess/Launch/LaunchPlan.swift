#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A ``ProcessRequest`` checked before anything is spawned: the executable's absolute path, found the way the
/// request says (an absolute path as is, a bare name in the request environment's `PATH`), and the working
/// directory confirmed to be one. Every refusal is a ``ProcessLaunchError`` naming the command.
struct LaunchPlan: Equatable {
    /// The file to execute.
    var executablePath: String
    /// `argv[0]` as the request gave it.
    var argumentZero: String
    /// `argv[1...]`.
    var remainingArguments: [String]

    init(_ request: ProcessRequest) throws(ProcessLaunchError) {
        guard let command = request.arguments.first else {
            throw ProcessLaunchError(message: "exec: the argument list is empty; arguments[0] must name the command")
        }
        guard !command.isEmpty else {
            throw ProcessLaunchError(message: "exec: arguments[0] is empty; it must name the command")
        }
        if let bad = request.arguments.firstIndex(where: { $0.utf8.contains(0) }) {
            throw ProcessLaunchError(message: "exec \(command): arguments[\(bad)] contains a NUL byte")
        }
        try Self.validate(environment: request.environment, command: command)
        if let directory = request.workingDirectory {
            guard Self.isDirectory(directory) else {
                throw ProcessLaunchError(
                    message: "exec \(command): the working directory \(directory) does not exist or is not a directory")
            }
        }
        if command.contains("/") {
            guard command.hasPrefix("/") else {
                throw ProcessLaunchError(
                    message: "exec \(command): a path must be absolute (or give a bare name to look up in PATH)")
            }
            if let problem = Self.problem(runningFile: command) {
                throw ProcessLaunchError(message: "exec \(command): \(problem)")
            }
            executablePath = command
        } else {
            executablePath = try Self.search(name: command, path: request.environment["PATH"])
        }
        argumentZero = command
        remainingArguments = Array(request.arguments.dropFirst())
    }

    /// The first directory of `path` (absolute entries only: an empty or relative entry would make the result
    /// depend on failoverd's working directory) holding an executable regular file called `name`.
    private static func search(name: String, path: String?) throws(ProcessLaunchError) -> String {
        guard let path, !path.isEmpty else {
            throw ProcessLaunchError(
                message: "exec \(name): the request's environment has no PATH to look the name up in")
        }
        var rejected: [String] = []
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            guard exists(candidate) else { continue }
            if let problem = problem(runningFile: candidate) {
                rejected.append("\(candidate) (\(problem))")
                continue
            }
            return candidate
        }
        if rejected.isEmpty {
            throw ProcessLaunchError(message: "exec \(name): not found in PATH=\(path)")
        }
        throw ProcessLaunchError(
            message: "exec \(name): no executable file in PATH=\(path); found \(rejected.joined(separator: ", "))")
    }

    /// Why `file` cannot be executed, or `nil` when it is an executable regular file.
    private static func problem(runningFile file: String) -> String? {
        var status = stat()
        guard stat(file, &status) == 0 else {
            return errno == ENOENT ? "no such file" : "cannot be examined (\(String(cString: strerror(errno))))"
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return status.st_mode & S_IFMT == S_IFDIR ? "is a directory" : "is not a regular file"
        }
        guard access(file, X_OK) == 0 else { return "is not executable" }
        return nil
    }

    private static func exists(_ file: String) -> Bool {
        var status = stat()
        return stat(file, &status) == 0
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// The rules an environment must follow (a name that is not empty, has no `=` or NUL and does not start
    /// with a digit; a value without NUL). Values are never quoted back.
    private static func validate(environment: [String: String], command: String) throws(ProcessLaunchError) {
        for (key, value) in environment {
            let invalidName =
                key.isEmpty || key.utf8.contains { $0 == UInt8(ascii: "=") || $0 == 0 }
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(key.utf8.first!)
            if invalidName {
                throw ProcessLaunchError(
                    message:
                        "exec \(command): invalid environment variable name '\(key)' (empty, '=', NUL, digit first)")
            }
            if value.utf8.contains(0) {
                throw ProcessLaunchError(message: "exec \(command): the value of \(key) contains a NUL byte")
            }
        }
    }
}
