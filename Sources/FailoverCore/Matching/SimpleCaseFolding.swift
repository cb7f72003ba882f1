/// Unicode simple case folding as RE2 applies it under `(?i)`: two scalars match case-insensitively when they fold
/// to the same scalar (`k`, `K` and the Kelvin sign `K`; `s`, `S` and the long `ſ`), never through a mapping to
/// several scalars (`ß` does not match `ss`).
///
/// Swift's standard library exposes case mappings but not the folding itself; the fold of a scalar is derived from
/// them: a scalar that does not change when case-folded is its own fold (`ı` stays apart from `i`), one whose
/// lowercase is another single scalar folds to it (`K` → `k`), and one that is lowercase already but still folds
/// (`ſ`, `µ`, `ς`, Cherokee small letters) folds through its uppercase (`ſ` → `S` → `s`; `ꭰ` → `Ꭰ`).
enum SimpleCaseFolding {
    /// The scalar `scalar` folds to; equal folds mean a case-insensitive match.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let properties = scalar.properties
        guard properties.changesWhenCaseFolded else { return scalar }
        if let lower = single(properties.lowercaseMapping), lower != scalar { return lower }
        guard let upper = single(properties.uppercaseMapping), upper != scalar else { return scalar }
        if !upper.properties.changesWhenCaseFolded { return upper }
        return single(upper.properties.lowercaseMapping) ?? scalar
    }

    /// Every scalar that folds as `scalar` does, `scalar` included.
    static func orbit(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let key = fold(scalar)
        return orbits[key.value] ?? [scalar]
    }

    /// The scalars of each fold with more than one member, by the fold's value; built at first use, by one pass
    /// over every scalar (only a case-insensitive character class needs it).
    private static let orbits: [UInt32: [Unicode.Scalar]] = {
        var orbits: [UInt32: [Unicode.Scalar]] = [:]
        for value in UInt32(0)...0x10_FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseFolded else { continue }
            let key = fold(scalar)
            guard key != scalar else { continue }
            orbits[key.value, default: [key]].append(scalar)
        }
        return orbits
    }()

    private static func single(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }
}
