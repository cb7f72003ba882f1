import Foundation
import Synchronization

/// The senders' ledger: every webhook posted, every answer, and the delivery id of every acknowledged one (the
/// `delivery` of a 200's body), which must all be in the `deliveries` table at the end.
public final class WebhookLedger: Sendable {
    /// What the ledger counted.
    public struct Figures: Sendable, CustomStringConvertible {
        /// POST requests sent (every retry counts).
        public var sent = 0
        /// Answered 200.
        public var acknowledged = 0
        /// Answered 503 (the service refused to store it: the sender retries).
        public var unavailable = 0
        /// Answered with another status.
        public var otherStatus = 0
        /// No answer: refused connection, reset, or closed before an answer (failoverd was down or killed).
        public var noAnswer = 0
        /// Acknowledged deliveries per kind of notification (`firing`, `duplicate`, `resolved`, `stale`).
        public var acknowledgedByNotice: [String: Int] = [:]

        /// One line.
        public var description: String {
            let kinds = acknowledgedByNotice.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            return "webhooks sent \(sent), acknowledged \(acknowledged) (\(kinds)), 503 \(unavailable), "
                + "other status \(otherStatus), no answer \(noAnswer)"
        }
    }

    private let state = Mutex<(figures: Figures, deliveries: [Int64])>((Figures(), []))

    /// An empty ledger.
    public init() {}

    /// What was counted so far.
    public var figures: Figures { state.withLock { $0.figures } }

    /// The delivery ids of every acknowledged webhook.
    public var acknowledgedDeliveries: [Int64] { state.withLock { $0.deliveries } }

    /// Posts `body` to whichever failoverd runs until it is acknowledged, as Alertmanager retries, or until
    /// `giveUp` says so; returns the answer's status (0 when none came).
    @discardableResult
    public func deliver(
        _ body: AlertmanagerWebhookBody, notice: String, to failoverd: CampaignFailoverd,
        until giveUp: @Sendable () -> Bool
    ) async -> Int {
        let bytes = (try? body.bytes()) ?? []
        while !giveUp() {
            guard let port = failoverd.port else {
                try? await Task.sleep(for: .milliseconds(10))
                continue
            }
            let status = await post(bytes, port: port, notice: notice)
            if status == 200 { return status }
            try? await Task.sleep(for: .milliseconds(status == 0 ? 10 : 50))
        }
        return 0
    }

    /// Posts once and records the answer; returns its status (0 when none came).
    public func post(_ bytes: [UInt8], port: UInt16, notice: String) async -> Int {
        state.withLock { $0.figures.sent += 1 }
        let response = try? await TestHTTP.postJSON(
            port: port, "/webhook", bytes, headers: [("Authorization", "Bearer \(CrashCampaign.webhookToken)")])
        guard let response else {
            state.withLock { $0.figures.noAnswer += 1 }
            return 0
        }
        let delivery = response.status == 200 ? (try? response.json())?["delivery"] as? Int : nil
        state.withLock { state in
            switch response.status {
            case 200:
                state.figures.acknowledged += 1
                state.figures.acknowledgedByNotice[notice, default: 0] += 1
                // A 200 without a readable delivery id is kept as -1: it is reported lost.
                state.deliveries.append(delivery.map(Int64.init) ?? -1)
            case 503: state.figures.unavailable += 1
            default: state.figures.otherStatus += 1
            }
        }
        return response.status
    }
}
