/// Why the benchmark could not measure: what failed, in words.
struct BenchError: Error, CustomStringConvertible {
    /// The message.
    let description: String

    /// Creates an error with its message.
    init(_ description: String) { self.description = description }
}
