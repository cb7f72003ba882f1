import Testing

@testable import FailoverProcess

@Suite("/proc/PID/stat parsing")
struct ProcStatTests {
    @Test("fields are counted from the last parenthesis, so odd command names parse")
    func oddCommandName() throws {
        let line = Array("4242 (a) b (c) Z 1 4240 4240 0 -1 4194560".utf8)[...]
        let stat = try #require(ProcStat(line: line))
        #expect(stat.state == UInt8(ascii: "Z"))
        #expect(stat.processGroup == 4240)
        #expect(stat.hasFinished)
    }

    @Test("a running process has not finished")
    func running() throws {
        let stat = try #require(ProcStat(line: Array("17 (sleep) S 16 16 16 0".utf8)[...]))
        #expect(!stat.hasFinished)
        #expect(stat.processGroup == 16)
    }

    @Test("garbage is refused")
    func garbage() {
        #expect(ProcStat(line: Array("no parenthesis here".utf8)[...]) == nil)
        #expect(ProcStat(line: Array("1 (x) S".utf8)[...]) == nil)
    }
}
