import ArgumentParser

/// One `--label NAME=VALUE`: a key label of a runbook and its value (`region=us-east`).
struct KeyLabel: ExpressibleByArgument, Hashable {
    /// The label name.
    var name: String
    /// Its value; may be empty, may contain `=`.
    var value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        name = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
    }

    /// The labels as the API takes them; a repeated name is a validation error.
    static func labels(_ labels: [KeyLabel]) throws -> [String: String] {
        var map: [String: String] = [:]
        for label in labels {
            guard map.updateValue(label.value, forKey: label.name) == nil else {
                throw ValidationError("--label \(label.name) is given twice")
            }
        }
        return map
    }
}
