import FailoverCore
import Testing

@Suite("EpisodeTransition: the per-alert decision")
struct EpisodeTransitionTests {
    @Test(
        "every state and status combination",
        arguments: [
            (nil, AlertStatus.firing, EpisodeTransition.opened, EpisodeState.firing),
            (nil, .resolved, .openedResolved, .resolved),
            (EpisodeState.firing, .firing, .duplicateFiring, .firing),
            (.firing, .resolved, .resolved, .resolved),
            (.resolved, .resolved, .duplicateResolved, .resolved),
            (.resolved, .firing, .staleFiring, .resolved),
        ] as [(EpisodeState?, AlertStatus, EpisodeTransition, EpisodeState)])
    func decides(current: EpisodeState?, incoming: AlertStatus, expected: EpisodeTransition, after: EpisodeState) {
        let transition = EpisodeTransition.decide(current: current, incoming: incoming)
        #expect(transition == expected)
        #expect(transition.resultingState == after)
    }

    @Test("a resolved episode never fires again")
    func resolvedStaysResolved() {
        for incoming in AlertStatus.allCases {
            #expect(EpisodeTransition.decide(current: .resolved, incoming: incoming).resultingState == .resolved)
        }
    }

    @Test("only unknown episodes are created; repeats are duplicates")
    func classification() {
        #expect(EpisodeTransition.allCases.filter(\.createsEpisode) == [.opened, .openedResolved])
        #expect(
            Set(EpisodeTransition.allCases.filter(\.isDuplicate)) == [
                .duplicateFiring, .duplicateResolved, .staleFiring,
            ])
        #expect(!EpisodeTransition.resolved.isDuplicate && !EpisodeTransition.resolved.createsEpisode)
    }

    @Test("a sequence of HA deliveries opens once and resolves once")
    func haSequence() {
        // Peer A fires, peer B repeats, A resolves, B delivers a stale firing 14 s later, then a duplicate resolved.
        var state: EpisodeState?
        var transitions: [EpisodeTransition] = []
        for status in [AlertStatus.firing, .firing, .resolved, .firing, .resolved] {
            let transition = EpisodeTransition.decide(current: state, incoming: status)
            transitions.append(transition)
            state = transition.resultingState
        }
        #expect(transitions == [.opened, .duplicateFiring, .resolved, .staleFiring, .duplicateResolved])
        #expect(transitions.filter(\.createsEpisode).count == 1)
    }
}
