import Foundation

/// A fresh directory for one test, removed by ``remove()``.
///
/// Every directory lives under one folder of the test process (``processRoot``), which is removed when the process
/// exits: a test that fails or times out before its `remove()` still leaves nothing behind.
public struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates the directory.
    public init(prefix: String = "failoverd-test") throws {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8))"
        path = (Self.processRoot as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The folder of this test process's directories, under the system temporary directory; created on first use
    /// and removed at exit. Mode 0755: some tests run programs as other users, which must reach their files.
    public static let processRoot: String = {
        var template = Array(
            (NSTemporaryDirectory() as NSString).appendingPathComponent("failoverd-tests.XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            fatalError("cannot create a temporary folder under \(NSTemporaryDirectory()): errno \(errno)")
        }
        let root = String(cString: created)
        chmod(root, 0o755)
        atexit { try? FileManager.default.removeItem(atPath: TemporaryDirectory.processRoot) }
        return root
    }()

    /// A path inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes text into a file inside the directory and returns its path. The file's mode is `mode`, 0600 by
    /// default: `failoverd serve` refuses configuration and secret files that others may read.
    ///
    /// Written in place: Foundation's atomic write leaves an empty `TemporaryDirectory.*` folder in `/tmp` behind
    /// each call on Linux, and a test's fresh directory has no reader to protect from a half-written file.
    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let target = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    /// Deletes the directory and its contents.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
