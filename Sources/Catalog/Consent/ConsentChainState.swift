public import Foundation
public import GalleryCore
public import Logging

/// What a catalog holds about its consent chain besides the events: where the chain starts
/// (the anchor, after pruning), the first keyed sequence number, and the catalog's copy of
/// the latest checkpoint line. Each ``ConsentLog`` reads it in its own way and hands it to
/// the checks here, so the rules around checkpoints are written once.
public struct ConsentChainState: Sendable, Equatable {
    public var anchor: ConsentChainAnchor
    public var keyedFrom: Int64
    public var checkpointCopy: String?

    public init(anchor: ConsentChainAnchor, keyedFrom: Int64, checkpointCopy: String?) {
        self.anchor = anchor
        self.keyedFrom = keyedFrom
        self.checkpointCopy = checkpointCopy
    }

    /// The events a checkpoint counts: the chain runs without a gap from the anchor to the
    /// head (the tail was just checked, the rest is checkpointed), so no count query is
    /// needed — one scanned every event each time, since the first event is signed at once.
    package static func eventCount(_ state: ConsentChainState, head: ConsentChainHead?) -> Int64 {
        max(0, (head?.seq ?? state.anchor.seq) - state.anchor.seq)
    }
}

/// Where a whole-log verification stands after the checks that need no event.
package enum ConsentChainCheck {
    /// Feed every event, in sequence order, to the verifier (after its `start()`).
    case events(ConsentChainVerifier, checkpoints: Int)
    /// Already decided: the keys or the checkpoints failed.
    case finished(ConsentChainVerification)
}

/// The newest event of the log (what a checkpoint signs).
package struct ConsentChainHead: Sendable {
    package var seq: Int64
    package var hash: String
    package var eventId: String

    package init(seq: Int64, hash: String, eventId: String) {
        self.seq = seq
        self.hash = hash
        self.eventId = eventId
    }
}

/// Checks what changed since the latest checkpoint, before a checkpoint or a pruning builds
/// on it: no unrecorded pruning, the checkpointed head still in place, every later event
/// linked and hashed.
///
/// ```swift
/// guard var check = try files.tailCheck(state) else { return }  // no checkpoint yet
/// let after = try check.start(head: check.headSeq.flatMap(event(at:)))
/// for event in events(after: after) { try check.check(event) }
/// ```
package struct ConsentTailCheck {
    package let latest: ConsentCheckpoint
    /// The checkpointed head's sequence number, when it should still be in the log; the
    /// caller passes that event (or nil, if it is gone) to ``start(head:)``.
    package let headSeq: Int64?
    let anchor: ConsentChainAnchor
    let keyedFrom: Int64
    let key: ConsentChainKey?
    var verifier: ConsentChainVerifier?

    /// Checks the head; returns the sequence number the events to ``check(_:)`` follow.
    package mutating func start(head: ConsentEvent?) throws -> Int64 {
        var from = anchor
        if let headSeq {
            guard let head, head.hash == latest.headHash, head.eventId == latest.headEventId else {
                throw ConsentLogFinding(
                    seq: headSeq, eventId: latest.headEventId, checkpoint: latest.checkpoint,
                    problem:
                        "event \(headSeq) (eventId \(latest.headEventId)), the head of checkpoint #\(latest.checkpoint), is missing or changed"
                )
            }
            from = ConsentChainAnchor(seq: headSeq, hash: latest.headHash)
        }
        verifier = ConsentChainVerifier(anchor: from, keyedFrom: keyedFrom, key: key, checkpoints: [])
        return from.seq
    }

    /// Checks the next event after the start, in sequence order.
    package mutating func check(_ event: ConsentEvent) throws {
        if let finding = verifier?.check(event) { throw finding }
    }
}

extension ConsentLogFiles {
    /// The latest checkpoint, from the checkpoint file, as long as no copy is newer.
    package func latestCheckpoint(_ state: ConsentChainState) throws -> ConsentCheckpoint? {
        // Only the file's last line and the copies matter here; `verification` checks every line.
        let lines = try checkpointLines()
        guard let last = lines.last else {
            if let copy = state.checkpointCopy {
                throw ConsentLogFinding(problem: "the checkpoint file is gone but the catalog holds \(copy)")
            }
            return nil
        }
        guard let publicKey = try signingKey(creating: false)?.publicKey else {
            throw ConsentLogFileError(description: "\(signingKeyFile) is missing: checkpoints cannot go on")
        }
        guard let latest = ConsentCheckpoint(jsonLine: last), publicKey.isValidSignature(of: latest) else {
            throw ConsentLogFinding(problem: "the checkpoint file's last line is unreadable or unsigned")
        }
        if let copy = state.checkpointCopy.flatMap(ConsentCheckpoint.init(jsonLine:)),
            copy.checkpoint > latest.checkpoint
        {
            throw ConsentLogFinding(
                checkpoint: copy.checkpoint,
                problem: "the checkpoint file ends at #\(latest.checkpoint) but the catalog holds #\(copy.checkpoint)")
        }
        return latest
    }

    /// The check of what changed since the latest checkpoint; nil when there is none yet.
    package func tailCheck(_ state: ConsentChainState) throws -> ConsentTailCheck? {
        guard let latest = try latestCheckpoint(state) else { return nil }
        let key = try chainKey(creating: false)
        if let finding = ConsentChainVerifier(
            anchor: state.anchor, keyedFrom: state.keyedFrom, key: key, checkpoints: [latest]
        ).start() {
            throw finding
        }
        return ConsentTailCheck(
            latest: latest, headSeq: latest.seq > state.anchor.seq ? latest.seq : nil, anchor: state.anchor,
            keyedFrom: state.keyedFrom, key: key)
    }

    /// Signs the chain's current state and appends it: checkpoint file (fsync), head
    /// marker, and a `consent checkpoint` log line (the journal keeps a copy). The caller
    /// stores the returned line as the catalog's copy, in the transaction it read `state`
    /// in. Nil when nothing changed since the last checkpoint and not `force`.
    package func appendCheckpoint(
        _ state: ConsentChainState, head: ConsentChainHead?, events: Int64, reason: String, now: Date, force: Bool,
        logger: Logger
    ) throws -> ConsentCheckpoint? {
        let previous = try latestCheckpoint(state)
        let anchor = state.anchor
        let seq = head?.seq ?? anchor.seq
        if !force, seq == previous?.seq ?? 0, anchor.seq == previous?.prunedThrough ?? 0 { return nil }
        guard let signingKey = try signingKey(creating: true) else { return nil }
        let checkpoint = try signingKey.sign(
            ConsentCheckpoint(
                checkpoint: (previous?.checkpoint ?? 0) + 1, seq: seq, events: events,
                headHash: head?.hash ?? anchor.hash, headEventId: head?.eventId ?? "", prunedThrough: anchor.seq,
                anchorHash: anchor.hash, keyedFrom: state.keyedFrom, at: now, reason: reason,
                previous: previous?.digest ?? ConsentCheckpoint.genesisDigest))
        try append(checkpointLine: checkpoint.jsonLine)
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

    /// The checks of a whole-log verification that need no event: the keys, the checkpoint
    /// file (signatures, numbering, links) and the copies of its latest line. Returns the
    /// verifier to feed every event to, in sequence order, or the finished verification
    /// when these checks already failed. `pinned` pins the checkpoint key (else the signing
    /// key's, else the published one).
    package func verification(
        of state: ConsentChainState?, pinned: ConsentCheckpointPublicKey?, witnesses: [ConsentCheckpoint] = []
    ) throws -> ConsentChainCheck {
        let key = try chainKey(creating: false)
        let derived = try signingKey(creating: false)?.publicKey
        let published = publishedPublicKey()
        func failed(_ problem: String, checkpoints: Int = 0) -> ConsentChainCheck {
            .finished(
                ConsentChainVerification(
                    eventsChecked: 0, checkpointsChecked: checkpoints, finding: ConsentLogFinding(problem: problem)))
        }
        if let derived, let published, derived != published {
            return failed("the public key file \(publicKeyFile) does not match the signing key")
        }
        if let pinned, let trusted = derived ?? published, trusted != pinned {
            return failed("the checkpoint key is not the given public key")
        }
        var copies: [(place: String, line: String)] = []
        let marker = headMarker()
        if let marker { copies.append(("head marker \(headMarkerFile)", marker)) }
        if let line = state?.checkpointCopy { copies.append(("catalog", line)) }
        for (index, witness) in witnesses.enumerated() {
            copies.append(("witness \(index + 1) (checkpoint #\(witness.checkpoint))", witness.jsonLine))
        }
        let trail: ConsentCheckpointTrail
        switch ConsentCheckpointTrail.verify(
            lines: try checkpointLines(), copies: copies, publicKey: pinned ?? derived ?? published)
        {
        case .success(let checked): trail = checked
        case .failure(let finding):
            return .finished(ConsentChainVerification(eventsChecked: 0, checkpointsChecked: 0, finding: finding))
        }
        // Each checkpoint is kept in three places at once; one removed is a finding, not a
        // reason to check less.
        if let latest = trail.latest {
            if marker == nil {
                return failed(
                    "the checkpoint head marker \(headMarkerFile) was removed (the checkpoint file ends at #\(latest.checkpoint))",
                    checkpoints: trail.checkpoints.count)
            }
            if state != nil, state?.checkpointCopy == nil {
                return failed(
                    "the catalog's copy of the latest checkpoint was removed (the checkpoint file ends at #\(latest.checkpoint))",
                    checkpoints: trail.checkpoints.count)
            }
        }
        guard let state else {
            return failed(
                "the catalog no longer says where the keyed chain starts", checkpoints: trail.checkpoints.count)
        }
        return .events(
            ConsentChainVerifier(
                anchor: state.anchor, keyedFrom: state.keyedFrom, key: key, checkpoints: trail.checkpoints),
            checkpoints: trail.checkpoints.count)
    }
}
