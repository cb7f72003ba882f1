import ArgumentParser

/// How a command that reads the operator API prints: for a person, or the API's JSON for scripts.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned columns and sentences.
    case table
    /// The API's JSON answer, unchanged.
    case json
}
