import FailoverCore
import FailoverHTTPClient
import Foundation
import Logging

/// The running service's operator API as the commands call it: reads with the read token, actions with the admin
/// token, and every refusal turned into a message that says what to do.
///
/// Tokens come from the environment, never from flags (which other users can see in the process list):
/// `FAILOVERD_ADMIN_TOKEN` for actions; `FAILOVERD_READ_TOKEN` for reads, or the admin token when it is not set.
struct OperatorAPIClient {
    /// Which credential a request needs.
    enum Access {
        /// `server.auth.read` (the admin credential also reads).
        case read
        /// `server.auth.admin`.
        case admin
    }

    /// The variable holding the `server.auth.admin` bearer token.
    static let adminTokenVariable = "FAILOVERD_ADMIN_TOKEN"
    /// The variable holding the `server.auth.read` bearer token.
    static let readTokenVariable = "FAILOVERD_READ_TOKEN"

    /// The base URL, without a trailing slash.
    let baseURL: String
    private let environment: [String: String]
    private let client: HTTPClient

    /// A client of the API at `baseURL`, with tokens from `environment`.
    init(baseURL: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.baseURL = baseURL
        self.environment = environment
        // Reads are retried once; actions only when the connection was never made (see HTTPRetrySafety).
        client = HTTPClient(
            configuration: HTTPClientConfiguration(retryPolicy: HTTPRetryPolicy(maxAttempts: 2)),
            logger: Logger(label: "failoverd-cli", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// The token sent for `access` and the variable it came from; `nil` when none is set.
    func credential(for access: Access) -> (variable: String, token: String)? {
        let variables =
            access == .admin ? [Self.adminTokenVariable] : [Self.readTokenVariable, Self.adminTokenVariable]
        for variable in variables {
            if let token = environment[variable], !token.isEmpty { return (variable, token) }
        }
        return nil
    }

    /// `text` escaped for one path segment or query value: everything but letters, digits and `-._~`.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    /// GETs `path` with the read credential; the body of a 200 answer.
    func get(_ path: String) async throws -> [UInt8] {
        try await send(.get, path, body: nil, access: .read)
    }

    /// POSTs `body` as JSON to `path` with the admin credential; the body of a 2xx answer.
    func post(_ path: String, body: some Encodable) async throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try await send(.post, path, body: Array(try encoder.encode(body)), access: .admin)
    }

    /// Decodes an answer of the API.
    func decode<Value: Decodable>(_ type: Value.Type, from body: [UInt8]) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw CommandFailure("\(baseURL) answered JSON this failoverd does not understand: \(error)")
        }
    }

    private func send(
        _ method: HTTPClientRequest.Method, _ path: String, body: [UInt8]?, access: Access
    ) async throws -> [UInt8] {
        let credential = credential(for: access)
        let request = HTTPClientRequest(
            method: method, url: baseURL + path,
            headers: body == nil ? [:] : ["Content-Type": "application/json"], body: body,
            bearerToken: credential.map { BearerToken($0.token) })
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw CommandFailure(
                "cannot reach failoverd at \(baseURL): \(error.message) (is failoverd serve running there? "
                    + "--url or --config.file say where it listens)")
        }
        guard response.isSuccess else {
            throw failure(response, access: access, credential: credential?.variable)
        }
        return response.body
    }

    /// The message for a refusal: the API's own, and for 401 and 403 which token to set.
    func failure(_ response: HTTPClientResponse, access: Access, credential variable: String?) -> CommandFailure {
        guard let answer = try? JSONDecoder().decode(APIErrorAnswer.self, from: Data(response.body)) else {
            return CommandFailure("\(baseURL) answered \(response.status): \(response.bodyPrefix())")
        }
        let needed =
            access == .admin
            ? "actions need the server.auth.admin bearer token in \(Self.adminTokenVariable)"
            : "reads need the server.auth.read (or admin) bearer token in \(Self.readTokenVariable) "
                + "(or \(Self.adminTokenVariable))"
        switch response.status {
        case 401:
            let sent = variable.map { "the token in \($0) was not accepted" } ?? "no token is set"
            return CommandFailure("\(answer.message) (401): \(needed); \(sent)")
        case 403:
            return CommandFailure(
                "\(answer.message) (403): \(needed); \(variable ?? "the token") holds another credential")
        default:
            return CommandFailure("\(answer.message) (\(response.status) \(answer.error))")
        }
    }
}

/// The API's error body: `{"error": "<reason>", "message": "<text>"}`.
private struct APIErrorAnswer: Decodable {
    var error: String
    var message: String
}
