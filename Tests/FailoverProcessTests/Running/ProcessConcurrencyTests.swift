import FailoverProcess
import Testing

@Suite("ProcessRunner: many runs at once")
struct ProcessConcurrencyTests {
    @Test("20 concurrent runs each get their own output and status, and every child is reaped")
    func twentyAtOnce() async throws {
        let (runner, _) = ProcessProbe.runner()
        let outcomes = try await withThrowingTaskGroup(of: (Int, ProcessOutcome).self) { group in
            for index in 0..<20 {
                group.addTask {
                    let request = ProcessProbe.shell(
                        #"sleep 0.2; echo "step $1"; echo "err $1" >&2; exit "$2""#, "\(index)", "\(index % 4)")
                    return (index, try await runner.run(request))
                }
            }
            var all: [Int: ProcessOutcome] = [:]
            for try await (index, outcome) in group { all[index] = outcome }
            return all
        }
        #expect(outcomes.count == 20)
        for (index, outcome) in outcomes {
            #expect(outcome.termination == .exited(Int32(index % 4)))
            #expect(outcome.output == "step \(index)\nerr \(index)\n")
            #expect(!outcome.timedOut)
        }
        #expect(Set(outcomes.values.map(\.processID)).count == 20)
        for outcome in outcomes.values {
            #expect(!ProcessProbe.isUnreapedChild(outcome.processID))
            #expect(!ProcessProbe.isRunning(outcome.processID))
        }
    }
}
