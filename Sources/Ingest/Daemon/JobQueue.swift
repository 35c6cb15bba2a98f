public import Catalog
import Foundation

/// The persistent job queue: jobs live in the catalog (so a crash loses none and a job
/// interrupted by one is redone on restart); this actor hands them to workers, never the
/// same path to two workers at once, and wakes idle workers when work arrives.
public actor JobQueue {
    let catalog: Catalog
    private var inFlight: Set<String> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var timer: Task<Void, Never>?
    private var stopped = false
    /// Counts wake-ups, so a worker that looked for work while a job arrived looks again
    /// instead of sleeping through it.
    private var signals = 0

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Queues paths; a path already queued is replaced (and made due now).
    public func enqueue(_ paths: [String], kind: JobRecord.Kind) async throws {
        guard !paths.isEmpty else { return }
        try await catalog.enqueue(paths, kind: kind)
        wakeAll()
    }

    /// The next due job, claimed for the caller; `nil` once the queue is stopped.
    public func next() async -> JobRecord? {
        while !stopped {
            let seen = signals
            let due = (try? await catalog.dueJobs(limit: 8, excluding: inFlight)) ?? []
            // Another worker may have claimed one of these while we waited for the read. One
            // download at a time: a second would hold a worker that a new photo may need.
            let makingDownload = inFlight.contains { $0.hasPrefix(JobRecord.Kind.download.rawValue + ":") }
            if let job = due.first(where: {
                !inFlight.contains(Self.key($0)) && !(makingDownload && $0.kind == .download)
            }) {
                inFlight.insert(Self.key(job))
                return job
            }
            await waitForWork(unlessSignalledSince: seen)
        }
        return nil
    }

    /// Releases a job: removed when done, or put back with a back-off.
    public func complete(_ job: JobRecord, retryAfter delay: Duration? = nil, error: String? = nil) async {
        inFlight.remove(Self.key(job))
        if let delay {
            try? await catalog.postpone(job, error: error ?? "retry", until: Date().addingTimeInterval(delay.seconds))
        } else {
            try? await catalog.finish(job)
        }
        wakeAll()
    }

    /// Wakes every waiting worker and makes `next()` return `nil` from now on.
    public func stop() {
        stopped = true
        wakeAll()
    }

    public var depth: Int {
        get async { (try? await catalog.queueDepth()) ?? 0 }
    }

    private func waitForWork(unlessSignalledSince seen: Int) async {
        // A postponed job becomes due without anyone enqueuing: wake up for it.
        if timer == nil, let due = try? await catalog.nextDueDate(), due > Date() {
            let delay = due.timeIntervalSinceNow
            timer = Task { [weak self] in
                // At most an hour: a due date far off (or a corrupt one) is simply looked at again.
                try? await Task.sleep(for: .seconds(min(max(delay, 0.05), 3600)))
                await self?.timerFired()
            }
        }
        guard !stopped, signals == seen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func timerFired() {
        timer = nil
        wakeAll()
    }

    private func wakeAll() {
        signals += 1
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    static func key(_ job: JobRecord) -> String { "\(job.kind.rawValue):\(job.path)" }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
