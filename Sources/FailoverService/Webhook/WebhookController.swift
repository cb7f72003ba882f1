import Crypto
import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation
import Logging

/// `POST /webhook`: authenticate, validate, store durably with group commit, then answer 200.
///
/// Every refusal changes nothing and says what is wrong: 401 bad credentials, 415 not JSON, 400 not a v4
/// webhook, 503 when the commit failed (Alertmanager then retries). 413 is the server's body cap; credentials,
/// allow-lists and the failure rate limit are checked by the server's admission check (`AccessPolicy.admit`)
/// before the body is read.
struct WebhookController: Sendable {
    let access: AccessPolicy
    let writer: IngestWriter
    let metrics: ServiceMetrics
    let logger: Logger

    func register(in router: inout HTTPRouter) {
        // On the polling thread: decoding is short, a lone webhook's commit is about one fsync, and the wait for a
        // group commit needs no thread at all.
        router.onPollingThread(.post, "/webhook") { request, responder in accept(request, responder) }
    }

    /// Validates and prepares the webhook, hands it to the writer, and answers once it is committed.
    func accept(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let delivery: PreparedDelivery
        let truncated: Int
        let groupKey: String
        do {
            (delivery, truncated, groupKey) = try prepare(request)
        } catch {
            responder.respond(error.response)
            return
        }
        // When the writer is idle the commit runs here, on the polling thread, and the answer is queued when this
        // returns; under concurrency the delivery joins the writer thread's next group commit.
        writer.submit(delivery, committingHereWhenIdle: true) { [metrics, logger] result in
            switch result {
            case .failure(let error) where error.isStorageWide:
                metrics.countWebhook(outcome: "unavailable")
                responder.respond(
                    HTTPError.serviceUnavailable(error.message, reason: error.reason, retryAfterSeconds: 1).response)
            case .failure(let error):
                // This delivery alone failed (the rest of its batch was stored): 500, which Alertmanager retries too.
                metrics.countWebhook(outcome: "failed")
                responder.respond(HTTPError.internalServerError(error.message).response)
            case .success(let receipt):
                metrics.countWebhook(outcome: "accepted")
                metrics.countTruncated(truncated)
                if truncated > 0 {
                    logger.warning(
                        "Alertmanager truncated alerts from a notification (max_alerts)",
                        metadata: ["group_key": "\(groupKey)", "truncated": "\(truncated)"])
                }
                responder.respond {
                    HTTPResponse(
                        status: 200, headers: ["Content-Type": "application/json"],
                        body: Self.acknowledgement(receipt))
                }
            }
        }
    }

    /// The 200 answer: what was stored, per alert the episode and what happened to it.
    static func acknowledgement(_ receipt: IngestReceipt) -> [UInt8] {
        var bytes: [UInt8] = Array(#"{"alerts":["#.utf8)
        bytes.reserveCapacity(64 + receipt.alerts.count * 120)
        for (index, alert) in receipt.alerts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"episode":\#(alert.episodeID),"fingerprint":"#.utf8)
            JSONText.appendQuoted(alert.fingerprint, to: &bytes)
            bytes.append(contentsOf: #","startsAt":"#.utf8)
            JSONText.appendQuoted(alert.startsAt, to: &bytes)
            bytes.append(contentsOf: #","transition":"\#(alert.transition.rawValue)"}"#.utf8)
        }
        bytes.append(contentsOf: #"],"delivery":\#(receipt.deliveryID),"status":"accepted"}"#.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Authenticates, checks the media type, decodes and prepares; every refusal is counted and says why.
    private func prepare(_ request: HTTPRequest) throws(HTTPError) -> (PreparedDelivery, Int, String) {
        let caller: String?
        do {
            // The server's admission check has judged the same credential before the body was read (and counted
            // and logged a refusal); this one only differs when a reload came in between.
            caller = try access.authorizeWebhook(request)
        } catch {
            logger.warning("webhook refused: \(error.message)", metadata: ["remote": "\(request.remoteAddress)"])
            throw error
        }
        guard let mediaType = request.mediaType, mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            metrics.countWebhook(outcome: "unsupported_media_type")
            let sent = request.headers["Content-Type"].map { "\"\($0)\"" } ?? "none"
            throw .unsupportedMediaType("Content-Type must be application/json, got \(sent)")
        }
        let webhook: AlertmanagerWebhook
        do {
            webhook = try AlertmanagerWebhook.decode(request.body)
        } catch {
            metrics.countWebhook(outcome: "bad_request")
            logger.warning(
                "webhook rejected: \(error.message)",
                metadata: ["remote": "\(request.remoteAddress)", "bytes": "\(request.body.count)"])
            throw .badRequest(error.message, reason: error.kind)
        }
        let digest = SHA256.hash(data: request.body).hexadecimal
        let delivery = PreparedDelivery(
            webhook: webhook, body: Data(request.body), bodySHA256: digest,
            receivedAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000), remoteAddress: request.remoteAddress,
            authenticatedAs: caller)
        return (delivery, webhook.truncatedAlerts, webhook.groupKey)
    }
}

extension SHA256Digest {
    /// Lower-case hexadecimal text of the digest.
    var hexadecimal: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256Digest.byteCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
