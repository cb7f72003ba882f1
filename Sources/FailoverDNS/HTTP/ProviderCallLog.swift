import Synchronization

/// Collects what one provider operation cost: HTTP attempts and the provider's request identifiers.
final class ProviderCallLog: Sendable {
    private let state = Mutex<(requestIDs: [String], requests: Int)>(([], 0))

    /// Records an answer's request identifier (if any) and the attempts it took.
    func record(requestID: String?, attempts: Int) {
        state.withLock { state in
            if let requestID, !requestID.isEmpty { state.requestIDs.append(requestID) }
            state.requests += attempts
        }
    }

    /// The request identifiers so far, in order.
    var requestIDs: [String] { state.withLock { $0.requestIDs } }
    /// HTTP attempts so far.
    var requestCount: Int { state.withLock { $0.requests } }
}
