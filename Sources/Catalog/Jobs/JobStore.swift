public import Foundation

/// Where the ingest workers' jobs live, named for what the workers do with them: queue,
/// claim with a lease, finish, retry later. One job per kind and path; queueing a path again
/// replaces its job (and gives it a new generation, so finishing the old one never drops
/// the new one).
///
/// Two implementations: the SQLite catalog (``Catalog``, one machine) and PostgreSQL
/// (`PostgresJobStore`, several machines; a claim is `SELECT … FOR UPDATE SKIP LOCKED`).
/// A job claimed by a worker that dies is claimed again once its lease has run out.
public protocol JobStore: Sendable {
    /// Queues paths; a path already queued is replaced, due at `notBefore` (now if `nil`).
    /// A job that is being worked on keeps its lease: the holder sees, when it finishes,
    /// that the job was queued again, and leaves it for the next claim.
    func enqueue(_ paths: [String], kind: JobRecord.Kind, notBefore: Date?, now: Date) async throws

    /// Up to `limit` due jobs no one holds (or whose lease ran out), leased to `owner` for
    /// `lease` seconds: oldest first, downloads after every other kind; of `kinds` only,
    /// if given.
    func claim(
        limit: Int, kinds: Set<JobRecord.Kind>?, owner: String, lease: TimeInterval, now: Date
    ) async throws -> [JobRecord]

    /// Removes a finished job, unless it was queued again meanwhile (then it is released).
    func finish(_ job: JobRecord) async throws

    /// Releases a failed job with one more attempt, due again at `until`.
    func postpone(_ job: JobRecord, error: String, until: Date) async throws

    /// Holds every queued download until `until` at least (publishing has not paused).
    func holdDownloads(until: Date) async throws

    /// Releases the leases of `owner` (every lease, if `nil`): a restarted node takes its
    /// interrupted jobs back at once instead of waiting for their leases to run out.
    func releaseLeases(owner: String?) async throws

    /// Extends every lease `owner` holds to `until`: a worker's heartbeat while it works,
    /// so a lease can be short (another worker takes over soon after a crash) and a long
    /// job still keeps its own.
    func renewLeases(owner: String, until: Date) async throws

    /// Every owner holding a lease now (a restarting node releases those of processes of
    /// its machine that are gone).
    func leaseOwners() async throws -> Set<String>

    /// Jobs queued, held or not.
    func depth() async throws -> Int

    /// When the next job becomes due, if any is queued and not held.
    func nextDueDate() async throws -> Date?
}

extension JobStore {
    /// Queues paths, due at `notBefore` (now if nil).
    public func enqueue(_ paths: [String], kind: JobRecord.Kind, notBefore: Date? = nil) async throws {
        try await enqueue(paths, kind: kind, notBefore: notBefore, now: Date())
    }
}
