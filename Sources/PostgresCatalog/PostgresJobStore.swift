public import Catalog
public import Foundation
import Logging
import PostgresNIO

/// The job store of several machines: jobs in PostgreSQL, claimed with
/// `SELECT … FOR UPDATE SKIP LOCKED` and a lease, so two workers never take one job and
/// none waits on another's row lock; a job whose worker died is claimed again once its lease
/// has run out. Same contract as the SQLite catalog's (``JobStore``).
public struct PostgresJobStore: JobStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    var client: PostgresDatabase { database }
    var logger: Logger { database.logger }

    public func enqueue(_ paths: [String], kind: JobRecord.Kind, notBefore: Date?, now: Date) async throws {
        guard !paths.isEmpty else { return }
        let due = notBefore?.timeIntervalSince1970 ?? 0
        let enqueuedAt = now.timeIntervalSince1970
        try await database.transaction { connection in
            for path in paths {
                try await connection.query(
                    """
                    INSERT INTO job (path, kind, enqueued_at, not_before, attempts, generation)
                    VALUES (\(path), \(kind.rawValue), \(enqueuedAt), \(due), 0, nextval('job_generation'))
                    ON CONFLICT (kind, path) DO UPDATE SET
                        enqueued_at = excluded.enqueued_at, not_before = excluded.not_before,
                        attempts = 0, last_error = NULL, generation = excluded.generation
                    """, logger: logger)
            }
        }
    }

    public func claim(
        limit: Int, kinds: Set<JobRecord.Kind>?, owner: String, lease: TimeInterval, now: Date
    ) async throws -> [JobRecord] {
        let moment = now.timeIntervalSince1970
        let until = moment + lease
        let kindList = (kinds ?? Set(JobRecord.Kind.allCases)).map(\.rawValue).sorted()
        let rows = try await client.query(
            """
            WITH next AS (
                SELECT kind, path FROM job
                WHERE not_before <= \(moment) AND (lease_until IS NULL OR lease_until <= \(moment))
                    AND kind = ANY(\(kindList))
                ORDER BY kind = 'download', enqueued_at, path
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE job SET lease_owner = \(owner), lease_until = \(until)
            FROM next WHERE job.kind = next.kind AND job.path = next.path
            RETURNING job.path, job.kind, job.enqueued_at, job.not_before, job.attempts, job.last_error,
                job.generation
            """, logger: logger)
        var jobs: [JobRecord] = []
        for try await (path, kind, enqueuedAt, notBefore, attempts, lastError, generation) in rows.decode(
            (String, String, Double, Double, Int, String?, Int64).self)
        {
            guard let kind = JobRecord.Kind(rawValue: kind) else { continue }
            jobs.append(
                JobRecord(
                    path: path, kind: kind, enqueuedAt: Date(timeIntervalSince1970: enqueuedAt), notBefore: notBefore,
                    attempts: attempts, lastError: lastError, generation: Int(generation), leaseOwner: owner,
                    leaseUntil: until))
        }
        // RETURNING keeps no order: the claim's order is the queue's.
        return jobs.sorted {
            ($0.kind == .download ? 1 : 0, $0.enqueuedAt, $0.path) < (
                $1.kind == .download ? 1 : 0, $1.enqueuedAt, $1.path
            )
        }
    }

    public func finish(_ job: JobRecord) async throws {
        try await database.transaction { connection in
            let deleted = try await connection.query(
                """
                DELETE FROM job WHERE kind = \(job.kind.rawValue) AND path = \(job.path)
                    AND generation = \(Int64(job.generation)) RETURNING path
                """, logger: logger
            ).collect().count
            if deleted == 0 {
                try await connection.query(
                    """
                    UPDATE job SET lease_owner = NULL, lease_until = NULL
                    WHERE kind = \(job.kind.rawValue) AND path = \(job.path)
                    """, logger: logger)
            }
        }
    }

    public func postpone(_ job: JobRecord, error: String, until: Date) async throws {
        let due = until.timeIntervalSince1970
        try await client.query(
            """
            UPDATE job SET
                attempts = CASE WHEN generation = \(Int64(job.generation)) THEN attempts + 1 ELSE attempts END,
                last_error = CASE WHEN generation = \(Int64(job.generation)) THEN \(error) ELSE last_error END,
                not_before = CASE WHEN generation = \(Int64(job.generation)) THEN \(due) ELSE not_before END,
                lease_owner = NULL, lease_until = NULL
            WHERE kind = \(job.kind.rawValue) AND path = \(job.path)
            """, logger: logger)
    }

    public func holdDownloads(until: Date) async throws {
        try await client.query(
            """
            UPDATE job SET not_before = GREATEST(not_before, \(until.timeIntervalSince1970))
            WHERE kind = \(JobRecord.Kind.download.rawValue)
            """, logger: logger)
    }

    public func releaseLeases(owner: String?) async throws {
        if let owner {
            try await client.query(
                "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = \(owner)", logger: logger)
        } else {
            try await client.query(
                "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL", logger: logger)
        }
    }

    public func renewLeases(owner: String, until: Date) async throws {
        try await client.query(
            "UPDATE job SET lease_until = \(until.timeIntervalSince1970) WHERE lease_owner = \(owner)", logger: logger)
    }

    public func leaseOwners() async throws -> Set<String> {
        var owners: Set<String> = []
        for try await owner in try await client.query(
            "SELECT DISTINCT lease_owner FROM job WHERE lease_owner IS NOT NULL", logger: logger
        ).decode(String.self) {
            owners.insert(owner)
        }
        return owners
    }

    public func depth() async throws -> Int {
        for try await count in try await client.query("SELECT count(*) FROM job", logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    public func nextDueDate() async throws -> Date? {
        let rows = try await client.query(
            "SELECT MIN(GREATEST(not_before, COALESCE(lease_until, 0))) FROM job", logger: logger)
        for try await value in rows.decode(Double?.self) {
            return value.map { Date(timeIntervalSince1970: $0) }
        }
        return nil
    }
}
