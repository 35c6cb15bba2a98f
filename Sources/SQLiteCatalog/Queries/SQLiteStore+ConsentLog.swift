public import Catalog
public import Foundation
import GRDB
public import GalleryCore
import Logging

/// The consent log of one machine, in the SQLite catalog. SQLite has one writer at a time,
/// so appends are serialised by the write transaction itself.
extension SQLiteStore: ConsentLog {
    /// The consent log's files beside this catalog (keys, checkpoints).
    public var consentLogFiles: ConsentLogFiles {
        ConsentLogFiles(
            dataDirectory: consentLogOptions.dataDirectory ?? (pool.path as NSString).deletingLastPathComponent,
            chainKeyFile: consentLogOptions.keyFile)
    }

    // MARK: Settings

    public func consentSettings(fallback: ConsentSettings) async throws -> ConsentSettings {
        let json = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT settings FROM consentSettings WHERE id = 1")
        }
        return ConsentSettings.saved(json, fallback: fallback)
    }

    public func saveConsentSettings(
        _ settings: ConsentSettings, previous: ConsentSettings, actor: String, now: Date
    ) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO consentSettings (id, settings, updatedAt, updatedBy) VALUES (1, ?, ?, ?)",
                arguments: [settings.storedJSON, now, actor])
            for change in settings.changes(from: previous) {
                _ = try AuditRecord(
                    at: now, actor: actor, action: "consent.settings", target: "consent settings", field: change.field,
                    oldValue: change.old, newValue: change.new
                ).inserted(db)
            }
        }
    }

    // MARK: Decisions

    @discardableResult
    public func record(_ draft: ConsentEventDraft, updating record: ConsentRecord?) async throws -> ConsentEvent {
        let key = try consentLogFiles.chainKey(creating: true)
        let every = Int64(max(1, consentLogOptions.checkpointEvents))
        let (event, due) = try await pool.write { db in
            let previous =
                try String.fetchOne(db, sql: "SELECT hash FROM consentEvent ORDER BY seq DESC LIMIT 1")
                ?? String.fetchOne(db, sql: "SELECT hash FROM consentChainAnchor WHERE id = 1")
                ?? ConsentEvent.genesisHash
            var event = draft.event(previousHash: previous, key: key)
            try event.insert(db)
            if let record { try record.upsert(db) }
            let checkpointed = try Int64.fetchOne(db, sql: "SELECT seq FROM consentCheckpointHead WHERE id = 1") ?? 0
            // The first event is signed at once (no window without a checkpoint), then one
            // every `every` events (at each multiple).
            let seq = event.seq ?? 0
            return (event, checkpointed == 0 || seq / every > checkpointed / every)
        }
        if due {
            // The decision is logged either way; a failed checkpoint is retried with the next event.
            do {
                try await writeConsentCheckpoint(reason: "events")
            } catch {
                logger.error("consent checkpoint not written", metadata: ["error": "\(error)"])
            }
        }
        return event
    }

    public func consentRecord(id: String) async throws -> ConsentRecord? {
        try await pool.read { db in try ConsentRecord.fetchOne(db, key: id) }
    }

    public func unloggedExpiredConsents(now: Date) async throws -> [ConsentRecord] {
        try await pool.read { db in
            try ConsentRecord.filter(
                Column("expiresAt") <= now && Column("withdrawnAt") == nil && !Column("expiryLogged")
            ).fetchAll(db)
        }
    }

    // MARK: Audit of the log

    public func consentEvents(since: Date?, limit: Int?) async throws -> [ConsentEvent] {
        try await pool.read { db in
            var request = ConsentEvent.order(Column("seq"))
            if let since { request = request.filter(Column("at") >= since) }
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }

    public func consentEventCount() async throws -> Int {
        try await pool.read { db in try ConsentEvent.fetchCount(db) }
    }

    public func verifyConsentChain(publicKey pinned: ConsentCheckpointPublicKey?, witnesses: [ConsentCheckpoint])
        async throws -> ConsentChainVerification
    {
        let files = consentLogFiles
        let maximumUnsignedAge = consentLogOptions.maximumUnsignedAge
        let linksOnlyWithoutKey = consentLogOptions.linksOnlyWithoutKey
        return try await pool.read { db in
            switch try files.verification(of: try Self.consentChainState(db), pinned: pinned, witnesses: witnesses) {
            case .finished(let verification): return verification
            case .events(var verifier, let checkpoints):
                verifier.linksOnlyWithoutKey = linksOnlyWithoutKey
                var finding = verifier.start()
                if finding == nil {
                    let cursor = try ConsentEvent.order(Column("seq")).fetchCursor(db)
                    while finding == nil, let event = try cursor.next() { finding = verifier.check(event) }
                }
                return ConsentChainVerification(
                    eventsChecked: verifier.eventsChecked, checkpointsChecked: checkpoints,
                    finding: finding ?? verifier.finish(maximumUnsignedAge: maximumUnsignedAge))
            }
        }
    }

    @discardableResult
    public func pruneConsentEvents(before cutoff: Date, now: Date) async throws -> Int {
        try await pool.write { db in
            guard
                let last = try Row.fetchOne(
                    db, sql: "SELECT seq, hash FROM consentEvent WHERE at < ? ORDER BY seq DESC LIMIT 1",
                    arguments: [cutoff])
            else { return 0 }
            try self.verifyConsentTail(db)
            let seq: Int64 = last["seq"]
            let hash: String = last["hash"]
            try db.execute(sql: "DELETE FROM consentEvent WHERE seq <= ?", arguments: [seq])
            let deleted = db.changesCount
            try db.execute(
                sql: "INSERT OR REPLACE INTO consentChainAnchor (id, seq, hash, prunedAt) VALUES (1, ?, ?, ?)",
                arguments: [seq, hash, now])
            try self.appendConsentCheckpoint(db, reason: "prune", now: now, force: true)
            return deleted
        }
    }

    // MARK: Checkpoints

    @discardableResult
    public func writeConsentCheckpoint(reason: String, now: Date, force: Bool) async throws -> ConsentCheckpoint? {
        try await pool.write { db in
            try self.verifyConsentTail(db)
            return try self.appendConsentCheckpoint(db, reason: reason, now: now, force: force)
        }
    }

    /// What the catalog holds about the chain; nil when it no longer says where the keyed
    /// chain starts (a catalog edited by hand).
    static func consentChainState(_ db: Database) throws -> ConsentChainState? {
        guard let keyedFrom = try Int64.fetchOne(db, sql: "SELECT keyedFrom FROM consentChainVersion WHERE id = 1")
        else { return nil }
        let anchor = try Row.fetchOne(db, sql: "SELECT seq, hash FROM consentChainAnchor WHERE id = 1").map {
            ConsentChainAnchor(seq: $0["seq"], hash: $0["hash"])
        }
        return ConsentChainState(
            anchor: anchor ?? .genesis, keyedFrom: keyedFrom,
            checkpointCopy: try String.fetchOne(db, sql: "SELECT line FROM consentCheckpointHead WHERE id = 1"))
    }

    /// The state the checkpoint checks start from (a missing `keyedFrom` reads as 0, which
    /// no checkpoint signs, so the checks report the downgrade).
    private func checkedChainState(_ db: Database) throws -> ConsentChainState {
        try Self.consentChainState(db)
            ?? ConsentChainState(
                anchor: .genesis, keyedFrom: 0,
                checkpointCopy: try String.fetchOne(db, sql: "SELECT line FROM consentCheckpointHead WHERE id = 1"))
    }

    /// Checks what changed since the latest checkpoint (``ConsentTailCheck``).
    func verifyConsentTail(_ db: Database) throws {
        guard var check = try consentLogFiles.tailCheck(try checkedChainState(db)) else { return }
        let after = try check.start(head: try check.headSeq.flatMap { try ConsentEvent.fetchOne(db, key: $0) })
        let cursor = try ConsentEvent.filter(Column("seq") > after).order(Column("seq")).fetchCursor(db)
        while let event = try cursor.next() { try check.check(event) }
    }

    /// Signs the current state, appends it to the files and keeps the catalog's copy.
    @discardableResult
    func appendConsentCheckpoint(_ db: Database, reason: String, now: Date, force: Bool) throws -> ConsentCheckpoint? {
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash, eventId FROM consentEvent ORDER BY seq DESC LIMIT 1")
            .map { ConsentChainHead(seq: $0["seq"], hash: $0["hash"], eventId: $0["eventId"]) }
        let state = try checkedChainState(db)
        guard
            let checkpoint = try consentLogFiles.appendCheckpoint(
                state, head: head, events: ConsentChainState.eventCount(state, head: head), reason: reason,
                now: now, force: force, logger: logger)
        else { return nil }
        try db.execute(
            sql: "INSERT OR REPLACE INTO consentCheckpointHead (id, checkpoint, seq, line) VALUES (1, ?, ?, ?)",
            arguments: [checkpoint.checkpoint, checkpoint.seq, checkpoint.jsonLine])
        return checkpoint
    }
}
