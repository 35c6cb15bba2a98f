public import Catalog
public import Foundation
public import GalleryCore
import Logging
import PostgresNIO

/// The consent log of several machines, in PostgreSQL. An append locks the chain's one
/// row (`consent_chain … FOR UPDATE`), reads the hash to link to, inserts the event with
/// the next sequence number and moves the head, in one transaction: however many nodes
/// append at once, the log stays one chain with no gap. Checkpoints take the same lock.
/// Same contract as the SQLite catalog's (``ConsentLog``).
public struct PostgresConsentLog: ConsentLog {
    let database: PostgresDatabase
    let options: ConsentLogOptions
    public let consentLogFiles: ConsentLogFiles

    /// `dataDirectory` holds the log's keys and checkpoint file (``ConsentLogFiles``):
    /// every node of one log must see the same files.
    public init(database: PostgresDatabase, dataDirectory: String, options: ConsentLogOptions = ConsentLogOptions()) {
        self.database = database
        self.options = options
        self.consentLogFiles = ConsentLogFiles(dataDirectory: dataDirectory, chainKeyFile: options.keyFile)
    }

    var client: PostgresDatabase { database }
    var logger: Logger { database.logger }

    // MARK: Settings

    public func consentSettings(fallback: ConsentSettings) async throws -> ConsentSettings {
        let rows = try await client.query("SELECT settings FROM consent_settings WHERE id = 1", logger: logger)
        var json: String?
        for try await settings in rows.decode(String.self) { json = settings }
        return ConsentSettings.saved(json, fallback: fallback)
    }

    public func saveConsentSettings(
        _ settings: ConsentSettings, previous: ConsentSettings, actor: String, now: Date
    ) async throws {
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO consent_settings (id, settings, updated_at, updated_by) VALUES (1, \(settings.storedJSON), \(now), \(actor))
                ON CONFLICT (id) DO UPDATE SET
                    settings = excluded.settings, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, logger: logger)
            for change in settings.changes(from: previous) {
                try await connection.query(
                    """
                    INSERT INTO audit (at, actor, action, target, field, old_value, new_value)
                    VALUES (\(now), \(actor), 'consent.settings', 'consent settings', \(change.field), \(change.old), \(change.new))
                    """, logger: logger)
            }
        }
    }

    // MARK: Decisions

    @discardableResult
    public func record(_ draft: ConsentEventDraft, updating record: ConsentRecord?) async throws -> ConsentEvent {
        let key = try consentLogFiles.chainKey(creating: true)
        let every = Int64(max(1, options.checkpointEvents))
        let (event, due) = try await database.transaction { connection in
            var head: (seq: Int64, hash: String, checkpointed: Int64)?
            for try await row in try await connection.query(
                "SELECT head_seq, head_hash, checkpoint_seq FROM consent_chain WHERE id = 1 FOR UPDATE", logger: logger
            ).decode((Int64, String, Int64).self) {
                head = row
            }
            guard let head else { throw PostgresCatalogError.missingRow("consent_chain") }
            var event = draft.event(previousHash: head.hash, key: key)
            event.seq = head.seq + 1
            try await Self.insert(event, connection, logger: logger)
            try await connection.query(
                "UPDATE consent_chain SET head_seq = \(head.seq + 1), head_hash = \(event.hash) WHERE id = 1",
                logger: logger)
            if let record { try await Self.upsert(record, connection, logger: logger) }
            // The first event is signed at once (no window without a checkpoint), then one
            // every `every` events (at each multiple).
            return (event, head.checkpointed == 0 || (head.seq + 1) / every > head.checkpointed / every)
        }
        if due {
            // The decision is logged either way; a failed checkpoint is retried with the next event.
            do {
                try await writeConsentCheckpoint(reason: "events", now: Date(), force: false)
            } catch {
                logger.error("consent checkpoint not written", metadata: ["error": "\(error)"])
            }
        }
        return event
    }

    /// Shared with ``PostgresCatalogTransfer``, which loads events as they are.
    static func insert(_ event: ConsentEvent, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO consent_event (
                seq, event_id, consent_id, kind, scope, decisions, policy_version, catalog_hash, locale, at,
                expires_at, browser, ip_hash, previous_hash, hash)
            VALUES (
                \(event.seq ?? 0), \(event.eventId), \(event.consentId), \(event.kind.rawValue),
                \(event.scope.rawValue), \(try PostgresDatabase.json(event.decisions)), \(event.policyVersion), \(event.catalogHash),
                \(event.locale), \(event.at), \(event.expiresAt), \(event.browser), \(event.ipHash),
                \(event.previousHash), \(event.hash))
            """, logger: logger)
    }

    static func upsert(_ record: ConsentRecord, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO consent_record (
                consent_id, granted, policy_version, catalog_hash, granted_at, expires_at, withdrawn_at, expiry_logged)
            VALUES (
                \(record.consentId), \(try PostgresDatabase.json(record.granted)), \(record.policyVersion), \(record.catalogHash),
                \(record.grantedAt), \(record.expiresAt), \(record.withdrawnAt), \(record.expiryLogged))
            ON CONFLICT (consent_id) DO UPDATE SET
                granted = excluded.granted, policy_version = excluded.policy_version,
                catalog_hash = excluded.catalog_hash, granted_at = excluded.granted_at,
                expires_at = excluded.expires_at, withdrawn_at = excluded.withdrawn_at,
                expiry_logged = excluded.expiry_logged
            """, logger: logger)
    }

    static let recordColumns =
        "consent_id, granted, policy_version, catalog_hash, granted_at, expires_at, withdrawn_at, expiry_logged"

    public func consentRecord(id: String) async throws -> ConsentRecord? {
        try await Self.records(
            try await client.query(
                "SELECT \(unescaped: Self.recordColumns) FROM consent_record WHERE consent_id = \(id)", logger: logger)
        ).first
    }

    public func unloggedExpiredConsents(now: Date) async throws -> [ConsentRecord] {
        try await Self.records(
            try await client.query(
                """
                SELECT \(unescaped: Self.recordColumns) FROM consent_record
                WHERE expires_at <= \(now) AND withdrawn_at IS NULL AND NOT expiry_logged
                """, logger: logger))
    }

    static func records(_ rows: PostgresRowSequence) async throws -> [ConsentRecord] {
        var records: [ConsentRecord] = []
        for try await (id, granted, policyVersion, catalogHash, grantedAt, expiresAt, withdrawnAt, expiryLogged)
            in rows.decode((String, String, String, String, Date, Date, Date?, Bool).self)
        {
            var record = ConsentRecord(
                consentId: id, granted: try PostgresDatabase.decode([String].self, granted),
                policyVersion: policyVersion,
                catalogHash: catalogHash, grantedAt: grantedAt, expiresAt: expiresAt)
            record.withdrawnAt = withdrawnAt
            record.expiryLogged = expiryLogged
            records.append(record)
        }
        return records
    }

    // MARK: Audit of the log

    static let eventColumns = """
        seq, event_id, consent_id, kind, scope, decisions, policy_version, catalog_hash, locale, at, expires_at,
        browser, ip_hash, previous_hash, hash
        """

    public func consentEvents(since: Date?, limit: Int?) async throws -> [ConsentEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.eventColumns) FROM consent_event
            WHERE at >= \(since ?? .distantPast) ORDER BY seq LIMIT \(Int64(limit ?? Int(Int64.max)))
            """, logger: logger)
        var events: [ConsentEvent] = []
        for try await row in rows { events.append(try Self.event(row)) }
        return events
    }

    public func consentEventCount() async throws -> Int {
        try await count("SELECT count(*) FROM consent_event")
    }

    public func verifyConsentChain(publicKey pinned: ConsentCheckpointPublicKey?, witnesses: [ConsentCheckpoint])
        async throws -> ConsentChainVerification
    {
        let files = consentLogFiles
        return try await database.transaction { connection in
            // One snapshot for the chain row and every event.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            switch try files.verification(
                of: try await chainState(connection, locking: false), pinned: pinned, witnesses: witnesses)
            {
            case .finished(let verification): return verification
            case .events(var verifier, let checkpoints):
                var finding = verifier.start()
                if finding == nil {
                    let rows = try await connection.query(
                        "SELECT \(unescaped: Self.eventColumns) FROM consent_event ORDER BY seq", logger: logger)
                    for try await row in rows where finding == nil { finding = verifier.check(try Self.event(row)) }
                }
                return ConsentChainVerification(
                    eventsChecked: verifier.eventsChecked, checkpointsChecked: checkpoints,
                    finding: finding ?? verifier.finish(maximumUnsignedAge: options.maximumUnsignedAge))
            }
        }
    }

    @discardableResult
    public func pruneConsentEvents(before cutoff: Date, now: Date) async throws -> Int {
        try await database.transaction { connection in
            var state = try await chainState(connection, locking: true)
            var last: (seq: Int64, hash: String)?
            for try await row in try await connection.query(
                "SELECT seq, hash FROM consent_event WHERE at < \(cutoff) ORDER BY seq DESC LIMIT 1", logger: logger
            ).decode((Int64, String).self) {
                last = row
            }
            guard let last else { return 0 }
            try await verifyTail(state, connection)
            let deleted = try await count(
                "WITH gone AS (DELETE FROM consent_event WHERE seq <= \(last.seq) RETURNING 1) SELECT count(*) FROM gone",
                connection)
            try await connection.query(
                """
                UPDATE consent_chain SET anchor_seq = \(last.seq), anchor_hash = \(last.hash), pruned_at = \(now)
                WHERE id = 1
                """, logger: logger)
            state.anchor = ConsentChainAnchor(seq: last.seq, hash: last.hash)
            try await appendCheckpoint(state, connection, reason: "prune", now: now, force: true)
            return deleted
        }
    }

    // MARK: Checkpoints

    @discardableResult
    public func writeConsentCheckpoint(reason: String, now: Date, force: Bool) async throws -> ConsentCheckpoint? {
        try await database.transaction { connection in
            let state = try await chainState(connection, locking: true)
            try await verifyTail(state, connection)
            return try await appendCheckpoint(state, connection, reason: reason, now: now, force: force)
        }
    }

    /// The chain row; `locking` holds it until the transaction ends (no append meanwhile).
    private func chainState(_ connection: PostgresConnection, locking: Bool) async throws -> ConsentChainState {
        let rows = try await connection.query(
            """
            SELECT anchor_seq, anchor_hash, keyed_from, checkpoint_line FROM consent_chain WHERE id = 1
            \(unescaped: locking ? "FOR UPDATE" : "")
            """, logger: logger)
        for try await (anchorSeq, anchorHash, keyedFrom, line) in rows.decode((Int64, String, Int64, String?).self) {
            return ConsentChainState(
                anchor: ConsentChainAnchor(seq: anchorSeq, hash: anchorHash), keyedFrom: keyedFrom,
                checkpointCopy: line)
        }
        throw PostgresCatalogError.missingRow("consent_chain")
    }

    /// Checks what changed since the latest checkpoint (``ConsentTailCheck``).
    private func verifyTail(_ state: ConsentChainState, _ connection: PostgresConnection) async throws {
        guard var check = try consentLogFiles.tailCheck(state) else { return }
        var head: ConsentEvent?
        if let seq = check.headSeq {
            for try await row in try await connection.query(
                "SELECT \(unescaped: Self.eventColumns) FROM consent_event WHERE seq = \(seq)", logger: logger)
            {
                head = try Self.event(row)
            }
        }
        let after = try check.start(head: head)
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.eventColumns) FROM consent_event WHERE seq > \(after) ORDER BY seq",
            logger: logger)
        for try await row in rows { try check.check(try Self.event(row)) }
    }

    /// Signs the current state, appends it to the files and keeps the catalog's copy.
    @discardableResult
    private func appendCheckpoint(
        _ state: ConsentChainState, _ connection: PostgresConnection, reason: String, now: Date, force: Bool
    ) async throws -> ConsentCheckpoint? {
        var head: ConsentChainHead?
        for try await (seq, hash, eventId) in try await connection.query(
            "SELECT seq, hash, event_id FROM consent_event ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, String, String).self) {
            head = ConsentChainHead(seq: seq, hash: hash, eventId: eventId)
        }
        guard
            let checkpoint = try consentLogFiles.appendCheckpoint(
                state, head: head, events: ConsentChainState.eventCount(state, head: head), reason: reason, now: now,
                force: force, logger: logger)
        else { return nil }
        try await connection.query(
            "UPDATE consent_chain SET checkpoint_seq = \(checkpoint.seq), checkpoint_line = \(checkpoint.jsonLine) WHERE id = 1",
            logger: logger)
        return checkpoint
    }

    // MARK: Rows

    static func event(_ row: PostgresRow) throws -> ConsentEvent {
        let (
            seq, eventId, consentId, kind, scope, decisions, policyVersion, catalogHash, locale, at, expiresAt,
            browser, ipHash, previousHash, hash
        ) = try row.decode(
            (
                Int64, String, String, String, String, String, String, String, String, Date, Date?, String, String?,
                String, String
            ).self)
        guard let kind = ConsentEvent.Kind(rawValue: kind), let scope = ConsentScope(rawValue: scope) else {
            throw PostgresCatalogError.unreadable("consent_event \(seq): kind \(kind), scope \(scope)")
        }
        // Built as logged, then given the stored hash: verifying compares the two.
        var event = ConsentEvent(
            eventId: eventId, consentId: consentId, kind: kind, scope: scope,
            decisions: try PostgresDatabase.decode([String: Bool].self, decisions), policyVersion: policyVersion,
            catalogHash: catalogHash, locale: locale, at: at, expiresAt: expiresAt, browser: browser, ipHash: ipHash,
            previousHash: previousHash)
        event.seq = seq
        event.hash = hash
        return event
    }

    /// The count a `SELECT count(*)` answers, on `connection` or the pool.
    private func count(_ query: PostgresQuery, _ connection: PostgresConnection? = nil) async throws -> Int {
        let rows =
            if let connection {
                try await connection.query(query, logger: logger)
            } else {
                try await client.query(query, logger: logger)
            }
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }
}

/// The PostgreSQL catalog holds something galleryd cannot use.
public enum PostgresCatalogError: Error, CustomStringConvertible {
    /// A row every galleryd schema has is gone (a database edited by hand).
    case missingRow(String)
    case unreadable(String)
    /// The server cannot be reached or refused us: the location and the reason.
    case cannotConnect(String, String)

    public var description: String {
        switch self {
        case .cannotConnect(let location, let reason): "cannot connect to \(location): \(reason)"
        case .missingRow(let table): "the catalog's \(table) row is missing"
        case .unreadable(let what): "unreadable catalog row: \(what)"
        }
    }
}
