/// A failure of the Alertmanager test harness: a peer that does not start or answer, a cluster that does not form,
/// an expected notification that does not arrive.
public struct AlertmanagerError: Error, CustomStringConvertible {
    /// What failed, with what was seen (the peer's last output, the notifications received so far).
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) { self.description = description }
}

extension AlertmanagerError {
    /// Runs `start` again (up to `attempts` times in all) while it fails because a port it was given was taken in
    /// the moment between the kernel naming it free and the program binding it.
    static func retryingPortClashes<Value>(
        attempts: Int = 3, _ start: () async throws -> Value
    ) async throws -> Value {
        var attempt = 1
        while true {
            do {
                return try await start()
            } catch let error as AlertmanagerError
                where attempt < attempts && "\(error)".contains("address already in use")
            {
                attempt += 1
            }
        }
    }
}
