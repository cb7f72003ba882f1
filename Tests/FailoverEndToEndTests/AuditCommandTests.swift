import FailoverCore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `failoverd audit query|verify`, run as a binary against the database file and against a running instance.
@Suite("failoverd audit", .serialized)
struct AuditCommandTests {
    @Test("query and verify, from the file while the service runs and through its API; tampering is caught")
    func queryAndVerify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory)
        defer { serve.process.signal(SIGKILL) }
        let database = directory.file("data/failoverd.db")
        // Logged once service.started has committed.
        let started = try await Self.waitForHead(serve.process, at: "start")

        let table = try await runFailoverd(["audit", "query", "--storage.path", database])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.output.hasPrefix("ID\tTIME\tTYPE\tACTOR\tOUTCOME\tSUBJECT\n1\t"))
        #expect(table.output.contains("\tservice.started\tfailoverd\tsuccess\t"))

        let csv = try await runFailoverd(["audit", "query", "--storage.path", database, "--output", "csv"])
        #expect(csv.status == 0)
        #expect(csv.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)

        let head = try #require(started)
        let verify = try await runFailoverd(["audit", "verify", "--storage.path", database])
        #expect(verify.status == 0)
        #expect(verify.output == "intact, 1 events\nhead \(head)\n")

        let url = "http://127.0.0.1:\(serve.port)"
        let remote = try await runFailoverd(["audit", "query", "--url", url, "--type", "service.started"])
        #expect(remote.status == 0, "\(remote.output)")
        #expect(remote.output.contains(#""type":"service.started""#))
        let remoteVerify = try await runFailoverd(["audit", "verify", "--url", url, "--anchor", head])
        #expect(remoteVerify.output == "intact, 1 events\nhead \(head)\n")

        let badFilter = try await runFailoverd(["audit", "query", "--storage.path", database, "--since", "yesterday"])
        #expect(badFilter.status == 64)
        #expect(badFilter.output.contains("since"))

        await serve.process.stop()
        try await ExternalConnection.open(database).write { db in
            try db.execute(sql: "UPDATE audit_events SET actor = 'someone else' WHERE id = 1")
        }
        let tampered = try await runFailoverd(["audit", "verify", "--storage.path", database])
        #expect(tampered.status == 1)
        #expect(tampered.output.hasPrefix("broken"), "\(tampered.output)")
    }

    @Test(
        "with a signing key, each attack on the file is caught by verify --public-key --anchor (exit 1, JSON names it)"
    )
    func signedHeadsAndAnchors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = AuditSigningKey.generate()
        let keyFile = directory.file("audit-signing.pem")
        let publicKey = directory.file("audit-signing.pub.pem")
        let config = directory.file("failoverd.yml")
        let secret: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        _ = FileManager.default.createFile(
            atPath: keyFile, contents: Data(key.pemRepresentation.utf8), attributes: secret)
        _ = FileManager.default.createFile(atPath: publicKey, contents: Data(key.verifyingKey.pemRepresentation.utf8))
        _ = FileManager.default.createFile(
            atPath: config, contents: Data("audit:\n  signing_key_file: audit-signing.pem\n".utf8), attributes: secret)
        let database = directory.file("data/failoverd.db")

        // Two runs: config.loaded, service.started, service.stopped each; the older copy is the file after the first.
        _ = try await Self.runOnce(directory, config: config)
        let older = directory.file("older.db")
        try AuditTampering.copy(database, to: older)
        let anchor = try #require(try await Self.runOnce(directory, config: config))
        #expect(anchor.hasPrefix("6:"), "the head at stop is the sixth event: \(anchor)")

        let intact = try await runFailoverd(
            ["audit", "verify", "--storage.path", database, "--public-key", publicKey, "--anchor", anchor])
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output.contains("\nsigned head \(anchor), signed "), "\(intact.output)")
        #expect(intact.output.contains("; 0 events after it\nanchor \(anchor) reached\n"), "\(intact.output)")

        let attacks: [(name: String, kind: String, attack: (String) throws -> Void)] = [
            (
                "rewrite from a row", "signed_head_mismatch",
                { try AuditTampering.rewrite(ExternalConnection.open($0), from: 2) }
            ),
            ("last row edited", "signed_head_mismatch", { try AuditTampering.editLast(ExternalConnection.open($0)) }),
            (
                "tail cut, sequence lowered", "anchor_missing",
                { try AuditTampering.truncate(ExternalConnection.open($0), after: 4) }
            ),
            (
                "middle deleted behind a forged checkpoint", "checkpoint_not_at_start",
                { try AuditTampering.deleteBehindForgedCheckpoint(ExternalConnection.open($0), 2...3) }
            ),
            ("older copy restored", "anchor_missing", { try AuditTampering.restore(older, over: $0) }),
        ]
        for (index, attack) in attacks.enumerated() {
            let victim = directory.file("attack-\(index).db")
            try AuditTampering.copy(database, to: victim)
            try attack.attack(victim)
            let plain = try await runFailoverd(["audit", "verify", "--storage.path", victim])
            let verified = try await runFailoverd([
                "audit", "verify", "--storage.path", victim, "--public-key", publicKey, "--anchor", anchor,
                "--output", "json",
            ])
            #expect(verified.status == 1, "\(attack.name): \(verified.output)")
            let json = try JSONSerialization.jsonObject(with: Data(verified.output.utf8)) as? [String: Any]
            #expect(json?["intact"] as? Bool == false, "\(attack.name)")
            let found = json?["break"] as? [String: Any]
            #expect(
                found?["kind"] as? String == attack.kind, "\(attack.name): \(verified.output), plain: \(plain.output)")
        }

        // Usage errors: exit 64 and what is wrong.
        let badAnchor = try await runFailoverd(["audit", "verify", "--storage.path", database, "--anchor", "6:xyz"])
        #expect(badAnchor.status == 64)
        #expect(badAnchor.output.contains("--anchor: anchor \"6:xyz\" is not ID:HASH"), "\(badAnchor.output)")
        let badKey = try await runFailoverd(["audit", "verify", "--storage.path", database, "--public-key", keyFile])
        #expect(badKey.status == 64)
        #expect(badKey.output.contains("not a PEM file with a \"PUBLIC KEY\" block"), "\(badKey.output)")
    }

    /// Runs `failoverd serve` with `config` until it has started, stops it, and returns the head it logged at stop.
    static func runOnce(_ directory: TemporaryDirectory, config: String) async throws -> String? {
        let serve = try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])
        defer { serve.process.signal(SIGKILL) }
        #expect(try await waitForHead(serve.process, at: "start") != nil, "\(serve.process.output)")
        await serve.process.stop()
        return loggedHead(serve.process.output, at: "stop")
    }

    /// Polls the output (up to 20 s) for the `audit chain head` line at `moment`; its `ID:HASH`.
    static func waitForHead(_ process: ChildProcess, at moment: String) async throws -> String? {
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ContinuousClock.now < deadline {
            if let head = loggedHead(process.output, at: moment) { return head }
            try await Task.sleep(for: .milliseconds(25))
        }
        return loggedHead(process.output, at: moment)
    }

    /// `ID:HASH` from the `audit chain head` log line at `moment`.
    static func loggedHead(_ output: String, at moment: String) -> String? {
        for line in output.split(separator: "\n")
        where line.contains("msg=\"audit chain head\"") && line.contains(" at=\(moment) ") {
            let fields = line.split(separator: " ")
            func value(_ name: String) -> String? {
                fields.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
            }
            if let id = value("head_id"), let hash = value("head_hash") { return "\(id):\(hash)" }
        }
        return nil
    }
}
