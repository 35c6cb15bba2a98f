public import Foundation

/// What is wrong with the consent log, naming the first bad event (or checkpoint).
public struct ConsentLogFinding: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first event that is altered, missing or unlinked.
    public var seq: Int64?
    /// Its id, when it is still there or a checkpoint names it.
    public var eventId: String?
    /// The checkpoint that shows the problem, or is itself bad.
    public var checkpoint: Int64?
    /// One sentence, e.g. "event 4 was altered (eventId …)".
    public var problem: String

    public init(seq: Int64? = nil, eventId: String? = nil, checkpoint: Int64? = nil, problem: String) {
        self.seq = seq
        self.eventId = eventId
        self.checkpoint = checkpoint
        self.problem = problem
    }

    public var description: String { problem }
}

/// Where the remaining chain starts: the last pruned event (or genesis, seq 0).
public struct ConsentChainAnchor: Sendable, Equatable {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    public static let genesis = ConsentChainAnchor(seq: 0, hash: ConsentEvent.genesisHash)
}

/// The checkpoint file, checked: every line signed by the trusted key, numbered 1, 2, 3 …
/// without a gap, each naming the one before; and no copy kept elsewhere (the head marker
/// in the key folder, the catalog's) newer than the file's last line.
public struct ConsentCheckpointTrail: Sendable {
    public private(set) var checkpoints: [ConsentCheckpoint] = []

    public var latest: ConsentCheckpoint? { checkpoints.last }

    /// Checks `lines` (the file, oldest first) and the `copies` (where each is kept → its
    /// line) against `publicKey`.
    public static func verify(
        lines: [String], copies: [(place: String, line: String)], publicKey: ConsentCheckpointPublicKey?
    ) -> Result<ConsentCheckpointTrail, ConsentLogFinding> {
        var trail = ConsentCheckpointTrail()
        let nonEmpty = lines.filter { !$0.isEmpty }
        if !nonEmpty.isEmpty || !copies.isEmpty, publicKey == nil {
            return .failure(ConsentLogFinding(problem: "checkpoints exist but there is no public key to check them"))
        }
        var previous = ConsentCheckpoint.genesisDigest
        for (index, line) in nonEmpty.enumerated() {
            let number = Int64(index + 1)
            guard let checkpoint = ConsentCheckpoint(jsonLine: line) else {
                return .failure(
                    ConsentLogFinding(
                        checkpoint: number, problem: "checkpoint line \(number) of the checkpoint file is unreadable"))
            }
            guard let publicKey, publicKey.isValidSignature(of: checkpoint) else {
                return .failure(
                    ConsentLogFinding(
                        checkpoint: checkpoint.checkpoint,
                        problem: "checkpoint #\(checkpoint.checkpoint): the signature does not verify"))
            }
            guard checkpoint.checkpoint == number, checkpoint.previous == previous else {
                return .failure(
                    ConsentLogFinding(
                        checkpoint: number,
                        problem:
                            "checkpoint #\(number) is missing or out of order in the checkpoint file (line \(number) is #\(checkpoint.checkpoint))"
                    ))
            }
            trail.checkpoints.append(checkpoint)
            previous = checkpoint.digest
        }
        for (place, line) in copies {
            guard let copy = ConsentCheckpoint(jsonLine: line), let publicKey, publicKey.isValidSignature(of: copy)
            else {
                return .failure(
                    ConsentLogFinding(problem: "the checkpoint copy in the \(place) is unreadable or unsigned"))
            }
            guard copy.checkpoint >= 1 else {
                return .failure(ConsentLogFinding(problem: "the checkpoint copy in the \(place) has no valid number"))
            }
            guard copy.checkpoint <= trail.latest?.checkpoint ?? 0 else {
                return .failure(
                    ConsentLogFinding(
                        seq: copy.seq, eventId: copy.headEventId.isEmpty ? nil : copy.headEventId,
                        checkpoint: copy.checkpoint,
                        problem:
                            "checkpoint #\(copy.checkpoint) (seq \(copy.seq), \(copy.at)) kept in the \(place) is missing from the checkpoint file, which ends at #\(trail.latest?.checkpoint ?? 0): the file was replaced by an older one or cut short"
                    ))
            }
            guard trail.checkpoints[Int(copy.checkpoint) - 1] == copy else {
                return .failure(
                    ConsentLogFinding(
                        checkpoint: copy.checkpoint,
                        problem:
                            "checkpoint #\(copy.checkpoint) in the checkpoint file differs from the \(place)'s copy"
                    ))
            }
        }
        return .success(trail)
    }
}

/// Checks the consent log event by event, from its anchor: every sequence number present,
/// every event linked to the one before, every hash matching its contents (plain SHA-256
/// before `keyedFrom`, HMAC under the chain key from there), every checkpointed head
/// matching, and the log reaching at least as far as the latest checkpoint.
///
/// ```swift
/// var verifier = ConsentChainVerifier(anchor: anchor, keyedFrom: 1, key: key, checkpoints: trail.checkpoints)
/// if let finding = verifier.start() { … }
/// for event in events { if let finding = verifier.check(event) { … } }
/// if let finding = verifier.finish() { … }
/// ```
public struct ConsentChainVerifier: Sendable {
    /// A hash a checkpoint vouches for at a sequence number.
    struct Witness: Sendable {
        var hash: String
        var eventId: String?
        var checkpoint: Int64
    }

    let anchor: ConsentChainAnchor
    let keyedFrom: Int64
    let key: ConsentChainKey?
    let checkpoints: [ConsentCheckpoint]
    /// Without the chain key, check the keyed events' links and the signed heads only (a
    /// backup taken without its secrets): deletions, reordering and rewritten hashes are
    /// found, an event altered with its stored hash left as it was is not. False: a keyed
    /// event without the key is a finding.
    public var linksOnlyWithoutKey = false
    var witnesses: [Int64: [Witness]] = [:]
    var expectedPrevious: String
    var lastSeq: Int64
    public private(set) var eventsChecked = 0
    /// The latest checkpointed sequence number (0: none).
    let coveredThrough: Int64
    /// The first event no checkpoint covers, and when it was logged.
    var oldestUncovered: (seq: Int64, at: Date)?

    public init(
        anchor: ConsentChainAnchor, keyedFrom: Int64, key: ConsentChainKey?, checkpoints: [ConsentCheckpoint]
    ) {
        self.anchor = anchor
        self.keyedFrom = keyedFrom
        self.key = key
        self.checkpoints = checkpoints
        expectedPrevious = anchor.hash
        lastSeq = anchor.seq
        coveredThrough = checkpoints.map(\.seq).max() ?? 0
        for checkpoint in checkpoints {
            witnesses[checkpoint.seq, default: []].append(
                Witness(
                    hash: checkpoint.headHash, eventId: checkpoint.headEventId.isEmpty ? nil : checkpoint.headEventId,
                    checkpoint: checkpoint.checkpoint))
            if checkpoint.prunedThrough > 0 {
                witnesses[checkpoint.prunedThrough, default: []].append(
                    Witness(hash: checkpoint.anchorHash, eventId: nil, checkpoint: checkpoint.checkpoint))
            }
        }
    }

    /// Checks the anchor and the keyed chain's start against the checkpoints.
    public func start() -> ConsentLogFinding? {
        for checkpoint in checkpoints where checkpoint.keyedFrom != keyedFrom {
            return ConsentLogFinding(
                seq: min(keyedFrom, checkpoint.keyedFrom), checkpoint: checkpoint.checkpoint,
                problem:
                    "the keyed chain starts at seq \(keyedFrom) in the catalog but at seq \(checkpoint.keyedFrom) in checkpoint #\(checkpoint.checkpoint): the chain was downgraded"
            )
        }
        if let latest = checkpoints.last, anchor.seq > latest.prunedThrough {
            return ConsentLogFinding(
                seq: latest.prunedThrough + 1, checkpoint: latest.checkpoint,
                problem:
                    "events \(latest.prunedThrough + 1)–\(anchor.seq) are gone as if pruned, but no signed checkpoint records that pruning (checkpoint #\(latest.checkpoint) records pruning through seq \(latest.prunedThrough))"
            )
        }
        if anchor.seq > 0, let witness = witnesses[anchor.seq]?.first(where: { $0.hash != anchor.hash }) {
            return ConsentLogFinding(
                seq: anchor.seq, eventId: witness.eventId, checkpoint: witness.checkpoint,
                problem: "the pruning anchor (seq \(anchor.seq)) does not match checkpoint #\(witness.checkpoint)")
        }
        return nil
    }

    /// Checks the next event (in sequence order).
    public mutating func check(_ event: ConsentEvent) -> ConsentLogFinding? {
        eventsChecked += 1
        let seq = event.seq ?? 0
        guard seq == lastSeq &+ 1 else {
            let missing = lastSeq &+ 1
            let known = witnesses[missing]?.compactMap(\.eventId).first
            return ConsentLogFinding(
                seq: missing, eventId: known,
                problem:
                    "event \(missing) is missing\(known.map { " (eventId \($0))" } ?? ""): the log goes from seq \(lastSeq) to seq \(seq) (eventId \(event.eventId))"
            )
        }
        guard event.previousHash == expectedPrevious else {
            return ConsentLogFinding(
                seq: seq, eventId: event.eventId,
                problem: "event \(seq) does not link to the one before (eventId \(event.eventId))")
        }
        if seq >= keyedFrom, key == nil, !linksOnlyWithoutKey {
            return ConsentLogFinding(
                seq: seq, eventId: event.eventId,
                problem: "event \(seq) is keyed but the chain key is missing, so it cannot be checked")
        }
        guard (seq >= keyedFrom && key == nil) || event.computedHash(key: seq >= keyedFrom ? key : nil) == event.hash
        else {
            return ConsentLogFinding(
                seq: seq, eventId: event.eventId,
                problem: "event \(seq) was altered (eventId \(event.eventId)): its hash does not match its contents")
        }
        for witness in witnesses[seq] ?? []
        where witness.hash != event.hash || (witness.eventId.map { $0 != event.eventId } ?? false) {
            return ConsentLogFinding(
                seq: seq, eventId: event.eventId, checkpoint: witness.checkpoint,
                problem:
                    "event \(seq) (eventId \(event.eventId)) is not the one checkpoint #\(witness.checkpoint) signed: the log was rewritten"
            )
        }
        expectedPrevious = event.hash
        lastSeq = seq
        if oldestUncovered == nil, seq > coveredThrough { oldestUncovered = (seq, event.at) }
        return nil
    }

    /// After the last event: the log must reach the latest checkpoint's head, and — with
    /// `maximumUnsignedAge` (consent.checkpointMinutes and a margin) — no event older than
    /// that may lack a signed checkpoint: galleryd signs the first event at once and the
    /// rest at least every interval, so an old unsigned event means checkpoints were removed
    /// and the log rewritten (without any key), or galleryd stopped without signing.
    public func finish(now: Date = Date(), maximumUnsignedAge: TimeInterval? = nil) -> ConsentLogFinding? {
        if let maximumUnsignedAge, let uncovered = oldestUncovered,
            now.timeIntervalSince(uncovered.at) > maximumUnsignedAge
        {
            let latest = checkpoints.max(by: { $0.seq < $1.seq })
            return ConsentLogFinding(
                seq: uncovered.seq, checkpoint: latest?.checkpoint,
                problem:
                    "event \(uncovered.seq) (\(ConsentEventExport.timestamp(uncovered.at))) is older than the checkpoint interval, but no signed checkpoint covers it (\(latest.map { "the latest, #\($0.checkpoint), ends at seq \($0.seq)" } ?? "there is none")): checkpoints were removed and the log may have been rewritten, or galleryd stopped without signing"
            )
        }
        guard let latest = checkpoints.max(by: { $0.seq < $1.seq }), latest.seq > lastSeq else { return nil }
        let missing = lastSeq &+ 1
        let known = witnesses[missing]?.compactMap(\.eventId).first
        return ConsentLogFinding(
            seq: missing, eventId: known, checkpoint: latest.checkpoint,
            problem:
                "event \(missing) is missing\(known.map { " (eventId \($0))" } ?? ""): the log ends at seq \(lastSeq), but checkpoint #\(latest.checkpoint) (\(latest.at)) signed \(latest.events) events through seq \(latest.seq) (eventId \(latest.headEventId))"
        )
    }
}
