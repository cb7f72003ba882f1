/// A failure of the Alertmanager test harness: a peer that does not start or answer, a cluster that does not form,
/// an expected notification that does not arrive.
public struct AlertmanagerError: Error, CustomStringConvertible {
    /// What failed, with what was seen (the peer's last output, the notifications received so far).
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) { self.description = description }
}
