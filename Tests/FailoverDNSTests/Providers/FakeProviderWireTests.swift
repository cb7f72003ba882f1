import FailoverHTTPClient
import FailoverTestSupport
import Testing

/// The fakes answer in the recorded wire shape, checked byte for byte with the raw client.
@Suite("Fake providers' wire shape", .timeLimit(.minutes(1)))
struct FakeProviderWireTests {
    func fetch(
        _ fake: FakeDNSProviderServer, _ method: HTTPClientRequest.Method, _ path: String, token: String?,
        headers: HTTPClientHeaders = [:], body: String? = nil
    ) async throws -> HTTPClientResponse {
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(retryPolicy: HTTPRetryPolicy(maxAttempts: 1)),
            logger: LogRecorder().logger())
        return try await client.execute(
            HTTPClientRequest(
                method: method, url: fake.baseURL + path, headers: headers, body: body.map { Array($0.utf8) },
                bearerToken: token.map(BearerToken.init)))
    }

    func text(_ response: HTTPClientResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    /// Starts a fake, runs `body`, and stops the fake whatever happens.
    func withFake(
        _ flavor: FakeDNSProviderServer.Flavor, _ body: (FakeDNSProviderServer) async throws -> Void
    )
        async throws
    {
        let fake = FakeDNSProviderServer(flavor: flavor, token: "t", logger: LogRecorder().logger())
        try fake.start()
        do {
            try await body(fake)
            await fake.stop()
        } catch {
            await fake.stop()
            throw error
        }
    }

    @Test func linodeShapes() async throws {
        try await withFake(.linode) { fake in
            let zone = fake.addZone("example.com")
            let id = fake.addRecord(zone: "example.com", name: "a", type: "A", target: "127.0.0.1")
            let record = try await fetch(fake, .get, "/domains/\(zone)/records/\(id)", token: "t")
            #expect(
                text(record) == #"{"id":\#(id),"type":"A","name":"a","target":"127.0.0.1","priority":0,"weight":0,"#
                    + #""port":0,"service":null,"protocol":null,"ttl_sec":0,"tag":null,"#
                    + #""created":"2018-01-02T03:04:05","updated":"2018-01-02T03:04:05"}"#)
            #expect(record.headers["Content-Type"] == "application/json")
            #expect(record.headers["X-RateLimit-Limit"] == "400")
            #expect(record.headers["Retry-After"] != nil)  // as on 2018 200s
            let unknown = try await fetch(
                fake, .get, "/domains", token: "t", headers: ["X-Filter": #"{"domain":"nope.com"}"#])
            #expect(text(unknown) == #"{"data":[],"page":1,"pages":1,"results":0}"#)
            let unauthorized = try await fetch(fake, .get, "/domains", token: "wrong")
            #expect(unauthorized.status == 401)
            #expect(text(unauthorized) == #"{"errors":[{"reason":"Invalid Token"}]}"#)
            let deleted = try await fetch(fake, .delete, "/domains/\(zone)/records/\(id)", token: "t")
            #expect(deleted.status == 200)
            #expect(text(deleted) == "{}")
            fake.inject(.rateLimited(retryAfterSeconds: 9))
            let limited = try await fetch(fake, .get, "/domains", token: "t")
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "9")
            #expect(limited.headers["x-ratelimit-remaining"] == "0")
        }
    }

    @Test func digitalOceanShapes() async throws {
        try await withFake(.digitalOcean) { fake in
            fake.addZone("example.com")
            let id = fake.addRecord(
                zone: "example.com", name: "updated.test", type: "TXT", target: "challengetoken", ttl: 3600)
            let record = try await fetch(fake, .get, "/v2/domains/example.com/records/\(id)", token: "t")
            #expect(
                text(record)
                    == #"{"domain_record":{"id":\#(id),"type":"TXT","name":"updated.test","data":"challengetoken","#
                    + #""priority":null,"port":null,"ttl":3600,"weight":null,"flags":null,"tag":null}}"#)
            #expect(record.headers["content-type"] == "application/json; charset=utf-8")
            #expect(record.headers["ratelimit-limit"] == "5000")
            #expect(record.headers["x-request-id"] != nil)
            let missing = try await fetch(fake, .get, "/v2/domains/thisisadomainidonotown.com", token: "t")
            #expect(missing.status == 404)
            #expect(
                text(missing) == #"{"id":"not_found","message":"The resource you were accessing could not be found."}"#)
            let unauthorized = try await fetch(fake, .get, "/v2/domains/example.com", token: nil)
            #expect(text(unauthorized) == #"{"id":"unauthorized","message":"Unable to authenticate you."}"#)
            let noDot = try await fetch(
                fake, .post, "/v2/domains/example.com/records", token: "t",
                headers: ["Content-Type": "application/json"],
                body: #"{"type":"CNAME","name":"docs","data":"x.example.net"}"#)
            #expect(noDot.status == 422)
            #expect(text(noDot) == #"{"id":"unprocessable_entity","message":"Data needs to end with a dot (.)"}"#)
            fake.setMaxPageSize(2)
            let page1 = try await fetch(fake, .get, "/v2/domains/example.com/records", token: "t")
            #expect(text(page1).contains(#""links":{"pages":{"last":"#))
            #expect(text(page1).contains(#""meta":{"total":5}"#))  // SOA, 3 NS, TXT
            let deleted = try await fetch(fake, .delete, "/v2/domains/example.com/records/\(id)", token: "t")
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
        }
    }
}
