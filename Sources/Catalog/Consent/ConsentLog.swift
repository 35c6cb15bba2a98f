public import Foundation
public import GalleryCore

/// Where visitors' consent decisions are kept, named for what the consent API, the portal
/// and the `consent` commands do with it: read the settings in force, append a decision to
/// the hash-chained log (and apply it to the visitor's record), verify, export and prune the
/// log, and write its signed checkpoints.
///
/// Two implementations: the SQLite catalog (``Catalog``, one machine) and PostgreSQL
/// (`PostgresConsentLog`, several machines: appends are serialised by a row lock on the
/// chain's head, so however many nodes append, the log stays one chain). The keys and the
/// checkpoint file live in ``consentLogFiles``; nodes that share a log share those files
/// (the same data folder on a shared mount, or the same `consent.logKeyFile`).
public protocol ConsentLog: Sendable {
    /// The log's files outside the catalog (chain key, signing key, checkpoints).
    var consentLogFiles: ConsentLogFiles { get }

    /// The consent settings in force: the admin's, else `fallback` (the config file's).
    func consentSettings(fallback: ConsentSettings) async throws -> ConsentSettings

    /// Replaces the settings, with an audit entry naming each field that changed.
    func saveConsentSettings(
        _ settings: ConsentSettings, previous: ConsentSettings, actor: String, now: Date
    ) async throws

    /// Appends an event to the log, chained to the one before (HMAC under the log's key,
    /// made on first use), and applies `record` in the same transaction. Every
    /// `checkpointEvents` events a signed checkpoint follows.
    @discardableResult
    func record(_ draft: ConsentEventDraft, updating record: ConsentRecord?) async throws -> ConsentEvent

    /// A visitor's permanent consent, by the id its cookie carries.
    func consentRecord(id: String) async throws -> ConsentRecord?

    /// Permanent consents past their expiry whose expiry is not logged yet.
    func unloggedExpiredConsents(now: Date) async throws -> [ConsentRecord]

    /// Events in sequence order, from `since` on, at most `limit`.
    func consentEvents(since: Date?, limit: Int?) async throws -> [ConsentEvent]

    func consentEventCount() async throws -> Int

    /// Checks the whole log: the checkpoint file (signatures, numbering, links) and the
    /// copies of its latest line, then every event's link and hash from the anchor (pruned
    /// prefix) or genesis, every checkpointed head, and that no checkpointed event is gone.
    /// `publicKey` pins the checkpoint key (else the signing key's, else the published one);
    /// `witnesses` are checkpoints kept outside the catalog (an auditor's copy of the latest,
    /// the journal's `consent checkpoint` lines): each must be in the checkpoint file, and
    /// the log must reach it, or the log was rolled back.
    func verifyConsentChain(publicKey: ConsentCheckpointPublicKey?, witnesses: [ConsentCheckpoint])
        async throws -> ConsentChainVerification

    /// Deletes events older than `cutoff`, keeping the chain verifiable: the last deleted
    /// event's hash becomes the anchor the remaining chain starts from, and a signed
    /// checkpoint records the pruning in the same transaction (no checkpoint, no pruning).
    /// Events since the latest checkpoint are checked first: a tampered log is not pruned.
    @discardableResult
    func pruneConsentEvents(before cutoff: Date, now: Date) async throws -> Int

    /// Writes a signed checkpoint of the log's current state, unless nothing changed since
    /// the last one (`force` writes anyway). Events since the last checkpoint are checked
    /// first: a checkpoint never vouches for a tampered log (the finding is thrown).
    @discardableResult
    func writeConsentCheckpoint(reason: String, now: Date, force: Bool) async throws -> ConsentCheckpoint?
}

extension ConsentLog {
    @discardableResult
    public func record(_ draft: ConsentEventDraft) async throws -> ConsentEvent {
        try await record(draft, updating: nil)
    }

    public func saveConsentSettings(_ settings: ConsentSettings, previous: ConsentSettings, actor: String)
        async throws
    {
        try await saveConsentSettings(settings, previous: previous, actor: actor, now: Date())
    }

    public func consentEvents() async throws -> [ConsentEvent] {
        try await consentEvents(since: nil, limit: nil)
    }

    public func verifyConsentChain() async throws -> ConsentChainVerification {
        try await verifyConsentChain(publicKey: nil, witnesses: [])
    }

    public func verifyConsentChain(publicKey: ConsentCheckpointPublicKey?) async throws -> ConsentChainVerification {
        try await verifyConsentChain(publicKey: publicKey, witnesses: [])
    }

    @discardableResult
    public func pruneConsentEvents(before cutoff: Date) async throws -> Int {
        try await pruneConsentEvents(before: cutoff, now: Date())
    }

    @discardableResult
    public func writeConsentCheckpoint(reason: String) async throws -> ConsentCheckpoint? {
        try await writeConsentCheckpoint(reason: reason, now: Date(), force: false)
    }

    /// Logs an `expire` event for every permanent consent past its expiry (once each).
    @discardableResult
    public func logExpiredConsents(now: Date = Date()) async throws -> Int {
        let expired = try await unloggedExpiredConsents(now: now)
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

    /// The signed checkpoints (oldest first) and the key that checks them, for an export.
    public func consentCheckpoints() throws -> (
        checkpoints: [ConsentCheckpoint], publicKey: ConsentCheckpointPublicKey?
    ) {
        let files = consentLogFiles
        let publicKey = try files.signingKey(creating: false)?.publicKey ?? files.publishedPublicKey()
        return (try files.checkpointLines().compactMap { ConsentCheckpoint(jsonLine: $0) }, publicKey)
    }
}

/// How a consent log is keyed and checkpointed (galleryd sets it from `consent.logKeyFile`
/// and `consent.checkpointEvents`).
public struct ConsentLogOptions: Sendable {
    /// The chain key file; nil: `<data>/secrets/consent-log.key`.
    public var keyFile: String?
    /// A checkpoint at least every this many events.
    public var checkpointEvents: Int
    /// A checkpoint at least this often while there are new events (`consent.checkpointMinutes`,
    /// in seconds); verification finds events older than this and a margin that no
    /// checkpoint covers. Nil: not checked.
    public var checkpointInterval: TimeInterval?

    /// How old an event no checkpoint covers may be: the interval and five minutes.
    public var maximumUnsignedAge: TimeInterval? { checkpointInterval.map { $0 + 300 } }
    /// The data folder holding the log's keys and checkpoint file; nil: the SQLite
    /// catalog's folder.
    public var dataDirectory: String?
    /// Verify without the chain key by links and signed heads only
    /// (``ConsentChainVerifier/linksOnlyWithoutKey``): `galleryd backup verify` on a backup
    /// taken without its secrets.
    public var linksOnlyWithoutKey = false

    public init(
        keyFile: String? = nil, checkpointEvents: Int = 100, checkpointInterval: TimeInterval? = nil,
        dataDirectory: String? = nil
    ) {
        self.keyFile = keyFile
        self.checkpointEvents = checkpointEvents
        self.checkpointInterval = checkpointInterval
        self.dataDirectory = dataDirectory
    }
}

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

    /// The event this draft becomes when chained to `previousHash`.
    package func event(previousHash: String, key: ConsentChainKey?) -> ConsentEvent {
        ConsentEvent(
            eventId: UUID().uuidString.lowercased(), consentId: consentId, kind: kind, scope: scope,
            decisions: decisions, policyVersion: policyVersion, catalogHash: catalogHash, locale: locale, at: at,
            expiresAt: expiresAt, browser: browser, ipHash: ipHash, previousHash: previousHash, key: key)
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

    package init(eventsChecked: Int, checkpointsChecked: Int, finding: ConsentLogFinding?) {
        self.eventsChecked = eventsChecked
        self.checkpointsChecked = checkpointsChecked
        brokenAt = finding?.seq
        problem = finding?.problem
        eventId = finding?.eventId
        checkpoint = finding?.checkpoint
    }
}
