import Foundation

/// The PEM armour of the two key files failoverd reads: one `-----BEGIN label-----` block of base64 DER.
///
/// Only what `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write is accepted: the DER of an
/// Ed25519 key has a fixed layout (a fixed prefix, then the 32 key bytes), so it is compared byte by byte instead of
/// parsed as general ASN.1.
enum AuditPEM {
    /// PKCS#8 `PrivateKeyInfo` of an Ed25519 key, up to the 32 key bytes: version 0, algorithm 1.3.101.112, an
    /// OCTET STRING holding an OCTET STRING of 32 bytes.
    static let privateKeyPrefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]
    /// `SubjectPublicKeyInfo` of an Ed25519 key, up to the 32 key bytes: algorithm 1.3.101.112, a BIT STRING
    /// with no unused bits.
    static let publicKeyPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The two kinds of key file: their PEM label, the DER before the 32 key bytes, and their name in errors.
    enum Block {
        case privateKey
        case publicKey

        var label: String { self == .privateKey ? "PRIVATE KEY" : "PUBLIC KEY" }
        var prefix: [UInt8] { self == .privateKey ? privateKeyPrefix : publicKeyPrefix }
        var kind: String { self == .privateKey ? "private key" : "public key" }

        /// The key in the only block of this kind in `text`: its 32 bytes, given to `make`.
        func read<Key>(_ text: String, _ make: ([UInt8]) throws -> Key) throws(AuditKeyError) -> Key {
            let raw = try keyBytes(try der(text, label: label), prefix: prefix, kind: kind)
            do {
                return try make(raw)
            } catch {
                throw .rejected(String(describing: error))
            }
        }

        /// The 32 key bytes as this kind's PEM file.
        func encode(_ raw: [UInt8]) -> String { AuditPEM.encode(prefix + raw, label: label) }
    }

    /// The DER inside the only `label` block of `text`.
    static func der(_ text: String, label: String) throws(AuditKeyError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var body: String?
        var inside = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line == begin {
                guard body == nil else { throw .notPEM(expected: label) }
                body = ""
                inside = true
            } else if line == end {
                guard inside else { throw .notPEM(expected: label) }
                inside = false
            } else if inside {
                body? += line
            }
        }
        guard let body, !inside, let data = Data(base64Encoded: body) else { throw .notPEM(expected: label) }
        return [UInt8](data)
    }

    /// The 32 key bytes after `prefix`, when `der` is exactly `prefix` and 32 bytes.
    static func keyBytes(_ der: [UInt8], prefix: [UInt8], kind: String) throws(AuditKeyError) -> [UInt8] {
        guard der.count == prefix.count + 32, der.starts(with: prefix) else {
            throw .notEd25519(kind, length: der.count)
        }
        return Array(der[prefix.count...])
    }

    /// `bytes` as a PEM block, 64 base64 characters a line.
    static func encode(_ bytes: [UInt8], label: String) -> String {
        let base64 = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
