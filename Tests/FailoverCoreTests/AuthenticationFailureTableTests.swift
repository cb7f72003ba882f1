import FailoverCore
import Testing

@Suite("Failed authentications per address")
struct AuthenticationFailureTableTests {
    let start = ContinuousClock.now

    @Test("an address is refused after the maximum failures, until its window ends")
    func refusesUntilTheWindowEnds() {
        var table = AuthenticationFailureTable(maximumFailures: 3, window: .seconds(60))
        for second in 0..<3 {
            #expect(table.retryAfter("192.0.2.1", now: start.advanced(by: .seconds(second))) == nil)
            table.recordFailure("192.0.2.1", now: start.advanced(by: .seconds(second)))
        }
        #expect(table.retryAfter("192.0.2.1", now: start.advanced(by: .seconds(10))) == .seconds(50))
        #expect(table.retryAfter("192.0.2.2", now: start.advanced(by: .seconds(10))) == nil)
        #expect(table.retryAfter("192.0.2.1", now: start.advanced(by: .seconds(60))) == nil)
        // A failure after the window opens a new one.
        table.recordFailure("192.0.2.1", now: start.advanced(by: .seconds(61)))
        #expect(table.retryAfter("192.0.2.1", now: start.advanced(by: .seconds(62))) == nil)
    }

    @Test("the table never holds more addresses than its capacity, expired ones go first, then the oldest")
    func bounded() {
        var table = AuthenticationFailureTable(maximumFailures: 1, window: .seconds(10), capacity: 3)
        table.recordFailure("a", now: start)
        table.recordFailure("b", now: start.advanced(by: .seconds(5)))
        table.recordFailure("c", now: start.advanced(by: .seconds(6)))
        table.recordFailure("d", now: start.advanced(by: .seconds(11)))
        #expect(table.count == 3)
        // `a` expired and went; `b`, `c`, `d` are refused.
        let now = start.advanced(by: .seconds(12))
        #expect(table.retryAfter("b", now: now) != nil && table.retryAfter("d", now: now) != nil)
        table.recordFailure("e", now: now)
        #expect(table.count == 3)
        #expect(table.retryAfter("b", now: now) == nil)
        #expect(table.retryAfter("c", now: now) != nil && table.retryAfter("e", now: now) != nil)
        for index in 0..<10_000 { table.recordFailure("flood-\(index)", now: now) }
        #expect(table.count == 3)
    }
}
