import FailoverHTTPServer

/// Which credential opens which door: the webhook credential posts webhooks, the read credential reads the API.
///
/// A credential that is valid but for the other door gets 403 (it authenticated, it is not allowed here);
/// missing or wrong credentials get 401 with the challenge of the door asked for.
struct AccessPolicy: Sendable {
    let webhook: CallerAuthenticator
    let read: CallerAuthenticator

    /// Admits a read of the operator API; returns who was admitted, `nil` when reads are open.
    func authorizeRead(_ request: HTTPRequest) throws(HTTPError) -> String? {
        do {
            return try read.authenticate(request)
        } catch {
            if !webhook.isOpen, (try? webhook.authenticate(request)) != nil {
                throw .forbidden(
                    "this credential may post webhooks, not read the API: use the server.auth.read credentials")
            }
            throw error
        }
    }

    /// Admits a webhook; returns who was admitted, `nil` when the webhook is open.
    func authorizeWebhook(_ request: HTTPRequest) throws(HTTPError) -> String? {
        do {
            return try webhook.authenticate(request)
        } catch {
            if !read.isOpen, (try? read.authenticate(request)) != nil {
                throw .forbidden(
                    "this credential may read the API, not post webhooks: use the server.auth.webhook credentials")
            }
            throw error
        }
    }
}
