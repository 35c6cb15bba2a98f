public import Foundation
public import Logging
public import PostgresNIO

/// A PostgreSQL database galleryd keeps its shared state in (several machines, one
/// catalog): a pooled client (PostgresNIO) that runs while this value lives, and the
/// schema, brought up to date by named, append-only migrations — one node at a time,
/// under an advisory lock.
///
/// ```swift
/// let database = try await PostgresDatabase(configuration: .init(
///     unixSocketPath: "/run/postgresql/.s.PGSQL.5432", username: "galleryd", password: nil,
///     database: "galleryd"), logger: logger)
/// let jobs = PostgresJobStore(database: database)
/// ```
public final class PostgresDatabase: Sendable {
    public let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    public init(configuration: PostgresClient.Configuration, logger: Logger) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.runner = Task { await client.run() }
        try await migrate()
    }

    /// Stops the client; queries after this fail.
    public func close() {
        runner.cancel()
    }

    deinit { runner.cancel() }

    /// Named migrations, applied once each, in order. Never edit a shipped one: add the next.
    static let migrations: [(name: String, statements: [PostgresQuery])] = [
        (
            "v1-jobs",
            [
                """
                CREATE TABLE job (
                    path text NOT NULL,
                    kind text NOT NULL,
                    enqueued_at double precision NOT NULL,
                    not_before double precision NOT NULL DEFAULT 0,
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text,
                    generation bigint NOT NULL,
                    lease_owner text,
                    lease_until double precision,
                    PRIMARY KEY (kind, path)
                )
                """,
                "CREATE INDEX job_by_due ON job (not_before, enqueued_at)",
                "CREATE SEQUENCE job_generation",
            ]
        )
    ]

    /// An arbitrary fixed key for `pg_advisory_xact_lock`: galleryd's schema changes.
    static let migrationLock: Int64 = 0x6761_6C6C_6572_7964  // "galleryd"

    private func migrate() async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS galleryd_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM galleryd_migration", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in Self.migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO galleryd_migration (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}
