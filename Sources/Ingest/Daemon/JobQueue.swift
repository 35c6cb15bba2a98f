public import Catalog
public import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The persistent job queue: jobs live in a ``JobStore`` (so a crash loses none) and are
/// claimed with a lease, so several workers — in this process or on other machines — never
/// take the same job, and a job whose worker died is taken again once its lease runs out.
/// This actor wakes idle workers when work arrives and lets one download run at a time.
///
/// The daemon's queue runs until stopped; `galleryd ingest` drains one (``Mode/drain``) with
/// the same workers, so both commands go through one pipeline.
public actor JobQueue {
    /// How long the queue's workers go on.
    public enum Mode: Sendable {
        /// Until stopped: idle workers wait for new jobs (the daemon).
        case continuous
        /// Until no job is left to do now (`galleryd ingest`): ``next()`` returns `nil` once
        /// no job is in hand and none is due within the download quiet period; a job that
        /// failed is left queued with its back-off, for the daemon or the next pass.
        case drain
    }
    public nonisolated let mode: Mode
    let store: any JobStore
    /// This process's name on its leases.
    public nonisolated let owner: String
    /// How long a claimed job is held unless renewed (``renewLeases()``, every third of it):
    /// a worker that dies leaves its jobs to the others after at most this long.
    public nonisolated let lease: TimeInterval
    /// How long publishing must pause before a download job is due (0: at once). A daemon
    /// waits (``defaultDownloadQuietPeriod``) so that the next photo's web set does not
    /// share the cores; a one-shot pass need not, since downloads are claimed only once no
    /// web set is left to claim.
    public nonisolated let downloadQuietPeriod: TimeInterval
    /// How long publishing must pause before a download is made, by default. Measured with
    /// Benchmarks/daemon (12 MP drops in a row): a download made while the next photo's
    /// web set renders slows it by a quarter (361 → 442 ms to the JSON, nice 19 or not);
    /// held back until a pause, it costs the web set nothing.
    public static let defaultDownloadQuietPeriod: TimeInterval = 1
    /// `ingest.jobLeaseSeconds`' default.
    public static let defaultLease: TimeInterval = 30
    private var downloadsInFlight = 0
    /// Jobs claimed and not yet completed: a draining queue is done only when none is in
    /// hand, since a job in hand may queue another (a published photo queues its download).
    private var inFlight = 0
    /// Why a draining queue could not claim its next job (the store failed); it ended then.
    public private(set) var claimError: String?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var timer: Task<Void, Never>?
    /// When the timer fires; a sooner due date replaces it.
    private var timerDue: Date?
    private var stopped = false
    private var renewal: Task<Void, Never>?
    /// Counts wake-ups, so a worker that looked for work while a job arrived looks again
    /// instead of sleeping through it.
    private var signals = 0

    /// How often an idle worker looks at the store for jobs other processes queued (a
    /// watcher or a web node elsewhere); nil: only when woken in this process.
    let pollInterval: Duration?
    let logger: Logger

    /// Changes seen in the media folder that the store could not take yet (its disk is
    /// full, its server away): kept here and offered again until queued, so none is
    /// forgotten (``submit(_:kind:)``).
    private var unqueued: [JobRecord.Kind: Set<String>] = [:]
    /// Ends of jobs the store could not record (``complete(_:retryAfter:error:)``): written
    /// again until recorded, so a job is never left leased and renewed without a worker.
    private var unrecorded: [(job: JobRecord, retryAt: Date?, error: String?)] = []
    private var retrying: Task<Void, Never>?

    public init(
        store: any JobStore, owner: String = JobQueue.processName(), lease: TimeInterval = JobQueue.defaultLease,
        pollInterval: Duration? = .seconds(1), mode: Mode = .continuous,
        downloadQuietPeriod: TimeInterval = JobQueue.defaultDownloadQuietPeriod,
        logger: Logger = Logger(label: "galleryd")
    ) {
        self.mode = mode
        self.downloadQuietPeriod = max(0, downloadQuietPeriod)
        self.store = store
        self.owner = owner
        self.lease = max(1, lease)
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Queues paths, and never forgets them: when the store cannot take them now they are
    /// kept in memory and offered again every few seconds until it can (should the process
    /// end first, the start-up reconcile finds them). For changes the watcher saw.
    public func submit(_ paths: [String], kind: JobRecord.Kind) async {
        guard !paths.isEmpty else { return }
        do {
            try await enqueue(paths, kind: kind)
        } catch {
            if unqueued.isEmpty && unrecorded.isEmpty {
                logger.error(
                    "cannot queue changes now; kept until the catalog can be written",
                    metadata: ["error": "\(error)", "count": "\(paths.count)"])
            }
            unqueued[kind, default: []].formUnion(paths)
            retryWrites()
        }
    }

    /// Changes and job ends waiting for the store to take them.
    public var pendingWrites: Int {
        unqueued.values.reduce(0) { $0 + $1.count } + unrecorded.count
    }

    /// Offers what the store could not take again, every 0.5 s at first and at most every
    /// 5 s, until all of it is written.
    private func retryWrites() {
        guard retrying == nil else { return }
        retrying = Task { [weak self] in
            var delay = 0.5
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: .seconds(delay))) != nil, let self else { return }
                if await self.writePending() { return }
                delay = min(delay * 2, 5)
            }
        }
    }

    /// Writes what is pending; true once nothing is left.
    private func writePending() async -> Bool {
        for (kind, paths) in unqueued {
            do {
                try await store.enqueue(Array(paths), kind: kind, notBefore: nil, now: Date())
            } catch {
                return false
            }
            unqueued[kind]?.subtract(paths)
            if unqueued[kind]?.isEmpty == true { unqueued[kind] = nil }
            logger.notice("kept changes queued", metadata: ["count": "\(paths.count)", "kind": "\(kind.rawValue)"])
            wakeAll()
        }
        while let end = unrecorded.first {
            do {
                try await record(end.job, retryAt: end.retryAt, error: end.error)
            } catch {
                return false
            }
            unrecorded.removeFirst()
            wakeAll()
        }
        guard unqueued.isEmpty && unrecorded.isEmpty else { return false }
        retrying = nil
        return true
    }

    private func record(_ job: JobRecord, retryAt: Date?, error: String?) async throws {
        if let retryAt {
            try await store.postpone(job, error: error ?? "retry", until: retryAt)
        } else {
            try await store.finish(job)
        }
    }

    /// Starts the workers' heartbeat: this process's leases are extended every third of the
    /// lease until the queue is stopped, so a job that takes longer than a lease stays ours.
    public func startRenewingLeases() {
        guard renewal == nil, !stopped else { return }
        let (store, owner, lease) = (store, owner, lease)
        renewal = Task {
            while (try? await Task.sleep(for: .seconds(lease / 3))) != nil {
                try? await store.renewLeases(owner: owner, until: Date().addingTimeInterval(lease))
            }
        }
    }

    /// `host:boot:pid:random` (``ProcessIdentity``): unique per process, readable in the job
    /// table.
    public static func processName() -> String {
        ProcessIdentity.current.joined(by: ":") + ":\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Releases the leases of processes of this machine that are gone (killed, crashed, or
    /// from before the machine restarted): their jobs are taken again now, not when their
    /// leases run out. Leases of running processes and of other machines are left to run
    /// out. Returns the owners released.
    @discardableResult
    public func releaseLeasesOfEndedProcesses() async throws -> [String] {
        var released: [String] = []
        for owner in try await store.leaseOwners().sorted() where owner != self.owner {
            guard let writer = ProcessIdentity(fields: owner.split(separator: ":").dropLast()),
                writer.liveness == .ended
            else { continue }
            try await store.releaseLeases(owner: owner)
            released.append(owner)
        }
        return released
    }

    /// Queues what a file job leaves to do: its print download, due once publishing has
    /// paused for ``downloadQuietPeriod``; and when new renditions were published, every
    /// download already queued is held as long, so that web sets go first. Kept and written
    /// again like ``submit(_:kind:)`` when the store cannot take it now.
    public func queueFollowUps(of path: String, _ file: PublishedFile) async {
        let quietUntil = downloadQuietPeriod > 0 ? Date().addingTimeInterval(downloadQuietPeriod) : nil
        do {
            if file.published, let quietUntil { try await store.holdDownloads(until: quietUntil) }
            if file.wantsDownload {
                try await store.enqueue([path], kind: .download, notBefore: quietUntil, now: Date())
                wakeAll()
            }
        } catch {
            if file.wantsDownload { await submit([path], kind: .download) }
        }
    }

    /// Queues paths; a path already queued is replaced (and made due now).
    public func enqueue(_ paths: [String], kind: JobRecord.Kind) async throws {
        guard !paths.isEmpty else { return }
        try await store.enqueue(paths, kind: kind, notBefore: nil, now: Date())
        wakeAll()
    }

    /// The next due job, claimed for the caller; `nil` once the queue is stopped.
    public func next() async -> JobRecord? {
        while !stopped {
            let seen = signals
            // One download at a time: a second would hold a worker that a new photo may need.
            let kinds: Set<JobRecord.Kind>? =
                downloadsInFlight > 0 ? Set(JobRecord.Kind.allCases.filter { $0 != .download }) : nil
            let claimed: [JobRecord]
            do {
                claimed = try await store.claim(limit: 1, kinds: kinds, owner: owner, lease: lease, now: Date())
                claimError = nil
            } catch {
                // The daemon looks again later; a pass cannot wait for the store to recover
                // (a full disk): it ends once the jobs in hand are done, and says why.
                claimed = []
                if mode == .drain { claimError = String(describing: error) }
            }
            if let job = claimed.first {
                if job.kind == .download { downloadsInFlight += 1 }
                inFlight += 1
                return job
            }
            if mode == .drain {
                if inFlight > 0 {
                    // A job in hand may queue another: look again when it completes.
                    guard signals == seen else { continue }
                    await withCheckedContinuation { waiters.append($0) }
                    continue
                }
                // Nothing in hand: downloads held while photos were published are due within
                // the quiet period and are waited for; a job postponed after a failure (5 s at
                // least) or held by another process is not. (A failed job that comes due while
                // other work goes on is taken again: its last outcome is the one reported.)
                if claimError == nil {
                    // A daemon beside this pass holds downloads for the default period even
                    // when this queue holds none.
                    let horizon = Date().addingTimeInterval(
                        max(downloadQuietPeriod, Self.defaultDownloadQuietPeriod) + 0.5)
                    let due: Date?
                    do {
                        due = try await store.nextDueDate()
                    } catch {
                        claimError = String(describing: error)
                        due = nil
                    }
                    // Another worker may have claimed a job meanwhile: then this is no end.
                    if inFlight > 0 || signals != seen { continue }
                    if let due, due <= horizon {
                        try? await Task.sleep(for: .seconds(max(0.01, due.timeIntervalSinceNow)))
                        continue
                    }
                }
                stop()
                return nil
            }
            await waitForWork(unlessSignalledSince: seen)
        }
        return nil
    }

    /// Releases a job: removed when done, or put back with a back-off.
    public func complete(_ job: JobRecord, retryAfter delay: Duration? = nil, error: String? = nil) async {
        let retryAt = delay.map { Date().addingTimeInterval($0.seconds) }
        do {
            try await record(job, retryAt: retryAt, error: error)
        } catch let failure {
            // Kept and written again until it is recorded; meanwhile the job stays ours.
            logger.error(
                "cannot record the end of a job now; writing it again shortly",
                metadata: ["path": "\(job.path)", "kind": "\(job.kind.rawValue)", "error": "\(failure)"])
            unrecorded.append((job, retryAt, error))
            retryWrites()
        }
        // Only now: a draining queue that saw no job in hand while the store was still
        // writing this one's end (which may put it back, queued again meanwhile) would stop.
        if job.kind == .download { downloadsInFlight -= 1 }
        inFlight -= 1
        wakeAll()
    }

    /// Wakes every waiting worker and makes `next()` return `nil` from now on.
    public func stop() {
        stopped = true
        renewal?.cancel()
        // What is still unwritten is found again: leases run out, the start-up reconcile
        // finds unqueued changes.
        retrying?.cancel()
        wakeAll()
    }

    public var depth: Int {
        get async { (try? await store.depth()) ?? 0 }
    }

    private func waitForWork(unlessSignalledSince seen: Int) async {
        // A postponed job becomes due (or a lease runs out) without anyone enqueuing: wake up
        // for it; and look again after `pollInterval` for jobs queued by other processes.
        let polled = pollInterval.map { Date().addingTimeInterval($0.seconds) }
        let stored = try? await store.nextDueDate()
        let due = [stored.flatMap { $0 > Date() ? $0 : nil }, polled].compactMap { $0 }.min()
        if let due, timerDue.map({ due < $0 }) ?? true {
            timer?.cancel()
            timerDue = due
            let delay = due.timeIntervalSinceNow
            timer = Task { [weak self] in
                // At most an hour: a due date far off (or a corrupt one) is simply looked at again.
                guard (try? await Task.sleep(for: .seconds(min(max(delay, 0.05), 3600)))) != nil else { return }
                await self?.timerFired()
            }
        }
        guard !stopped, signals == seen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func timerFired() {
        timer = nil
        timerDue = nil
        wakeAll()
    }

    private func wakeAll() {
        signals += 1
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
