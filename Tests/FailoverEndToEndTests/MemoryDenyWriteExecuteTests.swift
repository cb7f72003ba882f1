import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `deploy/failoverd.service` sets `MemoryDenyWriteExecute=yes`: the service, and the programs its runbooks'
/// `exec` steps start, may never map memory writable and executable, nor make memory executable later. systemd
/// applies it one of two ways, and both are measured here by a launcher that applies it and then execs
/// `failoverd serve`, which takes a webhook, answers the operator API and runs a runbook with a `dns` step (libcurl
/// to a fake provider) and an `exec` step:
/// - `prctl`: `prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN)` (Linux 6.3 and later), what systemd 253 and later use
///   where the kernel has it;
/// - `seccomp`: the filter of systemd's `seccomp_memory_deny_write_execute()`, what older systemd (Debian 12's 252)
///   installs: `mmap` with both `PROT_WRITE` and `PROT_EXEC`, `mprotect`/`pkey_mprotect` with `PROT_EXEC`, and
///   `shmat` with `SHM_EXEC` fail with EPERM.
/// The `exec` step is a probe that tries both kinds of mapping, so the test also shows that the restriction reaches
/// a runbook's programs.
@Suite("failoverd under MemoryDenyWriteExecute", .serialized)
struct MemoryDenyWriteExecuteTests {
    static let python = "/usr/bin/python3"

    /// Applies the restriction named by its first argument, then execs the rest.
    static let launcher = #"""
        import ctypes, errno, os, sys

        PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1
        PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000


        def prctl_mdwe():
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
                sys.exit("prctl(PR_SET_MDWE): " + os.strerror(ctypes.get_errno()))
            if libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) != PR_MDWE_REFUSE_EXEC_GAIN:
                sys.exit("PR_GET_MDWE does not report PR_MDWE_REFUSE_EXEC_GAIN")


        class ArgCmp(ctypes.Structure):
            _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]


        def seccomp_mdwe():
            seccomp = ctypes.CDLL("libseccomp.so.2")
            seccomp.seccomp_init.restype = ctypes.c_void_p
            seccomp.seccomp_rule_add_array.argtypes = [
                ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(ArgCmp)]
            seccomp.seccomp_load.argtypes = [ctypes.c_void_p]
            context = seccomp.seccomp_init(0x7FFF0000)  # SCMP_ACT_ALLOW
            refuse = 0x00050000 | errno.EPERM  # SCMP_ACT_ERRNO(EPERM)
            masked_eq = 7  # SCMP_CMP_MASKED_EQ on the third argument (prot, shmflg)
            rules = [("mmap", PROT_WRITE | PROT_EXEC), ("mprotect", PROT_EXEC), ("pkey_mprotect", PROT_EXEC),
                     ("shmat", SHM_EXEC)]
            for name, mask in rules:
                number = seccomp.seccomp_syscall_resolve_name(name.encode())
                rule = ArgCmp(2, masked_eq, mask, mask)
                if seccomp.seccomp_rule_add_array(context, refuse, number, 1, ctypes.byref(rule)) != 0:
                    sys.exit("seccomp_rule_add_array " + name)
            if seccomp.seccomp_load(context) != 0:
                sys.exit("seccomp_load failed")


        {"prctl": prctl_mdwe, "seccomp": seccomp_mdwe}[sys.argv[1]]()
        os.execv(sys.argv[2], sys.argv[2:])
        """#

    /// The runbook's `exec` step: tries a writable and executable mapping, and making a mapping executable.
    static let probe = #"""
        import ctypes, mmap
        try:
            mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            print("W+X mapping allowed")
        except OSError as error:
            print("W+X mapping refused")
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        page = libc.mmap(None, 4096, 3, 0x22, -1, 0)
        print("mprotect to exec", "refused" if libc.mprotect(ctypes.c_void_p(page), 4096, 5) != 0 else "allowed")
        """#

    /// The kernel has `PR_SET_MDWE` (6.3 and later) and Debian's python3 and libseccomp are there.
    static var available: Bool {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let version = release.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        let kernel = version.count == 2 && (version[0], version[1]) >= (6, 3)
        return kernel && FileManager.default.isExecutableFile(atPath: python)
            && FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/libseccomp.so.2")
    }

    @Test(
        "a webhook, the operator API and a runbook with dns and exec steps work under it",
        .enabled(if: available, "needs Linux 6.3 or later, /usr/bin/python3 and libseccomp"),
        arguments: ["prctl", "seccomp"])
    func restricted(mode: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = try FakeDNSProviderServer.startedWithAppRecord(flavor: .digitalOcean, token: "provider-token")
        do {
            try await Self.drive(mode: mode, directory: directory, fake: fake)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// Starts `failoverd serve` under the launcher in `mode` and takes it through the webhook, the runbook and an
    /// operator action, then stops it.
    static func drive(mode: String, directory: TemporaryDirectory, fake: FakeDNSProviderServer) async throws {
        let launcher = try directory.write("launch.py", Self.launcher)
        let probe = try directory.write("probe.py", Self.probe)
        try directory.write("webhook-token", "webhook-secret\n")
        try directory.write("admin-token", "admin-secret\n")
        try directory.write("provider-token", "provider-token\n")
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
                admin: {bearer_token_file: admin-token}
            providers:
              main: {type: digitalocean, token_file: provider-token, base_url: "\(fake.baseURL)", max_attempts: 2}
            runbooks:
              sandboxed:
                match: ['alertname="SandboxProbe"', 'region=~"us-.+"']
                key_labels: [region]
                steps:
                  - dns: {provider: main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 300}
                  - exec: {command: ["\(Self.python)", "\(probe)"], timeout: 60s}
            engine:
              poll_interval: 100ms
            """)
        let serve = try await ServeProcess(
            directory: directory, extraArguments: ["--config.file", config], launcher: [Self.python, launcher, mode])
        defer { serve.process.signal(SIGKILL) }
        if mode == "seccomp" {
            let status = (try? String(contentsOfFile: "/proc/\(serve.process.pid)/status", encoding: .utf8)) ?? ""
            #expect(status.contains("Seccomp:\t2"), "the filter is on failoverd itself: \(status)")
        }

        let client = FailoverdOperatorClient(
            port: serve.port, webhookToken: "webhook-secret", adminToken: "admin-secret")
        let firing = AlertmanagerWebhookBody.firing(
            labels: ["alertname": "SandboxProbe", "region": "us-east"], startsAt: .wallClock())
        #expect(try await client.postWebhook(firing).status == 200)
        let execution = try await client.waitForFinishedExecution(kind: "failover", within: .seconds(90))
        #expect(execution.state == "succeeded", "\(execution)")
        #expect(fake.records(zone: "example.com", name: "app", type: "A").map(\.target) == ["198.51.100.5"])
        let output = execution.steps?.first { $0.kind == "exec" }?.detail ?? ""
        #expect(output.contains("W+X mapping refused"), "\(output)")
        #expect(output.contains("mprotect to exec refused"), "\(output)")
        let pause = try await TestHTTP.postJSON(
            port: serve.port, "/api/v1/runbooks/sandboxed/pause", Array(#"{"reason":"measured"}"#.utf8),
            headers: [("Authorization", "Bearer admin-secret")])
        #expect(pause.status == 200, "\(pause.text)")

        await serve.process.stop()
        #expect(await serve.process.waitForExit() == 0, "\(serve.process.output)")
    }
}
