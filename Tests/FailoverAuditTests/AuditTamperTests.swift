import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

/// The attacks of someone who can write the database file, each done on the real file through a connection of
/// its own, and what verification says: plain, with the public key of the signed heads, and with an anchor saved
/// from the last head.
@Suite("Audit tampering, detected with the public key and an anchor")
struct AuditTamperTests {
    /// A log of 50 events with heads signed at 10, 30 and 50, its key and its head (the anchor an operator saved).
    struct SignedLog {
        let fixture: AuditStoreFixture
        let key: AuditSigningKey
        let anchor: AuditAnchor

        var keys: [AuditVerifyingKey] { [key.verifyingKey] }

        func plain() async throws -> AuditVerification { try await fixture.store.verifyAuditLog(batchSize: 7) }
        func withKey() async throws -> AuditVerification {
            try await fixture.store.verifyAuditLog(batchSize: 7, publicKeys: keys)
        }
        func withAnchor() async throws -> AuditVerification {
            try await fixture.store.verifyAuditLog(batchSize: 7, anchor: anchor)
        }
        func connection() throws -> DatabaseQueue { try fixture.connection() }
    }

    static func signedAt(_ id: Int64) -> AuditChainBreak.Witness {
        .signedHead(signedAtMilliseconds: AuditStoreFixture.base + id)
    }

    /// Appends events `range` (ids `range` + 1) and signs the head.
    static func appendAndSign(_ range: Range<Int>, _ fixture: AuditStoreFixture, _ key: AuditSigningKey) async throws {
        try fixture.append(
            range.map { AuditStoreFixture.draft(.episodeOpened, at: Int64($0), fingerprint: "fp\($0 % 3)") })
        let signed = try await fixture.store.signAuditHead(
            with: key, now: AuditStoreFixture.base + Int64(range.upperBound))
        #expect(signed?.headID == Int64(range.upperBound))
    }

    static func signedLog() async throws -> SignedLog {
        let fixture = try AuditStoreFixture()
        let key = AuditSigningKey.generate()
        for range in [0..<10, 10..<30, 30..<50] { try await appendAndSign(range, fixture, key) }
        // The head did not move: nothing new is signed.
        #expect(try await fixture.store.signAuditHead(with: key, now: AuditStoreFixture.base + 99) == nil)
        let verification = try await fixture.store.verifyAuditLog(publicKeys: [key.verifyingKey])
        #expect(verification.description == "intact, 50 events")
        #expect(verification.signedHead?.headID == 50)
        #expect(verification.eventsAfterSignedHead == 0)
        return SignedLog(fixture: fixture, key: key, anchor: try #require(verification.head))
    }

    @Test("the untouched log verifies with the key and the anchor; the head is reported as an anchor")
    func untouched() async throws {
        let log = try await Self.signedLog()
        defer { log.fixture.close() }
        let both = try await log.fixture.store.verifyAuditLog(batchSize: 3, anchor: log.anchor, publicKeys: log.keys)
        #expect(both.isIntact)
        #expect(both.anchor == log.anchor)
        #expect(both.head == log.anchor)
        #expect(both.report.contains("\nhead 50:\(log.anchor.hash!.hex)\n"))
        #expect(both.json.hasPrefix(#"{"intact":true,"events":50,"first_id":1,"head":{"id":50,"hash":""#))
        // A bare id (from the metric) proves the log still reaches it.
        let bare = try await log.fixture.store.verifyAuditLog(anchor: AuditAnchor(id: 50, hash: nil))
        #expect(bare.isIntact)
    }

    @Test("1. rewriting from a row on with every later hash recomputed: the key and the anchor catch it")
    func rewriteFromRow() async throws {
        let log = try await Self.signedLog()
        defer { log.fixture.close() }
        try AuditTampering.rewrite(log.connection(), from: 20)
        #expect(try await log.plain().isIntact, "every link holds: plain verification cannot tell")
        #expect(
            try await log.withKey().firstBreak == AuditChainBreak(id: 30, kind: .headMismatch(Self.signedAt(30))))
        #expect(try await log.withAnchor().firstBreak == AuditChainBreak(id: 50, kind: .headMismatch(.anchor)))

        // Deleting the signed heads the rewrite contradicts leaves the key proving only up to head 10...
        try log.fixture.tamper("DELETE FROM audit_signed_heads WHERE head_id >= 20")
        let keyOnly = try await log.withKey()
        #expect(keyOnly.isIntact)
        #expect(keyOnly.signedHead?.headID == 10)
        #expect(keyOnly.eventsAfterSignedHead == 40)
        // ...the anchor still catches it, and a head forged without the key does not verify.
        #expect(try await log.withAnchor().firstBreak == AuditChainBreak(id: 50, kind: .headMismatch(.anchor)))
        let forger = AuditSigningKey.generate()
        _ = try await log.fixture.store.signAuditHead(with: forger, now: AuditStoreFixture.base + 60)
        let forged = try await log.withKey().firstBreak
        #expect(forged?.id == 50)
        #expect(forged?.kind.name == "bad_signature", "\(String(describing: forged))")
    }

    @Test("2. editing the last row and its hash: the key and the anchor catch it")
    func lastRowEdit() async throws {
        let log = try await Self.signedLog()
        defer { log.fixture.close() }
        try AuditTampering.editLast(log.connection())
        #expect(try await log.plain().isIntact)
        #expect(
            try await log.withKey().firstBreak == AuditChainBreak(id: 50, kind: .headMismatch(Self.signedAt(50))))
        #expect(try await log.withAnchor().firstBreak == AuditChainBreak(id: 50, kind: .headMismatch(.anchor)))
    }

    @Test("3. cutting the tail and lowering sqlite_sequence: the key and the anchor catch it")
    func tailTruncation() async throws {
        let log = try await Self.signedLog()
        defer { log.fixture.close() }
        try AuditTampering.truncate(log.connection(), after: 40)
        #expect(try await log.plain().description == "intact, 40 events")
        #expect(
            try await log.withKey().firstBreak
                == AuditChainBreak(id: 50, kind: .headMissing(Self.signedAt(50), logEnd: 40)))
        #expect(
            try await log.withAnchor().firstBreak
                == AuditChainBreak(id: 50, kind: .headMissing(.anchor, logEnd: 40)))
    }

    @Test("4. deleting a middle range behind a forged retention checkpoint: plain verification catches it")
    func middleDeletion() async throws {
        let log = try await Self.signedLog()
        defer { log.fixture.close() }
        try AuditTampering.deleteBehindForgedCheckpoint(log.connection(), 20...25)
        let expected = AuditChainBreak(id: 20, kind: .checkpointNotAtStart(checkpointID: 51, first: 20, last: 25))
        #expect(try await log.plain().firstBreak == expected)
        #expect(try await log.withKey().firstBreak == expected)
        #expect(try await log.withAnchor().firstBreak == expected)
        #expect(expected.kind.name == "checkpoint_not_at_start")
    }

    @Test("5. an older copy of the file restored: the anchor catches it, the key alone cannot")
    func rollback() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let key = AuditSigningKey.generate()
        for range in [0..<10, 10..<30] { try await Self.appendAndSign(range, fixture, key) }
        let copy = fixture.directory.file("older.db")
        try AuditTampering.copy(fixture.store.path, to: copy)
        try await Self.appendAndSign(30..<50, fixture, key)
        let anchor = try #require(try await fixture.store.verifyAuditLog().head)
        try fixture.restart { path in try AuditTampering.restore(copy, over: path) }

        let keyOnly = try await fixture.store.verifyAuditLog(publicKeys: [key.verifyingKey])
        #expect(keyOnly.isIntact, "every signature in the older copy is genuine")
        #expect(keyOnly.signedHead?.headID == 30)
        #expect(
            try await fixture.store.verifyAuditLog(anchor: anchor, publicKeys: [key.verifyingKey]).firstBreak
                == AuditChainBreak(id: 50, kind: .headMissing(.anchor, logEnd: 30)))
    }

    @Test("with a public key, a log without signed heads is not proven; a head of another key is refused")
    func unsigned() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        try fixture.append((0..<5).map { AuditStoreFixture.draft(at: Int64($0)) })
        let key = AuditSigningKey.generate()
        #expect(
            try await fixture.store.verifyAuditLog(publicKeys: [key.verifyingKey]).firstBreak
                == AuditChainBreak(id: 5, kind: .noSignedHead))
        _ = try await fixture.store.signAuditHead(with: AuditSigningKey.generate(), now: AuditStoreFixture.base)
        let other = try await fixture.store.verifyAuditLog(publicKeys: [key.verifyingKey])
        #expect(other.firstBreak?.kind.name == "bad_signature")
        #expect(other.description.contains("which is not one of the public keys given"))
    }
}
