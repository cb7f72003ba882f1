import FailoverCore
import Testing

@Suite("Timestamp: RFC 3339 as Alertmanager writes it")
struct TimestampTests {
    @Test(
        "parses every fraction length Alertmanager sends",
        arguments: [
            ("2026-11-21T16:37:18Z", 1_795_279_038, 0),
            ("2026-11-21T16:37:18.4Z", 1_795_279_038, 400_000_000),
            ("2026-11-21T16:37:18.416Z", 1_795_279_038, 416_000_000),
            ("2026-11-21T16:37:15.72Z", 1_795_279_035, 720_000_000),
            ("2026-11-21T16:37:18.123456789Z", 1_795_279_038, 123_456_789),
            ("2026-11-21T16:37:18.000001Z", 1_795_279_038, 1000),
        ])
    func parsesFractions(text: String, seconds: Int64, nanos: Int32) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.secondsSinceEpoch == seconds)
        #expect(timestamp.nanoseconds == nanos)
    }

    @Test("offsets are converted to UTC")
    func offsets() throws {
        let utc = try #require(Timestamp(rfc3339: "2026-11-21T16:37:18.5Z"))
        #expect(Timestamp(rfc3339: "2026-11-21T18:37:18.5+02:00") == utc)
        #expect(Timestamp(rfc3339: "2026-11-21T11:07:18.5-05:30") == utc)
        #expect(Timestamp(rfc3339: "2026-11-21t16:37:18.5z") == utc)
    }

    @Test("Go's zero time is recognised")
    func goZero() throws {
        let zero = try #require(Timestamp(rfc3339: "0001-01-01T00:00:00Z"))
        #expect(zero.isGoZero)
        #expect(zero.rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp(secondsSinceEpoch: 0))
    }

    @Test(
        "canonical form trims fraction zeros and always uses Z",
        arguments: [
            ("2026-11-21T16:37:18.410Z", "2026-11-21T16:37:18.41Z"),
            ("2026-11-21T16:37:18.000Z", "2026-11-21T16:37:18Z"),
            ("2024-02-29T23:59:59.999999999+00:00", "2024-02-29T23:59:59.999999999Z"),
            ("2000-03-01T00:30:00+01:00", "2000-02-29T23:30:00Z"),
            ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"),
        ])
    func canonical(input: String, expected: String) throws {
        #expect(try #require(Timestamp(rfc3339: input)).rfc3339 == expected)
    }

    @Test(
        "rejects what is not RFC 3339",
        arguments: [
            "", "2026-11-21", "2026-11-21 16:37:18Z", "2026-11-21T16:37:18", "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T16:60:00Z",
            "2026-11-21T16:37:60Z", "2026-11-21T16:37:18.Z", "2026-11-21T16:37:18.1234567890Z",
            "2026-11-21T16:37:18+0200", "2026-11-21T16:37:18Zjunk", "2O26-11-21T16:37:18Z", "2026-11-21T16:37:18+25:00",
        ])
    func rejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("ordering follows the instant")
    func ordering() throws {
        let early = try #require(Timestamp(rfc3339: "2026-11-21T16:37:18.1Z"))
        let late = try #require(Timestamp(rfc3339: "2026-11-21T16:37:18.2Z"))
        #expect(early < late)
        #expect(late.millisecondsSinceEpoch - early.millisecondsSinceEpoch == 100)
    }
}

@Suite("Timestamp: HTTP dates")
struct HTTPDateTests {
    @Test("IMF-fixdate parses to the instant")
    func parses() throws {
        let date = try #require(Timestamp(httpDate: "Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.rfc3339 == "1994-11-06T08:49:37Z")
        #expect(Timestamp(httpDate: "Sat, 21 Nov 2026 16:37:18 GMT")?.secondsSinceEpoch == 1_795_279_038)
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "120", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
        ])
    func refuses(text: String) {
        #expect(Timestamp(httpDate: text) == nil)
    }
}
