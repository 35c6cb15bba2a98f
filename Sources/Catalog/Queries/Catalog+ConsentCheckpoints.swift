public import Foundation
import GRDB
public import GalleryCore
import Logging

/// How a catalog's consent log is keyed and checkpointed (galleryd sets it from
/// `consent.logKeyFile` and `consent.checkpointEvents`).
public struct ConsentLogOptions: Sendable {
    /// The chain key file; nil: `<data>/secrets/consent-log.key`.
    public var keyFile: String?
    /// A checkpoint at least every this many events.
    public var checkpointEvents: Int

    public init(keyFile: String? = nil, checkpointEvents: Int = 100) {
        self.keyFile = keyFile
        self.checkpointEvents = checkpointEvents
    }
}

extension Catalog {
    /// The consent log's files beside this catalog (keys, checkpoints).
    public var consentLogFiles: ConsentLogFiles {
        ConsentLogFiles(
            dataDirectory: (pool.path as NSString).deletingLastPathComponent, chainKeyFile: consentLogOptions.keyFile)
    }

    /// The signed checkpoints (oldest first) and the key that checks them, for an export.
    public func consentCheckpoints() throws -> (
        checkpoints: [ConsentCheckpoint], publicKey: ConsentCheckpointPublicKey?
    ) {
        let files = consentLogFiles
        let publicKey = try files.signingKey(creating: false)?.publicKey ?? files.publishedPublicKey()
        return (try files.checkpointLines().compactMap { ConsentCheckpoint(jsonLine: $0) }, publicKey)
    }

    /// Writes a signed checkpoint of the log's current state, unless nothing changed since
    /// the last one (`force` writes anyway). Events since the last checkpoint are checked
    /// first: a checkpoint never vouches for a tampered log (the finding is thrown).
    @discardableResult
    public func writeConsentCheckpoint(reason: String, now: Date = Date(), force: Bool = false) async throws
        -> ConsentCheckpoint?
    {
        try await pool.write { db in
            try self.verifyConsentTail(db)
            return try self.appendConsentCheckpoint(db, reason: reason, now: now, force: force)
        }
    }

    /// The latest checkpoint, from the checkpoint file, as long as no copy is newer.
    func latestConsentCheckpoint(_ db: Database) throws -> ConsentCheckpoint? {
        let files = consentLogFiles
        var copies: [(place: String, line: String)] = []
        if let line = try String.fetchOne(db, sql: "SELECT line FROM consentCheckpointHead WHERE id = 1") {
            copies.append(("catalog", line))
        }
        // Only the file's last line and the copies matter here; `verify` checks every line.
        let lines = try files.checkpointLines()
        guard let last = lines.last else {
            if let copy = copies.first {
                throw ConsentLogFinding(problem: "the checkpoint file is gone but the catalog holds \(copy.line)")
            }
            return nil
        }
        guard let publicKey = try files.signingKey(creating: false)?.publicKey else {
            throw ConsentLogFileError(description: "\(files.signingKeyFile) is missing: checkpoints cannot go on")
        }
        guard let latest = ConsentCheckpoint(jsonLine: last), publicKey.isValidSignature(of: latest) else {
            throw ConsentLogFinding(problem: "the checkpoint file's last line is unreadable or unsigned")
        }
        if let copy = copies.first.flatMap({ ConsentCheckpoint(jsonLine: $0.line) }),
            copy.checkpoint > latest.checkpoint
        {
            throw ConsentLogFinding(
                checkpoint: copy.checkpoint,
                problem: "the checkpoint file ends at #\(latest.checkpoint) but the catalog holds #\(copy.checkpoint)")
        }
        return latest
    }

    /// Checks what changed since the latest checkpoint: no unrecorded pruning, the
    /// checkpointed head still in place, and every later event linked and hashed.
    func verifyConsentTail(_ db: Database) throws {
        guard let latest = try latestConsentCheckpoint(db) else { return }
        let anchor = try Self.consentAnchor(db)
        let keyedFrom = try Int64.fetchOne(db, sql: "SELECT keyedFrom FROM consentChainVersion WHERE id = 1") ?? 0
        let key = try consentLogFiles.chainKey(creating: false)
        if let finding = ConsentChainVerifier(anchor: anchor, keyedFrom: keyedFrom, key: key, checkpoints: [latest])
            .start()
        {
            throw finding
        }
        // From the checkpointed head when it is still there, else from the anchor.
        var start = anchor
        if latest.seq > anchor.seq {
            let head = try ConsentEvent.fetchOne(db, key: latest.seq)
            guard let head, head.hash == latest.headHash, head.eventId == latest.headEventId else {
                throw ConsentLogFinding(
                    seq: latest.seq, eventId: latest.headEventId, checkpoint: latest.checkpoint,
                    problem:
                        "event \(latest.seq) (eventId \(latest.headEventId)), the head of checkpoint #\(latest.checkpoint), is missing or changed"
                )
            }
            start = ConsentChainAnchor(seq: latest.seq, hash: latest.headHash)
        }
        var verifier = ConsentChainVerifier(anchor: start, keyedFrom: keyedFrom, key: key, checkpoints: [])
        let cursor = try ConsentEvent.filter(Column("seq") > start.seq).order(Column("seq")).fetchCursor(db)
        while let event = try cursor.next() {
            if let finding = verifier.check(event) { throw finding }
        }
    }

    /// Signs the current state and appends it: checkpoint file (fsync), head marker, the
    /// catalog's copy, and a `consent checkpoint` log line (the journal keeps a copy).
    @discardableResult
    func appendConsentCheckpoint(_ db: Database, reason: String, now: Date, force: Bool) throws -> ConsentCheckpoint? {
        let files = consentLogFiles
        let previous = try latestConsentCheckpoint(db)
        let anchor = try Self.consentAnchor(db)
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash, eventId FROM consentEvent ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = head?["seq"] ?? anchor.seq
        if !force, seq == previous?.seq ?? 0, anchor.seq == previous?.prunedThrough ?? 0 { return nil }
        guard let signingKey = try files.signingKey(creating: true) else { return nil }
        let checkpoint = try signingKey.sign(
            ConsentCheckpoint(
                checkpoint: (previous?.checkpoint ?? 0) + 1, seq: seq, events: try ConsentEvent.fetchCount(db).int64,
                headHash: head?["hash"] ?? anchor.hash, headEventId: head?["eventId"] ?? "",
                prunedThrough: anchor.seq, anchorHash: anchor.hash,
                keyedFrom: try Int64.fetchOne(db, sql: "SELECT keyedFrom FROM consentChainVersion WHERE id = 1") ?? 0,
                at: now, reason: reason, previous: previous?.digest ?? ConsentCheckpoint.genesisDigest))
        let line = checkpoint.jsonLine
        try files.append(checkpointLine: line)
        try db.execute(
            sql: "INSERT OR REPLACE INTO consentCheckpointHead (id, checkpoint, seq, line) VALUES (1, ?, ?, ?)",
            arguments: [checkpoint.checkpoint, checkpoint.seq, line])
        logger.notice(
            "consent checkpoint",
            metadata: [
                "checkpoint": "\(checkpoint.checkpoint)", "seq": "\(checkpoint.seq)", "events": "\(checkpoint.events)",
                "headHash": "\(checkpoint.headHash)", "headEventId": "\(checkpoint.headEventId)",
                "prunedThrough": "\(checkpoint.prunedThrough)", "anchorHash": "\(checkpoint.anchorHash)",
                "keyedFrom": "\(checkpoint.keyedFrom)", "at": "\(checkpoint.at)", "reason": "\(reason)",
                "previous": "\(checkpoint.previous)", "signature": "\(checkpoint.signature)",
            ])
        return checkpoint
    }
}

extension Int {
    fileprivate var int64: Int64 { Int64(self) }
}
