/// The operator API of a failoverd under test answered something a test helper cannot use, or a wait ran out.
public struct FailoverdAPIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the status and body when there was an answer.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) { self.description = description }
}
