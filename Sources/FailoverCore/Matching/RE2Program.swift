/// An ``RE2Node`` tree compiled for Thompson's simulation, which decides whether a whole value matches in time
/// linear in the value's length, as Go's RE2 does: no backtracking, so no regex and value can make a matcher on
/// the ingest path slow (`(a+)+$` against a long run of `a` takes as long as `a+`).
///
/// Matching is over Unicode scalars and needs no ICU. Script classes (`\p{Greek}`) are the exception: the
/// standard library does not know scripts, so a tree that uses one is not compiled here (``init(_:)`` returns nil)
/// and runs on `NSRegularExpression` instead.
struct RE2Program: Sendable {
    enum Instruction: Sendable, Hashable {
        /// Consumes exactly this scalar.
        case scalar(Unicode.Scalar)
        /// Consumes a scalar whose simple case fold is this one.
        case foldedScalar(Unicode.Scalar)
        /// Consumes a scalar of `classes[index]`.
        case characterClass(Int)
        /// Consumes any scalar; `\n` only when `matchesNewline`.
        case anyScalar(matchesNewline: Bool)
        /// Continues when the assertion holds between the previous and the next scalar.
        case assertion(RE2Assertion)
        /// Continues at both.
        case split(Int, Int)
        /// Continues there.
        case jump(Int)
        /// The whole value matched, if the value ends here.
        case match
    }

    /// At most this many instructions: `(a{1000}){1000}` is refused at load rather than compiled to a million.
    static let maximumInstructions = 100_000

    private(set) var instructions: [Instruction] = []
    private(set) var classes: [(RE2CharacterClass, caseInsensitive: Bool)] = []

    /// Compiles `tree`, or returns nil when it uses a script class.
    init?(_ tree: RE2Node) throws(RE2SyntaxError) {
        guard Self.isCompilable(tree) else { return nil }
        try emit(tree)
        instructions.append(.match)
    }

    /// Whether the whole of `value` matches.
    func matches(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        var marks = [Int](repeating: -1, count: instructions.count)
        var current: [Int] = []
        var next: [Int] = []
        var pending: [Int] = []
        current.reserveCapacity(instructions.count)
        next.reserveCapacity(instructions.count)
        var index = scalars.startIndex
        var previous: Unicode.Scalar? = nil
        var upcoming: Unicode.Scalar? = index < scalars.endIndex ? scalars[index] : nil
        var generation = 0
        var matched = false
        follow(
            from: 0, into: &current, previous: nil, upcoming: upcoming, generation: generation, marks: &marks,
            pending: &pending, matched: &matched)
        while let scalar = upcoming {
            if current.isEmpty { return false }
            index = scalars.index(after: index)
            previous = scalar
            upcoming = index < scalars.endIndex ? scalars[index] : nil
            generation += 1
            matched = false
            next.removeAll(keepingCapacity: true)
            for pc in current where consumes(instructions[pc], scalar) {
                follow(
                    from: pc + 1, into: &next, previous: previous, upcoming: upcoming, generation: generation,
                    marks: &marks, pending: &pending, matched: &matched)
            }
            swap(&current, &next)
        }
        return matched
    }

    /// Adds the consuming instructions reachable from `start` without consuming to `list`; notes whether `match`
    /// is reachable at the end of the value.
    private func follow(
        from start: Int, into list: inout [Int], previous: Unicode.Scalar?, upcoming: Unicode.Scalar?,
        generation: Int, marks: inout [Int], pending: inout [Int], matched: inout Bool
    ) {
        pending.append(start)
        while let pc = pending.popLast() {
            guard marks[pc] != generation else { continue }
            marks[pc] = generation
            switch instructions[pc] {
            case .jump(let target):
                pending.append(target)
            case .split(let first, let second):
                pending.append(second)
                pending.append(first)
            case .assertion(let assertion):
                if Self.holds(assertion, previous: previous, upcoming: upcoming) { pending.append(pc + 1) }
            case .match:
                if upcoming == nil { matched = true }
            case .scalar, .foldedScalar, .characterClass, .anyScalar:
                list.append(pc)
            }
        }
    }

    private func consumes(_ instruction: Instruction, _ scalar: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let expected): scalar == expected
        case .foldedScalar(let fold): SimpleCaseFolding.fold(scalar) == fold
        case .characterClass(let index):
            classes[index].0.contains(scalar, caseInsensitive: classes[index].caseInsensitive)
        case .anyScalar(let matchesNewline): matchesNewline || scalar != "\n"
        case .assertion, .split, .jump, .match: false
        }
    }

    private static func holds(_ assertion: RE2Assertion, previous: Unicode.Scalar?, upcoming: Unicode.Scalar?) -> Bool {
        switch assertion {
        case .beginningOfText: return previous == nil
        case .endOfText: return upcoming == nil
        case .beginningOfLine: return previous == nil || previous == "\n"
        case .endOfLine: return upcoming == nil || upcoming == "\n"
        case .wordBoundary, .notWordBoundary:
            let boundary = isWord(previous) != isWord(upcoming)
            return (assertion == .wordBoundary) == boundary
        }
    }

    /// RE2's `\b` knows ASCII word characters only.
    private static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return RE2ASCIIClass.word.contains(scalar)
    }

    // MARK: - Compilation

    private static func isCompilable(_ node: RE2Node) -> Bool {
        switch node {
        case .empty, .literal, .anyScalar, .assertion: true
        case .characterClass(let characterClass, _): characterClass.isDecidableWithoutICU
        case .concatenation(let parts), .alternation(let parts): parts.allSatisfy(isCompilable)
        case .repetition(let inner, _, _, _), .group(let inner): isCompilable(inner)
        }
    }

    private mutating func append(_ instruction: Instruction) throws(RE2SyntaxError) -> Int {
        guard instructions.count < Self.maximumInstructions else {
            throw RE2SyntaxError(
                offset: 0,
                message: "the regex is too large once its repetitions are expanded (more than "
                    + "\(Self.maximumInstructions) steps); write it with fewer or smaller counted repetitions")
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RE2Node) throws(RE2SyntaxError) {
        switch node {
        case .empty:
            break
        case .literal(let scalar, let caseInsensitive):
            _ = try append(caseInsensitive ? .foldedScalar(SimpleCaseFolding.fold(scalar)) : .scalar(scalar))
        case .characterClass(let characterClass, let caseInsensitive):
            classes.append((characterClass, caseInsensitive))
            _ = try append(.characterClass(classes.count - 1))
        case .anyScalar(let matchesNewline):
            _ = try append(.anyScalar(matchesNewline: matchesNewline))
        case .assertion(let assertion):
            _ = try append(.assertion(assertion))
        case .concatenation(let parts):
            for part in parts { try emit(part) }
        case .group(let inner):
            try emit(inner)
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index == branches.count - 1 {
                    try emit(branch)
                } else {
                    let split = try append(.split(0, 0))
                    try emit(branch)
                    jumpsToEnd.append(try append(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                }
            }
            for jump in jumpsToEnd { instructions[jump] = .jump(instructions.count) }
        case .repetition(let inner, let minimum, let maximum, _):
            // Greedy and lazy repetitions match the same whole values; only the order of threads differs.
            for _ in 0..<minimum { try emit(inner) }
            if let maximum {
                var splitsToEnd: [Int] = []
                for _ in minimum..<maximum {
                    splitsToEnd.append(try append(.split(0, 0)))
                    try emit(inner)
                }
                for split in splitsToEnd { instructions[split] = .split(split + 1, instructions.count) }
            } else {
                let split = try append(.split(0, 0))
                try emit(inner)
                _ = try append(.jump(split))
                instructions[split] = .split(split + 1, instructions.count)
            }
        }
    }
}
