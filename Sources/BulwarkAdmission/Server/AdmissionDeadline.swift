import NIOCore
import NIOPosix
import Synchronization

/// The threads the decision runs on.
///
/// Judging an object is synchronous CPU work inside an `async` function. On Swift's cooperative pool
/// (one thread per core: two here) two slow decisions would occupy every thread, and the task that must
/// answer "timeout" could not resume until one finished: the answer would be late exactly when it matters.
/// On NIO's event loops they would stall TLS and HTTP of every connection on that loop. So the decision
/// runs on a pool of its own (a `TaskExecutor` over a `NIOThreadPool`), the deadline timer on an event
/// loop, and the request task only waits on the cooperative pool: the timer fires and the timeout answer
/// is written however busy the decision threads are. A decision that lost the race is cancelled (a
/// handler may check `Task.isCancelled`) and its result dropped.
package final class AdmissionDecisionExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    package init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    package func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}

/// Answers with the handler's decision unless the deadline passes first, then with its timeout
/// response. The deadline starts when the body has been read.
struct AdmissionDeadline: Sendable {
    let deadline: Duration
    /// Runs the decision; nil: the caller's executor (tests that need no isolation).
    let executor: AdmissionDecisionExecutor?
    /// Where the deadline timer runs.
    let timers: any EventLoopGroup

    func answer(_ route: AdmissionRoute, body: [UInt8], handler: any AdmissionHandling) async -> AdmissionHTTPResponse {
        let first: AdmissionHTTPResponse? = await withCheckedContinuation { continuation in
            let race = Race(continuation)
            let decision = Task(executorPreference: executor) {
                let response = await handler.handle(route, body: body)
                race.finish(response)
            }
            let timer = timers.any().scheduleTask(in: TimeAmount(deadline)) {
                if race.finish(nil) { decision.cancel() }
            }
            race.setTimer(timer)
        }
        return first ?? handler.timeoutResponse(route, body: body)
    }

    /// Resumes the continuation once: with the decision, or with nil when the timer won.
    private final class Race: Sendable {
        private struct State {
            var continuation: CheckedContinuation<AdmissionHTTPResponse?, Never>?
            var timer: Scheduled<Void>?
        }
        private let state: Mutex<State>

        init(_ continuation: CheckedContinuation<AdmissionHTTPResponse?, Never>) {
            state = Mutex(State(continuation: continuation))
        }

        /// The timer is cancelled when the decision wins, so finished requests leave no timers behind.
        func setTimer(_ timer: Scheduled<Void>) {
            let finished = state.withLock { state in
                if state.continuation == nil { return true }
                state.timer = timer
                return false
            }
            if finished { timer.cancel() }
        }

        /// True for the call that resumed the continuation.
        @discardableResult
        func finish(_ response: AdmissionHTTPResponse?) -> Bool {
            let (continuation, timer) = state.withLock { state in
                defer { state = State() }
                return (state.continuation, state.timer)
            }
            guard let continuation else { return false }
            if response != nil { timer?.cancel() }
            continuation.resume(returning: response)
            return true
        }
    }
}
