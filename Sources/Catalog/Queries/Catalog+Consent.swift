public import Foundation
import GRDB
public import GalleryCore

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

/// The result of checking the consent log's hash chain.
public struct ConsentChainVerification: Sendable, Equatable {
    public var eventsChecked: Int
    /// The first event whose hash or link does not match, if any.
    public var brokenAt: Int64?
    public var problem: String?

    public var isIntact: Bool { brokenAt == nil && problem == nil }
}

extension Catalog {
    // MARK: Settings

    /// The consent settings in force: the admin's, else `fallback` (the config file's).
    public func consentSettings(fallback: ConsentSettings) async throws -> ConsentSettings {
        try await pool.read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT settings FROM consentSettings WHERE id = 1") else {
                return fallback
            }
            return (try? JSONDecoder().decode(ConsentSettings.self, from: Data(json.utf8))) ?? fallback
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

    /// Appends an event to the log, chained to the one before, and applies it to the
    /// permanent consent's record in the same transaction.
    @discardableResult
    public func record(_ draft: ConsentEventDraft, updating record: ConsentRecord? = nil) async throws -> ConsentEvent {
        try await pool.write { db in
            let previous =
                try String.fetchOne(db, sql: "SELECT hash FROM consentEvent ORDER BY seq DESC LIMIT 1")
                ?? String.fetchOne(db, sql: "SELECT hash FROM consentChainAnchor WHERE id = 1")
                ?? ConsentEvent.genesisHash
            var event = ConsentEvent(
                eventId: UUID().uuidString.lowercased(), consentId: draft.consentId, kind: draft.kind,
                scope: draft.scope, decisions: draft.decisions, policyVersion: draft.policyVersion,
                catalogHash: draft.catalogHash, locale: draft.locale, at: draft.at, expiresAt: draft.expiresAt,
                browser: draft.browser, ipHash: draft.ipHash, previousHash: previous)
            try event.insert(db)
            if let record { try record.upsert(db) }
            return event
        }
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

    /// Recomputes every event's hash and link, from the anchor (pruned prefix) or genesis.
    public func verifyConsentChain() async throws -> ConsentChainVerification {
        try await pool.read { db in
            var expectedPrevious =
                try String.fetchOne(db, sql: "SELECT hash FROM consentChainAnchor WHERE id = 1")
                ?? ConsentEvent.genesisHash
            var lastSeq = try Int64.fetchOne(db, sql: "SELECT seq FROM consentChainAnchor WHERE id = 1") ?? 0
            var checked = 0
            let cursor = try ConsentEvent.order(Column("seq")).fetchCursor(db)
            while let event = try cursor.next() {
                checked += 1
                guard let seq = event.seq, seq == lastSeq + 1 else {
                    return ConsentChainVerification(
                        eventsChecked: checked, brokenAt: event.seq,
                        problem: "an event before \(event.seq ?? 0) is missing")
                }
                guard event.previousHash == expectedPrevious else {
                    return ConsentChainVerification(
                        eventsChecked: checked, brokenAt: seq, problem: "event \(seq) does not link to the one before")
                }
                guard event.computedHash == event.hash else {
                    return ConsentChainVerification(
                        eventsChecked: checked, brokenAt: seq, problem: "event \(seq) was altered")
                }
                expectedPrevious = event.hash
                lastSeq = seq
            }
            return ConsentChainVerification(eventsChecked: checked, brokenAt: nil, problem: nil)
        }
    }

    /// Deletes events older than `cutoff`, keeping the chain verifiable: the last deleted
    /// event's hash becomes the anchor the remaining chain starts from.
    @discardableResult
    public func pruneConsentEvents(before cutoff: Date, now: Date = Date()) async throws -> Int {
        try await pool.write { db in
            guard
                let last = try Row.fetchOne(
                    db, sql: "SELECT seq, hash FROM consentEvent WHERE at < ? ORDER BY seq DESC LIMIT 1",
                    arguments: [cutoff])
            else { return 0 }
            let seq: Int64 = last["seq"]
            let hash: String = last["hash"]
            try db.execute(sql: "DELETE FROM consentEvent WHERE seq <= ?", arguments: [seq])
            let deleted = db.changesCount
            try db.execute(
                sql: "INSERT OR REPLACE INTO consentChainAnchor (id, seq, hash, prunedAt) VALUES (1, ?, ?, ?)",
                arguments: [seq, hash, now])
            return deleted
        }
    }
}
