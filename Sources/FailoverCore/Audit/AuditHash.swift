import Crypto

/// A SHA-256 value of the audit hash chain: `hash = SHA-256(previous hash ‖ canonical encoding of the event)`,
/// where `‖` concatenates the previous hash's 32 raw bytes and the event's canonical UTF-8 bytes, and the first
/// event's previous hash is ``genesis`` (32 zero bytes).
///
/// Hashing lives in the core, with swift-crypto, because it is pure computation: the chain can be built and
/// verified from values alone, in unit tests, without a database; the store only moves rows. The value is four
/// words, not an array, so that appending an event allocates nothing for it.
public struct AuditHash: Sendable, Hashable, CustomStringConvertible {
    // The 32 bytes as four big-endian words.
    private var word0: UInt64
    private var word1: UInt64
    private var word2: UInt64
    private var word3: UInt64

    private init(_ word0: UInt64, _ word1: UInt64, _ word2: UInt64, _ word3: UInt64) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// The previous hash of the first event ever recorded: 32 zero bytes.
    public static let genesis = AuditHash(0, 0, 0, 0)

    /// A hash from exactly 32 bytes; `nil` for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        func word(_ offset: Int) -> UInt64 {
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        self.init(word(0), word(8), word(16), word(24))
    }

    /// A hash from exactly 32 bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard let hash = bytes.withUnsafeBytes({ AuditHash(bytes: $0) }) else { return nil }
        self = hash
    }

    /// A hash from 64 hex digits (either case).
    public init(hex: some StringProtocol) throws(AuditFormatError) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { throw .hash(String(hex)) }
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in 0..<64 {
            let byte = digits[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw .hash(String(hex))
            }
            bytes[index / 2] |= index % 2 == 0 ? nibble << 4 : nibble
        }
        self = AuditHash(bytes: bytes)!
    }

    /// Calls `body` with the 32 raw bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var words = (word0.bigEndian, word1.bigEndian, word2.bigEndian, word3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words) { try body($0) }
    }

    /// The 32 raw bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lower-case hex, 64 digits.
    public var hex: String {
        var text: [UInt8] = []
        appendHex(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends the 64 lower-case hex digits.
    func appendHex(to out: inout [UInt8]) {
        withUnsafeBytes { bytes in
            for byte in bytes {
                out.append(Self.hexDigit(byte >> 4))
                out.append(Self.hexDigit(byte & 0x0F))
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Lower-case hex.
    public var description: String { hex }

    /// The next link: SHA-256 of `previous`'s 32 bytes followed by `canonicalEncoding`.
    public static func chaining(previous: AuditHash, canonicalEncoding: UnsafeRawBufferPointer) -> AuditHash {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: canonicalEncoding)
        return hasher.finalize().withUnsafeBytes { AuditHash(bytes: $0)! }
    }

    /// The next link: SHA-256 of `previous`'s 32 bytes followed by `canonicalEncoding`.
    public static func chaining(previous: AuditHash, canonicalEncoding: [UInt8]) -> AuditHash {
        canonicalEncoding.withUnsafeBytes { chaining(previous: previous, canonicalEncoding: $0) }
    }
}
