import FailoverFuzzTargets
import FailoverTestSupport
import Foundation
import Testing

/// The short fuzz run of `make test`: every seed and every kept crasher of `Tests/Fixtures/fuzz/TARGET`, then a
/// bounded number of mutations of them from a fixed seed. `make fuzz` runs the long, coverage-guided version.
@Suite("Fuzz targets: corpora and a short mutation run")
struct FuzzCorpusTests {
    static let mutationsPerTarget = 1_000

    static func corpus(of target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let folder = PackagePaths.fixtures + "/fuzz/" + target.name
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))))
        }
    }

    /// Runs `inputs` through `target` on a thread of its own: a target may block its thread while it waits for
    /// async code (the provider target does), which on Swift's pool, two threads on two cores, would starve it.
    static func findings(of target: FuzzTarget, _ inputs: [(label: String, bytes: [UInt8])]) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread {
                var findings: [String] = []
                for (label, bytes) in inputs {
                    do {
                        try target.run(bytes)
                    } catch {
                        findings.append("\(label): \(error)")
                    }
                }
                continuation.resume(returning: findings)
            }.start()
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func seedsAndCrashersKeepEveryProperty(name: String) async throws {
        let target = try #require(FuzzTarget.named(name))
        let corpus = try Self.corpus(of: target)
        #expect(!corpus.isEmpty, "Tests/Fixtures/fuzz/\(name) has no seeds")
        #expect(await Self.findings(of: target, corpus.map { ($0.name, $0.bytes) }) == [])
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func mutationsKeepEveryProperty(name: String) async throws {
        let target = try #require(FuzzTarget.named(name))
        let seeds = try Self.corpus(of: target).map(\.bytes)
        var mutator = InputMutator(seed: 0xF0_22ED, dictionary: InputMutator.dictionary(for: name))
        let inputs = (0..<Self.mutationsPerTarget).map { round in
            let input = mutator.mutate(seeds[round % seeds.count], splicingWith: seeds[(round * 7 + 3) % seeds.count])
            return (input.map { String(format: "%02x", $0) }.joined(), input)
        }
        let findings = await Self.findings(of: target, inputs)
        #expect(findings.isEmpty, "\(findings.prefix(3))")
    }
}

/// Byte-level mutations in the manner of libFuzzer's (flip, insert, erase, repeat, splice, dictionary tokens),
/// deterministic for a seed so that a failure reproduces on every run.
struct InputMutator {
    private var state: UInt64
    private let dictionary: [[UInt8]]

    init(seed: UInt64, dictionary: [String]) {
        state = seed
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    /// Tokens that the parsers give meaning to, so mutations reach past the first syntax check.
    static func dictionary(for target: String) -> [String] {
        switch target {
        case "webhook":
            ["\"alerts\"", "\"status\"", "\"firing\"", "\"resolved\"", "\"labels\"", "null", "\\u0000", "1e309"]
        case "matcher": ["=~", "!~", "!=", "\\p{", "(?i)", "{1000}", "[^", "\\x", "\\u"]
        case "template": ["{{", "}}", "labels.", "annotations.", "execution_id", "incident_id", "\u{0}"]
        case "config": ["runbooks:", "steps:", "- dns:", "match:", "&a", "*a", "!!binary", ": |", "\n  "]
        case "audit-query": ["since=", "until=", "limit=", "cursor=", "&", "=", "-1h", "9999999999999"]
        default: ["null", "\"data\"", "\"pages\"", "\"links\"", "\"next\"", "\"errors\"", "{}", "[]"]
        }
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    mutating func mutate(_ seed: [UInt8], splicingWith other: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            let position = below(bytes.count + 1)
            switch below(6) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1:
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + below(16))
                bytes.removeSubrange(min(position, bytes.count - 1)..<end)
            case 3 where !bytes.isEmpty:
                let start = min(position, bytes.count - 1)
                let piece = bytes[start..<min(bytes.count, start + 1 + below(8))]
                bytes.insert(contentsOf: Array(repeating: Array(piece), count: 1 + below(64)).joined(), at: start)
            case 4 where !other.isEmpty:
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(64))], at: position)
            default:
                bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: position)
            }
        }
        return bytes
    }
}
