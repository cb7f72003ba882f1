import FailoverTestSupport
import Foundation
import GRDB
import Testing

/// `failoverd audit query|verify`, run as a binary against the database file and against a running instance.
@Suite("failoverd audit", .serialized)
struct AuditCommandTests {
    @Test("query and verify, from the file while the service runs and through its API; tampering is caught")
    func queryAndVerify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory)
        let database = directory.file("data/failoverd.db")
        #expect(await serve.process.waitForOutput("failoverd started"))
        try await Task.sleep(for: .milliseconds(200))

        let table = try await runFailoverd(["audit", "query", "--storage.path", database])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.output.hasPrefix("ID\tTIME\tTYPE\tACTOR\tOUTCOME\tSUBJECT\n1\t"))
        #expect(table.output.contains("\tservice.started\tfailoverd\tsuccess\t"))

        let csv = try await runFailoverd(["audit", "query", "--storage.path", database, "--output", "csv"])
        #expect(csv.status == 0)
        #expect(csv.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)

        let verify = try await runFailoverd(["audit", "verify", "--storage.path", database])
        #expect(verify.status == 0)
        #expect(verify.output == "intact, 1 events\n")

        let url = "http://127.0.0.1:\(serve.port)"
        let remote = try await runFailoverd(["audit", "query", "--url", url, "--type", "service.started"])
        #expect(remote.status == 0, "\(remote.output)")
        #expect(remote.output.contains(#""type":"service.started""#))
        let remoteVerify = try await runFailoverd(["audit", "verify", "--url", url])
        #expect(remoteVerify.output == "intact, 1 events\n")

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
}
