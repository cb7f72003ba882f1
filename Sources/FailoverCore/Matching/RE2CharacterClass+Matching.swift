extension RE2CharacterClass {
    /// Whether the class can be decided from the standard library's Unicode data: everything but script classes
    /// (`\p{Greek}`), which only ICU knows.
    var isDecidableWithoutICU: Bool {
        items.allSatisfy { item in
            guard case .unicode(let name, _) = item else { return true }
            return name == "Any" || RE2UnicodeClassNames.generalCategories.contains(name)
        }
    }

    /// Whether `scalar` is in the class. Under `(?i)` RE2 closes every member over case folding before it negates
    /// (`(?i)[^k]` excludes `K` and the Kelvin sign; `(?i)\W` excludes `ſ`), so a member matches when any scalar
    /// of `scalar`'s fold does.
    func contains(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        let candidates = caseInsensitive ? SimpleCaseFolding.orbit(of: scalar) : [scalar]
        let inUnion = items.contains { item in
            switch item {
            case .range(let lower, let upper):
                return candidates.contains { lower <= $0 && $0 <= upper }
            case .ascii(let asciiClass, let negated):
                return candidates.contains { asciiClass.contains($0) } != negated
            case .unicode(let name, let negated):
                return candidates.contains { Self.unicodeClass(name, contains: $0) } != negated
            }
        }
        return inUnion != negated
    }

    /// Whether a general category (`L`, `Lu`, ...) or `Any` holds `scalar`.
    static func unicodeClass(_ name: String, contains scalar: Unicode.Scalar) -> Bool {
        if name == "Any" { return true }
        let code = scalar.properties.generalCategory.code
        // Go's one-letter `C` is control, format, private use and surrogate: unassigned scalars are outside it.
        if name == "C" { return code == "Cc" || code == "Cf" || code == "Co" || code == "Cs" }
        return name.count == 1 ? code.hasPrefix(name) : code == name
    }
}

extension RE2ASCIIClass {
    /// Whether `scalar` is one of the class's ASCII scalars.
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) }
    }
}

extension Unicode.GeneralCategory {
    /// The two-letter code (`Lu`, `Nd`, `Cn`, ...).
    var code: String {
        switch self {
        case .uppercaseLetter: "Lu"
        case .lowercaseLetter: "Ll"
        case .titlecaseLetter: "Lt"
        case .modifierLetter: "Lm"
        case .otherLetter: "Lo"
        case .nonspacingMark: "Mn"
        case .spacingMark: "Mc"
        case .enclosingMark: "Me"
        case .decimalNumber: "Nd"
        case .letterNumber: "Nl"
        case .otherNumber: "No"
        case .connectorPunctuation: "Pc"
        case .dashPunctuation: "Pd"
        case .openPunctuation: "Ps"
        case .closePunctuation: "Pe"
        case .initialPunctuation: "Pi"
        case .finalPunctuation: "Pf"
        case .otherPunctuation: "Po"
        case .mathSymbol: "Sm"
        case .currencySymbol: "Sc"
        case .modifierSymbol: "Sk"
        case .otherSymbol: "So"
        case .spaceSeparator: "Zs"
        case .lineSeparator: "Zl"
        case .paragraphSeparator: "Zp"
        case .control: "Cc"
        case .format: "Cf"
        case .surrogate: "Cs"
        case .privateUse: "Co"
        case .unassigned: "Cn"
        @unknown default: "Cn"
        }
    }
}
