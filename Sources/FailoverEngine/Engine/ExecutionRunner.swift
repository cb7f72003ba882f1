import FailoverCore
import Logging
import Synchronization

/// Runs one claimed execution: its steps in order from the first unfinished one, each recorded under the claim
/// before and after it runs, the lease renewed meanwhile; stops at once when the claim is lost and at the next step
/// boundary when an operator cancels.
struct ExecutionRunner: Sendable {
    let claim: ExecutionClaim
    let runbook: RunbookDefinition?
    let ledger: any ExecutionLedger
    let performer: StepPerformer
    let configuration: EngineConfiguration
    let logger: Logger
    let observer: (any EngineObserver)?
    /// Whether the engine is stopping: the runner stops at the next step boundary, leaving the rest to the next start.
    let stopping: @Sendable () -> Bool

    /// What the lease renewal and the step records learnt about the claim.
    final class ClaimWatch: Sendable {
        private struct State {
            var lost = false
            var cancelledBy: String?
        }
        private let state = Mutex(State())

        func note(_ status: ClaimStatus) {
            state.withLock { state in
                switch status {
                case .lost: state.lost = true
                case .held(let cancelledBy): if let cancelledBy { state.cancelledBy = cancelledBy }
                }
            }
        }

        var lost: Bool { state.withLock { $0.lost } }
        var cancelledBy: String? { state.withLock { $0.cancelledBy } }
    }

    /// How a step (or group) ended.
    enum Ending {
        case completed
        case failedStop(String)
        case lost
    }

    func run() async {
        let clock = ContinuousClock()
        let started = clock.now
        var metadata: Logger.Metadata = [
            "execution": "\(claim.executionID)", "runbook": "\(claim.runbook)", "key": "\(claim.key)",
            "kind": "\(claim.kind.rawValue)", "fence": "\(claim.fence)",
        ]
        if claim.dryRun { metadata["dry_run"] = "true" }
        guard let runbook else {
            let reason =
                if let digest = claim.definitionDigest {
                    "the definition of runbook \(claim.runbook) this execution was scheduled with (digest "
                        + "\(digest.prefix(12))) is not loaded: the configuration changed across a restart; "
                        + "execute the runbook again if it is still needed"
                } else {
                    "runbook \(claim.runbook) is no longer in the configuration"
                }
            logger.error("execution's runbook definition is not loaded; failing it", metadata: metadata)
            await end(.failed, reason, started: started)
            return
        }
        logger.notice(claim.resumed ? "execution resumed" : "execution started", metadata: metadata)
        let watch = ClaimWatch()
        let renewal = Task { [ledger, claim, configuration] in
            let every = configuration.lease / 3
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                if Task.isCancelled || stopping() { return }
                if let status = try? await ledger.renew(claim, lease: configuration.lease, now: RunbookEngine.now()) {
                    watch.note(status)
                    if case .lost = status { return }
                }
            }
        }
        defer { renewal.cancel() }

        let steps = runbook.steps(for: claim.kind)
        let context = TemplateContext(
            labels: claim.labels, annotations: claim.annotations, runbook: claim.runbook,
            executionID: claim.executionID, incidentID: claim.incidentID, executionKind: claim.kind.rawValue)
        var index = claim.nextStep
        while index < steps.count {
            if watch.lost { return lost(metadata) }
            if let by = watch.cancelledBy {
                await end(.cancelled, "cancelled by \(by) before step \(index)", started: started)
                return
            }
            if Task.isCancelled || stopping() {
                // Graceful stop: the claim is released and the next start resumes here.
                logger.info("execution paused for shutdown; it resumes at the next start", metadata: metadata)
                return
            }
            let ending = await runStep(
                steps[index], path: "\(index)", position: index * 1000, context: context, watch: watch,
                advancesTo: index + 1)
            switch ending {
            case .lost: return lost(metadata)
            case .failedStop(let error):
                await end(.failed, "step \(index) (\(steps[index].kind)) failed: \(error)", started: started)
                return
            case .completed: index += 1
            }
        }
        await end(.succeeded, nil, started: started)
        logger.notice("execution finished", metadata: metadata)
    }

    private func lost(_ metadata: Logger.Metadata) {
        logger.warning(
            "execution's claim was lost (lease expired or taken over); stopping without recording more",
            metadata: metadata)
        observer?.executionEnded(runbook: claim.runbook, kind: claim.kind, state: nil, duration: .zero)
    }

    private func end(_ state: ExecutionState, _ error: String?, started: ContinuousClock.Instant) async {
        do {
            let status = try await ledger.finish(claim, state: state, error: error, now: RunbookEngine.now())
            if case .lost = status {
                logger.warning(
                    "execution ended after its claim was lost; the current claimant records the outcome",
                    metadata: ["execution": "\(claim.executionID)"])
                return
            }
        } catch {
            logger.error(
                "cannot record the end of the execution; it resumes at its next claim",
                metadata: ["execution": "\(claim.executionID)", "error": "\(error)"])
            return
        }
        if state == .failed {
            logger.error(
                "execution failed", metadata: ["execution": "\(claim.executionID)", "error": "\(error ?? "")"])
        }
        observer?.executionEnded(
            runbook: claim.runbook, kind: claim.kind, state: state, duration: ContinuousClock.now - started)
    }

    /// Runs one step (a parallel group runs its children at once), recording it under the claim.
    private func runStep(
        _ step: RunbookStep, path: String, position: Int, context: TemplateContext, watch: ClaimWatch,
        advancesTo: Int?
    ) async -> Ending {
        let previous = claim.recordedSteps[path]
        if previous == .succeeded || previous == .skipped, advancesTo == nil {
            // A child of a parallel group that finished before the interruption.
            return .completed
        }
        let interrupted = previous == .running
        let summary = performer.describe(step, context: context, dryRun: claim.dryRun)
        let start = StepStart(path: path, position: position, kind: step.kind, name: step.name, summary: summary)
        guard await record(started: start, watch: watch) else { return .lost }
        let clock = ContinuousClock()
        let began = clock.now
        var leftovers: [Int32] = []
        if interrupted, case .exec = step.action {
            // The interrupted run's program may still be running (a killed failoverd cannot stop it): stop it first,
            // so that two runs never overlap.
            leftovers = await performer.processes.stopLeftovers(executionID: claim.executionID, stepID: path)
        }
        var result: StepResult
        if interrupted && step.onInterrupted == .fail {
            result = StepResult(
                path: path, state: .failed, attempts: 0,
                summary: "interrupted by a restart while it ran; on_interrupted: fail",
                error: "interrupted by a restart (on_interrupted: fail)")
        } else if case .parallel(let children) = step.action {
            result = await runGroup(children, path: path, position: position, context: context, watch: watch)
            if watch.lost { return .lost }
        } else {
            result = await performer.perform(
                step, path: path, context: context, dryRun: claim.dryRun, executionID: claim.executionID)
        }
        // Cut short by the shutdown's deadline: record nothing; the step is rerun (or failed) at the next claim.
        if Task.isCancelled { return .lost }
        if interrupted { result.detail["rerun_after_interruption"] = .bool(true) }
        if !leftovers.isEmpty {
            result.detail["stopped_leftover_processes"] = .array(leftovers.map { .integer(Int64($0)) })
        }
        let failed = result.state == .failed
        if !failed || step.onFailure == .continue { result.advancesTo = advancesTo }
        guard await record(finished: result, watch: watch) else { return .lost }
        observer?.stepEnded(runbook: claim.runbook, kind: step.kind, state: result.state, duration: clock.now - began)
        if failed && step.onFailure == .stop { return .failedStop(result.error ?? result.summary) }
        return .completed
    }

    private func runGroup(
        _ children: [RunbookStep], path: String, position: Int, context: TemplateContext, watch: ClaimWatch
    ) async -> StepResult {
        let endings = await withTaskGroup(of: (Int, Ending).self) { group in
            for (offset, child) in children.enumerated() {
                group.addTask {
                    let ending = await runStep(
                        child, path: "\(path).\(offset)", position: position + offset + 1, context: context,
                        watch: watch, advancesTo: nil)
                    return (offset, ending)
                }
            }
            var endings: [(Int, Ending)] = []
            for await ending in group { endings.append(ending) }
            return endings.sorted { $0.0 < $1.0 }
        }
        let failures = endings.compactMap { offset, ending -> String? in
            if case .failedStop(let error) = ending { return "\(path).\(offset): \(error)" }
            return nil
        }
        if failures.isEmpty {
            return StepResult(
                path: path, state: .succeeded, attempts: 1, summary: "\(children.count) steps in parallel succeeded")
        }
        return StepResult(
            path: path, state: .failed, attempts: 1,
            summary: "\(failures.count) of \(children.count) parallel steps failed",
            error: failures.joined(separator: "; "))
    }

    private func record(started step: StepStart, watch: ClaimWatch) async -> Bool {
        await retryingStore(watch) { [ledger, claim, configuration] in
            try await ledger.recordStepStarted(step, of: claim, lease: configuration.lease, now: RunbookEngine.now())
        }
    }

    private func record(finished result: StepResult, watch: ClaimWatch) async -> Bool {
        await retryingStore(watch) { [ledger, claim, configuration] in
            try await ledger.recordStepFinished(
                result, of: claim, lease: configuration.lease, now: RunbookEngine.now())
        }
    }

    /// Writes through the ledger, retrying a failing store (disk full, locked) for as long as the lease allows;
    /// `false` when the claim is lost or the lease ran out meanwhile.
    private func retryingStore(_ watch: ClaimWatch, _ write: @Sendable () async throws -> ClaimStatus) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: configuration.lease)
        var delay = Duration.milliseconds(50)
        while true {
            do {
                let status = try await write()
                watch.note(status)
                if case .lost = status { return false }
                return true
            } catch {
                guard ContinuousClock.now.advanced(by: delay) < deadline else {
                    logger.error(
                        "cannot record a step under the claim; giving the execution up to the next claim",
                        metadata: ["execution": "\(claim.executionID)", "error": "\(error)"])
                    watch.note(.lost)
                    return false
                }
                logger.warning(
                    "recording a step failed; retrying",
                    metadata: ["execution": "\(claim.executionID)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
