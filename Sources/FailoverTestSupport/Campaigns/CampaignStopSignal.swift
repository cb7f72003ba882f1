import Synchronization

/// A flag the campaign raises to stop its senders; they look at it before every post and every retry.
final class CampaignStopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    /// Whether it was raised.
    var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Raises it.
    func raise() { raised.store(true, ordering: .releasing) }
}
