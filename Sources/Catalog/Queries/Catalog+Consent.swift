public import Foundation
import GRDB
public import GalleryCore
import Logging

/// A consent decision to log, before it is chained.
public struct ConsentEventDraft: Sendable {
    public var consentId: String
    public var kind: ConsentEvent.Kind
    public var scope: ConsentScope
    public var decisions: [String: Bool]
    public var policyVersion: String
    public var catalogHash: String
    public var locale: String
    public var at: Date
    public var expiresAt: Date?
    public var browser: String
    public var ipHash: String?

    public init(
        consentId: String, kind: ConsentEvent.Kind, scope: ConsentScope, decisions: [String: Bool],
        policyVersion: String, catalogHash: String, locale: String, at: Date, expiresAt: Date?, browser: String,
        ipHash: String?
    ) {
        self.consentId = consentId
        self.kind = kind
        self.scope = scope
        self.decisions = decisions
        self.policyVersion = policyVersion
        self.catalogHash = catalogHash
        self.locale = locale
        self.at = at
        self.expiresAt = expiresAt
        self.browser = browser
        self.ipHash = ipHash
    }
}

/// The result of checking the consent log: its hash chain, its checkpoints and the copies
/// of the latest one.
public struct ConsentChainVerification: Sendable, Equatable {
    public var eventsChecked: Int
    /// The first event whose hash or link does not match, or that is missing, if any.
    public var brokenAt: Int64?
    public var problem: String?
    /// The first bad event's id, when it is known.
    public var eventId: String?
    /// The checkpoint that shows the problem, or is itself bad.
    public var checkpoint: Int64?
    /// Signed checkpoints the log was checked against.
    public var checkpointsChecked: Int = 0

    public var isIntact: Bool { brokenAt == nil && problem == nil }

    public init(eventsChecked: Int, brokenAt: Int64?, problem: String?) {
        self.eventsChecked = eventsChecked
        self.brokenAt = brokenAt
        self.problem = problem
    }

    init(eventsChecked: Int, checkpointsChecked: Int, finding: ConsentLogFinding?) {
        self.eventsChecked = eventsChecked
        self.checkpointsChecked = checkpointsChecked
        brokenAt = finding?.seq
        problem = finding?.problem
        eventId = finding?.eventId
        checkpoint = finding?.checkpoint
    }
}

extension Catalog {
    // MARK: Settings

    /// The consent settings in force: the admin's, else `fallback` (the config file's).
    public func consentSettings(fallback: ConsentSettings) async throws -> ConsentSettings {
        try await pool.read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT settings FROM consentSettings WHERE id = 1") else {
                return fallback
            }
            // Checked again as the admin API checks them: the catalog is not trusted blindly.
            guard let saved = try? JSONDecoder().decode(ConsentSettings.self, from: Data(json.utf8)),
                saved.problem == nil
            else { return fallback }
            return saved
        }
    }

    /// Replaces the settings, with an audit entry naming what changed.
    public func saveConsentSettings(
        _ settings: ConsentSettings, previous: ConsentSettings, actor: String, now: Date = Date()
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(settings), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO consentSettings (id, settings, updatedAt, updatedBy) VALUES (1, ?, ?, ?)",
                arguments: [json, now, actor])
            func audit(_ field: String, _ old: String, _ new: String) throws {
                guard old != new else { return }
                _ = try AuditRecord(
                    at: now, actor: actor, action: "consent.settings", target: "consent settings", field: field,
                    oldValue: old, newValue: new
                ).inserted(db)
            }
            try audit("policyVersion", previous.policyVersion, settings.policyVersion)
            try audit("lifetimeDays", String(previous.lifetimeDays), String(settings.lifetimeDays))
            try audit(
                "services", previous.enabledServices.map(\.id).joined(separator: ","),
                settings.enabledServices.map(\.id).joined(separator: ","))
            try audit("catalogHash", previous.catalogHash, settings.catalogHash)
        }
    }

    // MARK: Decisions

    /// Appends an event to the log, chained to the one before (HMAC under the log's key,
    /// made on first use), and applies it to the permanent consent's record in the same
    /// transaction. Every `checkpointEvents` events a signed checkpoint follows.
    @discardableResult
    public func record(_ draft: ConsentEventDraft, updating record: ConsentRecord? = nil) async throws -> ConsentEvent {
        let key = try consentLogFiles.chainKey(creating: true)
        let every = Int64(max(1, consentLogOptions.checkpointEvents))
        let (event, due) = try await pool.write { db in
            let previous =
                try String.fetchOne(db, sql: "SELECT hash FROM consentEvent ORDER BY seq DESC LIMIT 1")
                ?? String.fetchOne(db, sql: "SELECT hash FROM consentChainAnchor WHERE id = 1")
                ?? ConsentEvent.genesisHash
            var event = ConsentEvent(
                eventId: UUID().uuidString.lowercased(), consentId: draft.consentId, kind: draft.kind,
                scope: draft.scope, decisions: draft.decisions, policyVersion: draft.policyVersion,
                catalogHash: draft.catalogHash, locale: draft.locale, at: draft.at, expiresAt: draft.expiresAt,
                browser: draft.browser, ipHash: draft.ipHash, previousHash: previous, key: key)
            try event.insert(db)
            if let record { try record.upsert(db) }
            let checkpointed = try Int64.fetchOne(db, sql: "SELECT seq FROM consentCheckpointHead WHERE id = 1") ?? 0
            return (event, (event.seq ?? 0) - checkpointed >= every)
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

    /// Logs an `expire` event for every permanent consent past its expiry (once each).
    @discardableResult
    public func logExpiredConsents(now: Date = Date()) async throws -> Int {
        let expired = try await pool.read { db in
            try ConsentRecord.filter(
                Column("expiresAt") <= now && Column("withdrawnAt") == nil && !Column("expiryLogged")
            ).fetchAll(db)
        }
        for var record in expired {
            record.expiryLogged = true
            try await self.record(
                ConsentEventDraft(
                    consentId: record.consentId, kind: .expire, scope: .permanent,
                    decisions: Dictionary(uniqueKeysWithValues: record.granted.map { ($0, false) }),
                    policyVersion: record.policyVersion, catalogHash: record.catalogHash, locale: "", at: now,
                    expiresAt: record.expiresAt, browser: "", ipHash: nil),
                updating: record)
        }
        return expired.count
    }

    // MARK: Audit of the log

    public func consentEvents(since: Date? = nil, limit: Int? = nil) async throws -> [ConsentEvent] {
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

    /// Checks the whole log: the checkpoint file (signatures, numbering, links) and the
    /// copies of its latest line, then every event's link and hash from the anchor (pruned
    /// prefix) or genesis, every checkpointed head, and that no checkpointed event is gone.
    /// `publicKey` pins the checkpoint key (else the signing key's, else the published one).
    public func verifyConsentChain(publicKey pinned: ConsentCheckpointPublicKey? = nil) async throws
        -> ConsentChainVerification
    {
        let files = consentLogFiles
        let key = try files.chainKey(creating: false)
        let derived = try files.signingKey(creating: false)?.publicKey
        let published = files.publishedPublicKey()
        return try await pool.read { db in
            if let derived, let published, derived != published {
                return ConsentChainVerification(
                    eventsChecked: 0, checkpointsChecked: 0,
                    finding: ConsentLogFinding(
                        problem: "the public key file \(files.publicKeyFile) does not match the signing key"))
            }
            if let pinned, let trusted = derived ?? published, trusted != pinned {
                return ConsentChainVerification(
                    eventsChecked: 0, checkpointsChecked: 0,
                    finding: ConsentLogFinding(problem: "the checkpoint key is not the given public key"))
            }
            var copies: [(place: String, line: String)] = []
            if let marker = files.headMarker() { copies.append(("head marker \(files.headMarkerFile)", marker)) }
            if let line = try String.fetchOne(db, sql: "SELECT line FROM consentCheckpointHead WHERE id = 1") {
                copies.append(("catalog", line))
            }
            let trail: ConsentCheckpointTrail
            switch ConsentCheckpointTrail.verify(
                lines: try files.checkpointLines(), copies: copies, publicKey: pinned ?? derived ?? published)
            {
            case .success(let checked): trail = checked
            case .failure(let finding):
                return ConsentChainVerification(eventsChecked: 0, checkpointsChecked: 0, finding: finding)
            }
            guard let keyedFrom = try Int64.fetchOne(db, sql: "SELECT keyedFrom FROM consentChainVersion WHERE id = 1")
            else {
                return ConsentChainVerification(
                    eventsChecked: 0, checkpointsChecked: trail.checkpoints.count,
                    finding: ConsentLogFinding(problem: "the catalog no longer says where the keyed chain starts"))
            }
            var verifier = ConsentChainVerifier(
                anchor: try Self.consentAnchor(db), keyedFrom: keyedFrom, key: key, checkpoints: trail.checkpoints)
            var finding = verifier.start()
            if finding == nil {
                let cursor = try ConsentEvent.order(Column("seq")).fetchCursor(db)
                while finding == nil, let event = try cursor.next() { finding = verifier.check(event) }
            }
            return ConsentChainVerification(
                eventsChecked: verifier.eventsChecked, checkpointsChecked: trail.checkpoints.count,
                finding: finding ?? verifier.finish())
        }
    }

    static func consentAnchor(_ db: Database) throws -> ConsentChainAnchor {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM consentChainAnchor WHERE id = 1") else {
            return .genesis
        }
        return ConsentChainAnchor(seq: row["seq"], hash: row["hash"])
    }

    /// Deletes events older than `cutoff`, keeping the chain verifiable: the last deleted
    /// event's hash becomes the anchor the remaining chain starts from, and a signed
    /// checkpoint records the pruning in the same transaction (no checkpoint, no pruning).
    /// Events since the latest checkpoint are checked first: a tampered log is not pruned.
    @discardableResult
    public func pruneConsentEvents(before cutoff: Date, now: Date = Date()) async throws -> Int {
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
}
