import FailoverTestSupport
import Foundation
import Testing

@Suite("failoverd's crash report")
struct CrashReportTests {
    static let webhookToken = "crash-report-webhook-token-4417"
    static let linodeToken = "crash-report-linode-token-5528"

    @Test("a crash report shows no configured secret, right after a webhook carried one")
    func noSecretInACrashReport() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("webhook-token", Self.webhookToken + "\n")
        try directory.write("linode-token", Self.linodeToken + "\n")
        let configuration = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook:
                  bearer_token_file: webhook-token
            providers:
              linode-main:
                type: linode
                token_file: linode-token
            """)
        let serve = try await ServeProcess(directory: directory, extraArguments: ["--config.file", configuration])
        let body = try AlertmanagerWebhookBody.firing(
            labels: ["alertname": "CrashReport", "instance": "host-1"], startsAt: .wallClock()
        ).bytes()
        let response = try await TestHTTP.postJSON(
            port: serve.port, "/webhook", body, headers: [("Authorization", "Bearer " + Self.webhookToken)])
        #expect(response.status == 200)
        // Swift's backtracer answers a crash signal with its report (every thread's stack, the registers with 16
        // bytes of memory each points at, the images) on standard error. A signal sent with kill() does not fault
        // again when the handler returns, so the process lives on after the report: it is stopped by its PID.
        // Where the toolchain has no backtracer (or a sanitizer's handler takes the signal, in make sanitize), the
        // process dies of the signal after whatever it printed, which must not hold a secret either.
        serve.process.signal(SIGSEGV)
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while ContinuousClock.now < deadline, serve.process.isRunning,
            !serve.process.output.contains("Backtrace took")
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        let reported = serve.process.output.contains("*** Program crashed:")
        #expect(reported || !serve.process.isRunning, "neither a crash report nor an exit:\n\(serve.process.output)")
        if reported {
            #expect(serve.process.output.contains("Registers:"), "the report shows registers")
        }
        await serve.process.stop()
        let report = serve.process.output
        for secret in [Self.webhookToken, Self.linodeToken] {
            #expect(!report.contains(secret), "a secret in the crash report:\n\(report)")
            #expect(!report.contains(Data(secret.utf8).base64EncodedString()), "a secret in base64:\n\(report)")
        }
    }
}
