public import Foundation
import GRDB

extension Catalog {
    /// Queues work for a path. Queuing a path that is already queued replaces its job and
    /// makes it due now, so a burst of events for one file does the work once.
    /// `notBefore`: not taken before then (a download waits for publishing to pause).
    public func enqueue(
        _ paths: [String], kind: JobRecord.Kind, notBefore: Date? = nil, now: Date = Date()
    ) async throws {
        guard !paths.isEmpty else { return }
        let due = notBefore?.timeIntervalSince1970 ?? 0
        try await pool.write { db in
            var generation = try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM job") ?? 0
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

    /// Jobs that are due, oldest first, downloads after every other kind (a photo is
    /// published before any print file is made); skipping the paths in `excluding` (being
    /// worked on, so one path is never processed twice at once); of `kinds` only, if given.
    public func dueJobs(
        limit: Int, excluding: Set<String>, kinds: Set<JobRecord.Kind>? = nil, now: Date = Date()
    ) async throws -> [JobRecord] {
        try await pool.read { db in
            var request = JobRecord.filter(Column("notBefore") <= now.timeIntervalSince1970)
                .filter(!excluding.contains(Column("path")))
            if let kinds { request = request.filter(kinds.map(\.rawValue).contains(Column("kind"))) }
            return try request.order(
                Column("kind") == JobRecord.Kind.download.rawValue, Column("enqueuedAt"), Column("path")
            )
            .limit(limit)
            .fetchAll(db)
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

    /// Removes a finished job, unless the path was queued again while it ran.
    public func finish(_ job: JobRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM job WHERE kind = ? AND path = ? AND generation = ?",
                arguments: [job.kind, job.path, job.generation])
        }
    }

    /// Puts a failed job back with a back-off, so a full disk is retried, not hammered.
    public func postpone(_ job: JobRecord, error: String, until: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE job SET attempts = attempts + 1, lastError = ?, notBefore = ?
                    WHERE kind = ? AND path = ? AND generation = ?
                    """,
                arguments: [error, until.timeIntervalSince1970, job.kind, job.path, job.generation])
        }
    }

    public func queueDepth() async throws -> Int {
        try await pool.read { db in try JobRecord.fetchCount(db) }
    }

    /// When the next postponed job becomes due, if any job is waiting.
    public func nextDueDate() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(notBefore) FROM job").map { Date(timeIntervalSince1970: $0) }
        }
    }
}
