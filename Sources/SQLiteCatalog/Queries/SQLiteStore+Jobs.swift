public import Catalog
public import Foundation
import GRDB

/// The job store of one machine: jobs in the SQLite catalog.
extension SQLiteStore: JobStore {
    /// Queues work for a path. Queuing a path that is already queued replaces its job and
    /// makes it due (now, or at `notBefore`: a download waits for publishing to pause), so
    /// a burst of events for one file does the work once. A held job keeps its lease.
    public func enqueue(
        _ paths: [String], kind: JobRecord.Kind, notBefore: Date?, now: Date
    ) async throws {
        guard !paths.isEmpty else { return }
        let due = notBefore?.timeIntervalSince1970 ?? 0
        try await pool.write { db in
            var generation =
                try Int.fetchOne(db, sql: "SELECT generation FROM job ORDER BY generation DESC LIMIT 1") ?? 0
            for path in paths {
                generation += 1
                try db.execute(
                    sql: """
                        INSERT INTO job (path, kind, enqueuedAt, notBefore, attempts, generation)
                        VALUES (?, ?, ?, ?, 0, ?)
                        ON CONFLICT(kind, path) DO UPDATE SET
                            enqueuedAt = excluded.enqueuedAt, notBefore = excluded.notBefore,
                            attempts = 0, lastError = NULL, generation = excluded.generation
                        """,
                    arguments: [path, kind, now, due, generation])
            }
        }
    }

    public func claim(
        limit: Int, kinds: Set<JobRecord.Kind>? = nil, owner: String, lease: TimeInterval, now: Date = Date()
    ) async throws -> [JobRecord] {
        let moment = now.timeIntervalSince1970
        return try await pool.write { db in
            // The order is the index's (`job_by_claim_order`): the expression must read the same.
            let kindFilter = kinds.map { kinds in
                "AND kind IN (" + kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
            }
            var jobs = try JobRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM job INDEXED BY job_by_claim_order
                    WHERE notBefore <= ? AND (leaseUntil IS NULL OR leaseUntil <= ?) \(kindFilter ?? "")
                    ORDER BY kind = 'download', enqueuedAt, path
                    LIMIT ?
                    """,
                arguments: [moment, moment, limit])
            for index in jobs.indices {
                jobs[index].leaseOwner = owner
                jobs[index].leaseUntil = moment + lease
                try db.execute(
                    sql: "UPDATE job SET leaseOwner = ?, leaseUntil = ? WHERE kind = ? AND path = ?",
                    arguments: [owner, moment + lease, jobs[index].kind, jobs[index].path])
            }
            return jobs
        }
    }

    /// Holds every queued download until `until` at least: while photos are being
    /// published, their downloads wait (a download made meanwhile would take cores from
    /// the next web set).
    public func holdDownloads(until: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE job SET notBefore = MAX(notBefore, ?) WHERE kind = ?",
                arguments: [until.timeIntervalSince1970, JobRecord.Kind.download])
        }
    }

    public func finish(_ job: JobRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM job WHERE kind = ? AND path = ? AND generation = ?",
                arguments: [job.kind, job.path, job.generation])
            if db.changesCount == 0 {
                // Queued again while it ran: leave the new job to the next claim.
                try db.execute(
                    sql: "UPDATE job SET leaseOwner = NULL, leaseUntil = NULL WHERE kind = ? AND path = ?",
                    arguments: [job.kind, job.path])
            }
        }
    }

    /// Puts a failed job back with a back-off, so a full disk is retried, not hammered.
    public func postpone(_ job: JobRecord, error: String, until: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE job SET attempts = attempts + 1, lastError = ?, notBefore = ?,
                        leaseOwner = NULL, leaseUntil = NULL
                    WHERE kind = ? AND path = ? AND generation = ?
                    """,
                arguments: [error, until.timeIntervalSince1970, job.kind, job.path, job.generation])
            if db.changesCount == 0 {
                try db.execute(
                    sql: "UPDATE job SET leaseOwner = NULL, leaseUntil = NULL WHERE kind = ? AND path = ?",
                    arguments: [job.kind, job.path])
            }
        }
    }

    public func releaseLeases(owner: String?) async throws {
        try await pool.write { db in
            if let owner {
                try db.execute(
                    sql: "UPDATE job SET leaseOwner = NULL, leaseUntil = NULL WHERE leaseOwner = ?", arguments: [owner])
            } else {
                try db.execute(sql: "UPDATE job SET leaseOwner = NULL, leaseUntil = NULL WHERE leaseOwner IS NOT NULL")
            }
        }
    }

    public func renewLeases(owner: String, until: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE job SET leaseUntil = ? WHERE leaseOwner = ?",
                arguments: [until.timeIntervalSince1970, owner])
        }
    }

    public func leaseOwners() async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT leaseOwner FROM job WHERE leaseOwner IS NOT NULL"))
        }
    }

    public func depth() async throws -> Int {
        try await pool.read { db in try JobRecord.fetchCount(db) }
    }

    /// When a queued job next becomes claimable: its due time, or its lease's end.
    public func nextDueDate() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(MAX(notBefore, COALESCE(leaseUntil, 0))) FROM job")
                .map { Date(timeIntervalSince1970: $0) }
        }
    }
}
