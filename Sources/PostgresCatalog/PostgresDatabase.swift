public import Catalog
import Foundation
import GalleryCore
public import Logging
import NIOSSL
public import PostgresNIO
import Synchronization
import _ConnectionPoolModule

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
    /// The connection pool queries go through now (see ``pool``).
    public var client: PostgresClient { pool.withLock { $0.client } }
    let logger: Logger
    /// The pool and the task running it. An outage replaces both (``noteOutage(_:)``):
    /// the old pool's force shutdown fails the requests queued for a connection at once
    /// (PostgresNIO keeps them waiting up to a minute, with no timeout of their own), and
    /// the new pool has no backoff to sit out when the server returns (the old one's grows
    /// to seconds while the server is away, 100 ms × 1.25ⁿ).
    private let pool: Mutex<(client: PostgresClient, runner: Task<Void, Never>)>
    private let poolConfiguration: PostgresClient.Configuration
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
        self.pool = Mutex(Self.startPool(configuration, logger: logger))
        self.poolConfiguration = configuration
        self.logger = logger
        self.connectionConfiguration = connection
        self.queryTimeout = queryTimeout
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

    private static func startPool(
        _ configuration: PostgresClient.Configuration, logger: Logger
    ) -> (client: PostgresClient, runner: Task<Void, Never>) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return (client, Task { await client.run() })
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
        guard began else { return }
        logger.error("the catalog's PostgreSQL server cannot be reached", metadata: ["reason": "\(reason)"])
        // Only the listener's connection ever uses a pool made from a pool configuration.
        guard connectionConfiguration != nil else { return }
        let fresh = Self.startPool(poolConfiguration, logger: logger)
        let old = pool.withLock { pool in
            defer { pool = fresh }
            return pool.runner
        }
        old.cancel()
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
        // The pool was replaced or shut down while the request waited, or gave up making
        // connections (its circuit breaker).
        if let error = error as? ConnectionPoolError, error != .requestCancelled {
            return CatalogUnavailable(reason: "no connection to PostgreSQL (\(error))")
        }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState], !state.hasPrefix("08"), !state.hasPrefix("57") { return nil }
            return CatalogUnavailable(reason: reason(error))
        }
        return nil
    }

    /// Stops the client; queries after this fail.
    public func close() {
        listener.withLock { $0?.cancel() }
        pool.withLock { $0.runner.cancel() }
    }

    deinit {
        listener.withLock { $0?.cancel() }
        pool.withLock { $0.runner.cancel() }
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
            // Every request is refused until this probe succeeds: a quick one (a refused
            // connection costs next to nothing) ends the outage soon after the server's.
            try? await Task.sleep(for: .milliseconds(250))
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
}
