import Glibc

/// File actions of `posix_spawn` that glibc has and Glibc's module does not export without `_GNU_SOURCE`.
enum SpawnFileActions {
    /// Closes every descriptor from 3 up in the child, after the actions before it (glibc 2.34 and later).
    ///
    /// The test process holds hundreds of descriptors without close-on-exec (sockets of in-process servers and
    /// clients among them), and every program a test started used to inherit them. wrk in the short soak had 375:
    /// its event loop takes only descriptors below 10 + 3 × connections, and a socket of its own numbered past that
    /// counts as a connect error (most likely the short soak's rare one). A child holding a copy of a test's socket
    /// also keeps that connection open after the test closes it.
    static func closeInherited(_ actions: inout posix_spawn_file_actions_t) {
        addCloseFrom(&actions, 3)
    }

    /// Changes the child's directory before it executes the program (glibc 2.29 and later).
    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to path: String) {
        addChdir(&actions, path)
    }
}

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
@discardableResult
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32

@_silgen_name("posix_spawn_file_actions_addchdir_np")
@discardableResult
private func addChdir(
    _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>
)
    -> Int32
