import FailoverCore
import Testing

@Suite("FiringPeriod: one fingerprint's firing period and its continuity")
struct FiringPeriodTests {
    static let s0 = Timestamp(rfc3339: "2026-11-21T16:37:00Z")!
    static let s1 = Timestamp(rfc3339: "2026-11-21T16:37:18.416Z")!
    static let end = Timestamp(rfc3339: "2026-11-21T16:47:18Z")!
    static let later = Timestamp(rfc3339: "2026-11-28T09:00:00Z")!
    static let now: Int64 = 1_795_279_038_000
    static let window = Duration.seconds(60)

    static func firingPeriod(startsAt: Timestamp = s1) -> FiringPeriod {
        FiringPeriod(episodeID: 7, startsAt: startsAt, state: .firing, endsAt: nil, reopenDueAtMilliseconds: nil)
    }

    static func resolvedPeriod(pending: Bool = false) -> FiringPeriod {
        FiringPeriod(
            episodeID: 7, startsAt: s1, state: .resolved, endsAt: end,
            reopenDueAtMilliseconds: pending ? now + 60_000 : nil)
    }

    static func decide(
        _ current: FiringPeriod?, _ status: AlertStatus, _ startsAt: Timestamp, endsAt: Timestamp? = nil
    )
        -> PeriodDecision
    {
        FiringPeriod.decide(
            current: current, notice: AlertNotice(status: status, startsAt: startsAt, endsAt: endsAt), now: now,
            reopenWindow: window)
    }

    @Test("no period: firing opens, resolved is recorded as a resolved episode")
    func unknown() {
        #expect(Self.decide(nil, .firing, Self.s1).transition == .opened)
        #expect(Self.decide(nil, .resolved, Self.s1, endsAt: Self.end).transition == .openedResolved)
    }

    @Test("firing while firing: a duplicate whatever startsAt says; an earlier one moves the start (behaviour 3)")
    func firingWhileFiring() {
        let same = Self.decide(Self.firingPeriod(), .firing, Self.s1)
        #expect(same == PeriodDecision(transition: .duplicateFiring))
        let earlier = Self.decide(Self.firingPeriod(), .firing, Self.s0)
        #expect(earlier == PeriodDecision(transition: .duplicateFiring, movesStartEarlier: true))
        let laterStart = Self.decide(Self.firingPeriod(startsAt: Self.s0), .firing, Self.s1)
        #expect(laterStart == PeriodDecision(transition: .duplicateFiring))
    }

    @Test("resolved while firing closes it, also under the earlier startsAt; one of an older period closes nothing")
    func resolvedWhileFiring() {
        #expect(Self.decide(Self.firingPeriod(), .resolved, Self.s1, endsAt: Self.end).transition == .resolved)
        #expect(
            Self.decide(Self.firingPeriod(startsAt: Self.s0), .resolved, Self.s0, endsAt: Self.end).transition
                == .resolved)
        // A late resolved of last week's period: its endsAt lies before this period began.
        let current = Self.firingPeriod(startsAt: Self.later)
        #expect(Self.decide(current, .resolved, Self.s1, endsAt: Self.end).transition == .staleResolved)
    }

    @Test("firing after resolved, same period: waits for the window (behaviours 1 and 2 look alike at first)")
    func firingAfterResolved() {
        let decision = Self.decide(Self.resolvedPeriod(), .firing, Self.s1)
        #expect(decision == PeriodDecision(transition: .reopenPending, reopenDueAtMilliseconds: Self.now + 60_000))
        #expect(decision.transition.resultingState(from: .resolved) == .resolved)
        #expect(!decision.transition.startsFiring)
        // While waiting, more firings are duplicates (the window is not extended).
        #expect(Self.decide(Self.resolvedPeriod(pending: true), .firing, Self.s1).transition == .duplicateFiring)
    }

    @Test("a resolved within the window cancels the reopening: the firing was stale (behaviour 1)")
    func staleFiringCancelled() {
        let decision = Self.decide(Self.resolvedPeriod(pending: true), .resolved, Self.s1, endsAt: Self.end)
        #expect(decision.transition == .reopenCancelled)
        #expect(decision.transition.resultingState(from: .resolved) == .resolved)
        #expect(
            Self.decide(Self.resolvedPeriod(), .resolved, Self.s1, endsAt: Self.end).transition == .duplicateResolved)
    }

    @Test("no resolved within the window: the reopening is due and the same episode fires (behaviour 2)")
    func reopeningDue() {
        let pending = Self.resolvedPeriod(pending: true)
        #expect(!pending.reopeningIsDue(at: Self.now + 59_999))
        #expect(pending.reopeningIsDue(at: Self.now + 60_000))
        #expect(!Self.resolvedPeriod().reopeningIsDue(at: Self.now + 1_000_000))
        #expect(EpisodeTransition.reopened.resultingState(from: .resolved) == .firing)
        #expect(EpisodeTransition.reopened.startsFiring)
    }

    @Test("a zero window reopens at once")
    func zeroWindow() {
        let decision = FiringPeriod.decide(
            current: Self.resolvedPeriod(), notice: AlertNotice(status: .firing, startsAt: Self.s1, endsAt: nil),
            now: Self.now, reopenWindow: .zero)
        #expect(decision.transition == .reopened)
    }

    @Test("a firing that starts after the period ended is a new period, opened at once")
    func newPeriod() {
        #expect(Self.decide(Self.resolvedPeriod(), .firing, Self.later).transition == .opened)
        #expect(Self.decide(Self.resolvedPeriod(pending: true), .firing, Self.later).transition == .opened)
    }

    @Test("only opened and reopened start firing, only resolved stops it; the rest never reach runbooks")
    func whatReachesRunbooks() {
        #expect(EpisodeTransition.allCases.filter(\.startsFiring) == [.opened, .reopened])
        #expect(EpisodeTransition.allCases.filter(\.stopsFiring) == [.resolved])
        #expect(
            Set(EpisodeTransition.allCases.filter(\.isDuplicate)) == [
                .duplicateFiring, .duplicateResolved, .reopenCancelled, .staleResolved,
            ])
        #expect(EpisodeTransition.allCases.filter(\.createsEpisode) == [.opened, .openedResolved])
    }

    @Test("the measured sequences, replayed through the decision")
    func sequences() {
        func replay(
            _ notices: [(AlertStatus, Timestamp, Timestamp?)], window: Duration = .seconds(60)
        ) -> [EpisodeTransition] {
            var period: FiringPeriod?
            var transitions: [EpisodeTransition] = []
            for (offset, (status, startsAt, endsAt)) in notices.enumerated() {
                let now = Self.now + Int64(offset) * 1000
                let decision = FiringPeriod.decide(
                    current: period, notice: AlertNotice(status: status, startsAt: startsAt, endsAt: endsAt), now: now,
                    reopenWindow: window)
                transitions.append(decision.transition)
                let t = decision.transition
                if t.createsEpisode {
                    period = FiringPeriod(
                        episodeID: Int64(offset), startsAt: startsAt, state: t.resultingState(from: nil),
                        endsAt: endsAt, reopenDueAtMilliseconds: nil)
                } else if var current = period {
                    current.state = t.resultingState(from: current.state)
                    if decision.movesStartEarlier { current.startsAt = startsAt }
                    if t == .resolved { current.endsAt = endsAt }
                    if t == .reopenPending { current.reopenDueAtMilliseconds = decision.reopenDueAtMilliseconds }
                    if t == .reopenCancelled || t == .resolved { current.reopenDueAtMilliseconds = nil }
                    period = current
                }
            }
            return transitions
        }
        // Behaviour 1: firing, resolved, stale firing from the peer, the peer's resolved.
        #expect(
            replay([
                (.firing, Self.s1, nil), (.resolved, Self.s1, Self.end), (.firing, Self.s1, nil),
                (.resolved, Self.s1, Self.end),
            ])
                == [.opened, .resolved, .reopenPending, .reopenCancelled])
        // Behaviour 2: firing, resolved by timeout, firing again with the same startsAt, its repeats.
        #expect(
            replay([
                (.firing, Self.s1, nil), (.resolved, Self.s1, Self.end), (.firing, Self.s1, nil),
                (.firing, Self.s1, nil),
            ])
                == [.opened, .resolved, .reopenPending, .duplicateFiring])
        // Behaviour 3: firing S1, firing S0 (earlier), resolved S0: one period, closed.
        #expect(
            replay([(.firing, Self.s1, nil), (.firing, Self.s0, nil), (.resolved, Self.s0, Self.end)])
                == [.opened, .duplicateFiring, .resolved])
    }
}
