public import Catalog
public import Foundation
import GalleryCore
public import Logging
import NIOSSL
public import PostgresNIO
import Synchronization

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
    /// Commits this node made, plus notifications of commits by any node (see ``stamp()``).
    private let changes = Atomic<UInt64>(0)
    private let listening = Atomic<Bool>(false)
    private let listener = Mutex<Task<Void, Never>?>(nil)
    /// How to open a connection of one's own, outside the pool (a session-level advisory
    /// lock lives as long as its connection); nil when made from a pool configuration.
    let connectionConfiguration: PostgresConnection.Configuration?
    /// How long a query may wait — for a connection, for the server — before it fails with
    /// ``CatalogUnavailable`` (`catalog.queryTimeoutSeconds`).
    public let queryTimeout: Duration
    /// `catalog.queryTimeoutSeconds`' default.
    public static let defaultQueryTimeout: Duration = .seconds(5)
    /// Since when, and why, the server cannot be reached (nil: it can). Kept by the change
    /// listener, whose own connection is the probe: it fails at once while the server is
    /// away and succeeds as soon as it is back.
    private let outage = Mutex<(since: Date, reason: String)?>(nil)

    public convenience init(
        configuration: PostgresClient.Configuration, queryTimeout: Duration = PostgresDatabase.defaultQueryTimeout,
        logger: Logger
    ) async throws {
        try await self.init(configuration: configuration, connection: nil, queryTimeout: queryTimeout, logger: logger)
    }

    init(
        configuration: PostgresClient.Configuration, connection: PostgresConnection.Configuration?,
        queryTimeout: Duration, logger: Logger
    ) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.connectionConfiguration = connection
        self.queryTimeout = queryTimeout
        self.runner = Task { await client.run() }
        // A lease before `run()` has started waits, but PostgresNIO warns about it on every
        // command; letting the run task start first keeps the output clean.
        await Task.yield()
        try await migrate()
        listener.withLock { $0 = Task { [weak self] in await self?.listen() } }
    }

    /// Connects to the database `catalog.url` names, with the password from
    /// `catalog.passwordFile` or `GALLERYD_CATALOG_PASSWORD` (nil: none, e.g. peer or trust
    /// authentication over the Unix socket), and brings its schema up to date. One
    /// connection is made first, so that a wrong address, database, password or TLS mode
    /// fails at once with the server's reason (``PostgresCatalogError/cannotConnect(_:_:)``)
    /// instead of after the pool's retries.
    public convenience init(
        location: PostgresLocation, password: String?,
        queryTimeout: Duration = PostgresDatabase.defaultQueryTimeout, logger: Logger
    ) async throws {
        let tls = try Self.tlsConfiguration(location)
        var probe: PostgresConnection.Configuration
        var pooled: PostgresClient.Configuration
        if let socket = location.socketPath {
            probe = .init(
                unixSocketPath: socket, username: location.user, password: password, database: location.database)
            pooled = .init(
                unixSocketPath: socket, username: location.user, password: password, database: location.database)
        } else {
            let host = location.host ?? "localhost"
            let context = try tls.map { try NIOSSLContext(configuration: $0) }
            probe = .init(
                host: host, port: location.port, username: location.user, password: password,
                database: location.database,
                tls: context.map { location.tls == .prefer ? .prefer($0) : .require($0) } ?? .disable)
            pooled = .init(
                host: host, port: location.port, username: location.user, password: password,
                database: location.database,
                tls: tls.map { location.tls == .prefer ? .prefer($0) : .require($0) } ?? .disable)
        }
        probe.options.connectTimeout = .seconds(10)
        pooled.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError {
            let place = location.socketPath.map { " (socket \($0))" } ?? ""
            throw PostgresCatalogError.cannotConnect(location.description + place, Self.reason(error))
        }
        try await self.init(configuration: pooled, connection: probe, queryTimeout: queryTimeout, logger: logger)
    }

    /// The TLS configuration of `sslmode` (nil: `disable`). As with libpq, `prefer` and
    /// `require` encrypt without checking the certificate; `verify-full` checks it and the
    /// host name, against `sslrootcert` if given.
    static func tlsConfiguration(_ location: PostgresLocation) throws -> TLSConfiguration? {
        guard location.tls != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if location.tls != .verifyFull {
            configuration.certificateVerification = .none
        } else if let roots = location.rootCertificateFile {
            configuration.trustRoots = .file(roots)
        }
        return configuration
    }

    /// What went wrong, in the server's or the system's words.
    static func reason(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] { return message }
        if error.code == .sslUnsupported { return "the server does not offer TLS (sslmode=disable, or enable ssl)" }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    /// Runs `body` in a transaction (committed when it returns, rolled back when it
    /// throws). The error `body` threw is rethrown as it is, so callers see a
    /// `ConsentLogFinding` rather than PostgresNIO's wrapper, unless the rollback failed too.
    ///
    /// While the server is known to be away it throws ``CatalogUnavailable`` at once, and so
    /// does a transaction that loses its connection.
    public func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try refuseDuringOutage()
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError, error.rollbackError == nil { throw Self.unavailable(thrown) ?? thrown }
            throw Self.unavailable(error) ?? error
        } catch {
            throw Self.unavailable(error) ?? error
        }
    }

    /// Runs one statement on a pooled connection, bounded by ``queryTimeout``; while the
    /// server is known to be away, or when the connection fails or the time runs out, it
    /// throws ``CatalogUnavailable`` instead of waiting.
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try refuseDuringOutage()
        let (client, timeout) = (self.client, queryTimeout)
        do {
            return try await withThrowingTaskGroup(of: PostgresRowSequence?.self) { group in
                group.addTask { try await client.query(query, logger: logger) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let rows = try await group.next()!.map({ $0 }) else {
                    throw CatalogUnavailable(reason: "no answer from PostgreSQL within \(timeout)")
                }
                return rows
            }
        } catch {
            throw Self.unavailable(error) ?? error
        }
    }

    /// Whether the server can be asked now, and since when not.
    public var availability: CatalogAvailability {
        outage.withLock { $0.map { .unavailable(since: $0.since, reason: $0.reason) } ?? .available }
    }

    private func refuseDuringOutage() throws {
        if let reason = outage.withLock({ $0?.reason }) { throw CatalogUnavailable(reason: reason) }
    }

    private func noteOutage(_ reason: String) {
        let began = outage.withLock { state -> Bool in
            guard state == nil else { return false }
            state = (Date(), reason)
            return true
        }
        if began {
            logger.error("the catalog's PostgreSQL server cannot be reached", metadata: ["reason": "\(reason)"])
        }
    }

    private func noteReachable() {
        let ended = outage.withLock { state -> Date? in
            defer { state = nil }
            return state?.since
        }
        if let ended {
            logger.notice(
                "the catalog's PostgreSQL server is reachable again",
                metadata: ["after": "\(String(format: "%.1f", Date().timeIntervalSince(ended))) s"])
        }
    }

    /// ``CatalogUnavailable`` for an error that means the server or the connection is gone
    /// (no SQL error of the server's; SQLSTATE classes 08, connection exception, and 57,
    /// operator intervention: shutting down, starting up); nil for any other error.
    static func unavailable(_ error: any Error) -> CatalogUnavailable? {
        if let unavailable = error as? CatalogUnavailable { return unavailable }
        if error is CancellationError { return nil }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState], !state.hasPrefix("08"), !state.hasPrefix("57") { return nil }
            return CatalogUnavailable(reason: reason(error))
        }
        return nil
    }

    /// Stops the client; queries after this fail.
    public func close() {
        listener.withLock { $0?.cancel() }
        runner.cancel()
    }

    deinit {
        listener.withLock { $0?.cancel() }
        runner.cancel()
    }

    // MARK: Records as JSON

    /// A value as a JSON column holds it (sorted keys, so equal values are equal text).
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ json: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    // MARK: Changes

    /// A value that changes whenever the catalog may have changed, read without a query:
    /// this node's commits count at once (``noteChange()``), any node's through PostgreSQL's
    /// `LISTEN galleryd_changes` (triggers on the tables readers cache notify on commit),
    /// typically within milliseconds. While no listening connection is up, every stamp
    /// differs from the last, so nothing stale is served.
    ///
    /// While the server is away the stamp stands still: what is in memory is served, stale
    /// by at most the outage, and no request waits for a server that is not there. When it
    /// is back, the stamp moves and everything is read again.
    public func stamp() -> CatalogStamp {
        guard listening.load(ordering: .acquiring) || outage.withLock({ $0 != nil }) else {
            return CatalogStamp(local: changes.add(1, ordering: .relaxed).newValue, external: 0)
        }
        return CatalogStamp(local: changes.load(ordering: .relaxed), external: 0)
    }

    /// Counts a commit of this node's.
    func noteChange() {
        changes.add(1, ordering: .relaxed)
    }

    /// Listens for other nodes' commits, on a connection of its own (outside the pool, so
    /// that a server that is away fails it at once): that connection is also the probe of
    /// ``availability``.
    private func listen() async {
        while !Task.isCancelled {
            do {
                if let configuration = connectionConfiguration {
                    let connection = try await PostgresConnection.connect(
                        configuration: configuration, id: 3, logger: logger)
                    defer { Task { try? await connection.close() } }
                    try await listen(on: connection)
                } else {
                    try await client.withConnection { connection in try await listen(on: connection) }
                }
            } catch {
                let wasListening = listening.exchange(false, ordering: .acquiringAndReleasing)
                if Task.isCancelled { return }
                logger.debug("catalog change notifications interrupted", metadata: ["error": "\(error)"])
                // A connection that dropped is made again at once; one that cannot be made
                // means the server is away.
                if wasListening { continue }
                noteOutage((error as? PSQLError).map(Self.reason) ?? "\(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func listen(on connection: PostgresConnection) async throws {
        try await connection.listen(on: "galleryd_changes") { notifications in
            listening.store(true, ordering: .releasing)
            noteReachable()
            // Whatever was committed before listening began counts too.
            noteChange()
            for try await _ in notifications { noteChange() }
        }
    }

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
        ),
        (
            "v2-consent-log",
            [
                """
                CREATE TABLE consent_settings (
                    id integer PRIMARY KEY CHECK (id = 1),
                    settings text NOT NULL,
                    updated_at timestamptz NOT NULL,
                    updated_by text NOT NULL
                )
                """,
                """
                CREATE TABLE consent_record (
                    consent_id text PRIMARY KEY,
                    granted text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    granted_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL,
                    withdrawn_at timestamptz,
                    expiry_logged boolean NOT NULL DEFAULT false
                )
                """,
                """
                CREATE INDEX consent_record_unlogged_expiry ON consent_record (expires_at)
                WHERE withdrawn_at IS NULL AND NOT expiry_logged
                """,
                """
                CREATE TABLE consent_event (
                    seq bigint PRIMARY KEY,
                    event_id text NOT NULL UNIQUE,
                    consent_id text NOT NULL,
                    kind text NOT NULL,
                    scope text NOT NULL,
                    decisions text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    locale text NOT NULL,
                    at timestamptz NOT NULL,
                    expires_at timestamptz,
                    browser text NOT NULL,
                    ip_hash text,
                    previous_hash text NOT NULL,
                    hash text NOT NULL
                )
                """,
                "CREATE INDEX consent_event_by_consent ON consent_event (consent_id)",
                "CREATE INDEX consent_event_by_at ON consent_event (at)",
                // One row: the chain's head (what the next event links to), its anchor after
                // pruning, where the keyed chain starts and the latest checkpoint's copy. An
                // append locks it (FOR UPDATE): nodes append one at a time, to one chain.
                """
                CREATE TABLE consent_chain (
                    id integer PRIMARY KEY CHECK (id = 1),
                    head_seq bigint NOT NULL,
                    head_hash text NOT NULL,
                    anchor_seq bigint NOT NULL,
                    anchor_hash text NOT NULL,
                    pruned_at timestamptz,
                    keyed_from bigint NOT NULL,
                    checkpoint_seq bigint NOT NULL DEFAULT 0,
                    checkpoint_line text
                )
                """,
                """
                INSERT INTO consent_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, keyed_from)
                VALUES (1, 0, \(ConsentEvent.genesisHash), 0, \(ConsentEvent.genesisHash), 1)
                """,
                """
                CREATE TABLE audit (
                    id bigserial PRIMARY KEY,
                    at timestamptz NOT NULL,
                    actor text NOT NULL,
                    action text NOT NULL,
                    target text NOT NULL,
                    field text,
                    old_value text,
                    new_value text
                )
                """,
                "CREATE INDEX audit_by_at ON audit (at)",
            ]
        ),
        (
            "v3-admin-tokens",
            [
                // Only the secret's SHA-256 is stored (AdminToken).
                """
                CREATE TABLE admin_token (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    scope text NOT NULL,
                    secret_hash text NOT NULL,
                    created_at timestamptz NOT NULL,
                    last_used_at timestamptz,
                    revoked_at timestamptz
                )
                """,
                "CREATE INDEX admin_token_by_name ON admin_token (name)",
            ]
        ),
        (
            "v4-once-grants",
            [
                """
                CREATE TABLE once_grant (
                    token_hash text PRIMARY KEY,
                    services text NOT NULL,
                    policy_version text NOT NULL,
                    catalog_hash text NOT NULL,
                    embed_id text,
                    expires_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX once_grant_by_expiry ON once_grant (expires_at)",
            ]
        ),
        (
            // Each record's fields as its Codable JSON (`record`), beside the columns that are
            // queried, constrained or changed in place; the columns win when both hold a field.
            "v5-galleries",
            [
                """
                CREATE TABLE gallery (
                    id bigserial PRIMARY KEY,
                    folder text NOT NULL UNIQUE,
                    slug text NOT NULL UNIQUE,
                    published boolean NOT NULL,
                    revision bigint NOT NULL DEFAULT 1,
                    updated_at timestamptz NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                """
                CREATE TABLE asset (
                    id text PRIMARY KEY,
                    gallery_id bigint NOT NULL REFERENCES gallery (id) ON DELETE CASCADE,
                    path text NOT NULL UNIQUE,
                    file_name text NOT NULL,
                    taken_at timestamptz,
                    file_size bigint NOT NULL,
                    modified_at double precision NOT NULL,
                    source_hash text NOT NULL,
                    variant_key text NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                "CREATE INDEX asset_by_gallery ON asset (gallery_id)",
                "CREATE INDEX asset_by_variant ON asset (source_hash, variant_key)",
                """
                CREATE TABLE rendition (
                    asset_id text NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
                    role text NOT NULL,
                    width integer NOT NULL,
                    height integer NOT NULL,
                    format text NOT NULL,
                    bytes bigint NOT NULL,
                    path text NOT NULL,
                    PRIMARY KEY (asset_id, role, width, format)
                )
                """,
                """
                CREATE TABLE quarantine (
                    path text PRIMARY KEY,
                    code text NOT NULL,
                    reason text NOT NULL,
                    file_size bigint,
                    modified_at double precision,
                    attempts integer NOT NULL DEFAULT 1,
                    quarantined_at timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE retired_variant (
                    source_hash text NOT NULL,
                    variant_key text NOT NULL,
                    retired_at timestamptz NOT NULL,
                    PRIMARY KEY (source_hash, variant_key)
                )
                """,
                // Keyed by asset id (derived from the path), so an override survives re-ingest.
                """
                CREATE TABLE asset_override (
                    asset_id text PRIMARY KEY,
                    hidden boolean NOT NULL DEFAULT false,
                    record jsonb NOT NULL
                )
                """,
                "CREATE TABLE gallery_override (folder text PRIMARY KEY, record jsonb NOT NULL)",
                "CREATE TABLE setting (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE embed (
                    id text PRIMARY KEY,
                    gallery_folder text NOT NULL,
                    source text NOT NULL,
                    position integer NOT NULL,
                    created_at timestamptz NOT NULL,
                    record jsonb NOT NULL
                )
                """,
                "CREATE INDEX embed_by_gallery ON embed (gallery_folder, position, created_at)",
                // Every node's caches learn of a commit by any node (LISTEN galleryd_changes).
                """
                CREATE FUNCTION galleryd_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('galleryd_changes', TG_TABLE_NAME);
                    RETURN NULL;
                END
                $$
                """,
                """
                DO $$
                DECLARE name text;
                BEGIN
                    FOREACH name IN ARRAY ARRAY['gallery', 'asset', 'rendition', 'asset_override',
                        'gallery_override', 'embed', 'consent_settings', 'consent_record']
                    LOOP
                        EXECUTE format('CREATE TRIGGER %I_changed AFTER INSERT OR UPDATE OR DELETE ON %I '
                            'FOR EACH STATEMENT EXECUTE FUNCTION galleryd_notify_change()', name, name);
                    END LOOP;
                END
                $$
                """,
            ]
        ),
        (
            // Whose leases are out (a pass or a daemon starting releases its machine's ended
            // processes'): a partial index, one entry per job in hand.
            "v6-job-lease-owner",
            ["CREATE INDEX job_by_lease_owner ON job (lease_owner) WHERE lease_owner IS NOT NULL"]
        ),
        (
            // Embargo and expiry (the gallery's resolved window as columns; the admin's windows
            // in the overrides' records), whose a retired rendition folder was, and erased
            // photos' tombstones (see the SQLite migration of the same name).
            "v7-publication-erasure",
            [
                "ALTER TABLE gallery ADD COLUMN publish_at timestamptz, ADD COLUMN unpublish_at timestamptz",
                "ALTER TABLE retired_variant ADD COLUMN asset_id text",
                "CREATE INDEX retired_variant_by_source ON retired_variant (source_hash)",
                "CREATE INDEX asset_by_source ON asset (source_hash)",
                "CREATE INDEX embed_by_preview ON embed ((record->>'previewPath'))",
                """
                CREATE TABLE erasure (
                    source_hash text PRIMARY KEY,
                    asset_id text NOT NULL,
                    path text NOT NULL,
                    erased_at timestamptz NOT NULL,
                    erased_by text NOT NULL,
                    reason text NOT NULL
                )
                """,
                """
                CREATE TRIGGER erasure_changed AFTER INSERT OR UPDATE OR DELETE ON erasure
                FOR EACH STATEMENT EXECUTE FUNCTION galleryd_notify_change()
                """,
            ]
        ),
    ]

    /// An arbitrary fixed key for `pg_advisory_xact_lock`: galleryd's schema changes.
    static let migrationLock: Int64 = 0x6761_6C6C_6572_7964  // "galleryd"

    private func migrate() async throws {
        try await transaction { connection in
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
