import FailoverHTTPServer

/// `POST /-/reload` (admin credential): reads the configuration file again, as SIGHUP does.
///
/// 200 with the outcome when the new configuration is in force; 422 with the outcome (its `error` names the
/// problems) when it is invalid or a secret it names cannot be read, and the previous one stays in force; 409 when
/// the service was started without a configuration file.
struct ReloadController: Sendable {
    let access: AccessPolicy
    let reload: @Sendable (_ requestedBy: String) async -> ConfigurationReloadOutcome
    let canReload: Bool

    func register(in router: inout HTTPRouter) {
        router.on(.post, "/-/reload") { request in try await reload(request) }
    }

    func reload(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let actor = try access.authorizeAdmin(request)
        _ = try QueryParameters(request, allowed: [])
        guard canReload else {
            throw .conflict(
                "the service was started without --config.file: there is no configuration to reload")
        }
        let outcome = await reload(actor)
        do {
            return try .json(outcome, status: outcome.succeeded ? 200 : 422)
        } catch {
            throw .internalServerError("cannot encode the reload outcome: \(error)")
        }
    }
}
