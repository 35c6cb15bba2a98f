import Crypto
public import Foundation

/// A signed statement of the consent log's state: how far it reached (`seq`, `headHash`,
/// `headEventId`), how many events it held, how far it had been pruned and when. One line
/// of `consent-checkpoints.log`; each names the one before (`previous`), so the file is a
/// chain of its own.
///
/// The signature (Ed25519, base64) covers `canonicalText`: a first line
/// `galleryd-consent-checkpoint-v1`, then `name=value` for every field in ``fieldNames``
/// order, each line ending in `\n`. An auditor rebuilds it from the JSON and checks it
/// with `openssl pkeyutl -verify -rawin`.
public struct ConsentCheckpoint: Codable, Sendable, Equatable {
    /// 1 for the first checkpoint, then one more each time.
    public var checkpoint: Int64
    /// Sequence number of the last event (the anchor's when every event was pruned; 0 when
    /// the log never held one).
    public var seq: Int64
    /// Events in the catalog at that moment (`seq - prunedThrough`).
    public var events: Int64
    public var headHash: String
    /// The last event's id; empty when there was none.
    public var headEventId: String
    /// Events up to this sequence number had been pruned (0: none).
    public var prunedThrough: Int64
    /// The hash the remaining chain starts from (the last pruned event's, or genesis).
    public var anchorHash: String
    /// First sequence number of the keyed chain (earlier events carry plain SHA-256).
    public var keyedFrom: Int64
    /// ISO 8601, UTC, milliseconds.
    public var at: String
    /// Why it was written: `events`, `interval`, `shutdown`, `prune` or `manual`.
    public var reason: String
    /// SHA-256 (hex) of the previous checkpoint's canonical text; zeros for the first.
    public var previous: String
    /// Ed25519 signature of `canonicalText`, base64.
    public var signature: String

    public static let header = "galleryd-consent-checkpoint-v1"
    public static let fieldNames = [
        "checkpoint", "seq", "events", "headHash", "headEventId", "prunedThrough", "anchorHash", "keyedFrom", "at",
        "reason", "previous",
    ]

    public init(
        checkpoint: Int64, seq: Int64, events: Int64, headHash: String, headEventId: String, prunedThrough: Int64,
        anchorHash: String, keyedFrom: Int64, at: Date, reason: String, previous: String
    ) {
        self.checkpoint = checkpoint
        self.seq = seq
        self.events = events
        self.headHash = headHash
        self.headEventId = headEventId
        self.prunedThrough = prunedThrough
        self.anchorHash = anchorHash
        self.keyedFrom = keyedFrom
        self.at = ConsentEventExport.timestamp(at)
        self.reason = reason
        self.previous = previous
        self.signature = ""
    }

    var fieldValues: [String] {
        [
            String(checkpoint), String(seq), String(events), headHash, headEventId, String(prunedThrough), anchorHash,
            String(keyedFrom), at, reason, previous,
        ]
    }

    /// The signed text (see the type's documentation).
    public var canonicalText: String {
        zip(Self.fieldNames, fieldValues).reduce(Self.header + "\n") { $0 + "\($1.0)=\($1.1)\n" }
    }

    /// SHA-256 (hex) of `canonicalText`: the next checkpoint's `previous`.
    public var digest: String {
        SHA256.hash(data: Array(canonicalText.utf8)).hexString
    }

    /// The `previous` of the first checkpoint.
    public static let genesisDigest = String(repeating: "0", count: 64)

    /// One line of the checkpoint file: JSON, keys sorted, no line breaks.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a line of the checkpoint file; nil when it is no checkpoint or a field would
    /// break the canonical text (a line break).
    public init?(jsonLine: some StringProtocol) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(jsonLine.utf8)),
            !decoded.fieldValues.contains(where: { $0.contains("\n") })
        else { return nil }
        self = decoded
    }

    /// A checkpoint as galleryd's `consent checkpoint` log line gives it (`key=value` for
    /// every field and the signature, as the journal keeps it), or a checkpoint file's JSON
    /// line; nil for anything else. Only a valid signature makes either a witness.
    public init?(witnessLine line: some StringProtocol) {
        let text = String(line)
        if let json = text.firstIndex(of: "{"), let checkpoint = ConsentCheckpoint(jsonLine: text[json...]) {
            self = checkpoint
            return
        }
        guard text.contains("consent checkpoint") else { return nil }
        var values: [String: String] = [:]
        for field in text.split(separator: " ") {
            guard let equals = field.firstIndex(of: "=") else { continue }
            values[String(field[..<equals])] = String(field[field.index(after: equals)...])
        }
        guard let checkpoint = values["checkpoint"].flatMap({ Int64($0) }),
            let seq = values["seq"].flatMap({ Int64($0) }),
            let events = values["events"].flatMap({ Int64($0) }), let headHash = values["headHash"],
            let prunedThrough = values["prunedThrough"].flatMap({ Int64($0) }), let anchorHash = values["anchorHash"],
            let keyedFrom = values["keyedFrom"].flatMap({ Int64($0) }), let at = values["at"],
            let reason = values["reason"], let previous = values["previous"], let signature = values["signature"]
        else { return nil }
        self.init(
            checkpoint: checkpoint, seq: seq, events: events, headHash: headHash,
            headEventId: values["headEventId"] ?? "", prunedThrough: prunedThrough, anchorHash: anchorHash,
            keyedFrom: keyedFrom, at: Date(), reason: reason, previous: previous)
        self.at = at
        self.signature = signature
    }
}

/// The private Ed25519 key that signs checkpoints (32 raw bytes in its key file).
public struct ConsentCheckpointSigningKey: Sendable {
    // Raw bytes rather than the Crypto key, which is not `Sendable`.
    public let rawRepresentation: [UInt8]

    public init?(rawRepresentation: [UInt8]) {
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)) != nil else { return nil }
        self.rawRepresentation = rawRepresentation
    }

    public static func generate() -> ConsentCheckpointSigningKey {
        ConsentCheckpointSigningKey(valid: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    private init(valid: [UInt8]) {
        rawRepresentation = valid
    }

    private var key: Curve25519.Signing.PrivateKey {
        // Checked in the initialisers.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    public var publicKey: ConsentCheckpointPublicKey {
        ConsentCheckpointPublicKey(raw: Array(key.publicKey.rawRepresentation))
    }

    /// `checkpoint` with its signature set.
    public func sign(_ checkpoint: ConsentCheckpoint) throws -> ConsentCheckpoint {
        var signed = checkpoint
        signed.signature = try key.signature(for: Array(checkpoint.canonicalText.utf8)).base64EncodedString()
        return signed
    }
}

/// The public half, as an auditor receives it: PEM (SubjectPublicKeyInfo), the form
/// `openssl pkeyutl -verify -pubin -inkey` reads.
public struct ConsentCheckpointPublicKey: Sendable, Equatable {
    public let raw: [UInt8]

    /// DER of SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), before the 32 key bytes.
    static let derPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    init(raw: [UInt8]) {
        self.raw = raw
    }

    public init?(pem: String) {
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body).map(Array.init), der.count == 44,
            Array(der.prefix(12)) == Self.derPrefix
        else { return nil }
        raw = Array(der.dropFirst(12))
    }

    public var pem: String {
        "-----BEGIN PUBLIC KEY-----\n" + Data(Self.derPrefix + raw).base64EncodedString()
            + "\n-----END PUBLIC KEY-----\n"
    }

    public func isValidSignature(of checkpoint: ConsentCheckpoint) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
            let signature = Data(base64Encoded: checkpoint.signature)
        else { return false }
        return key.isValidSignature(signature, for: Array(checkpoint.canonicalText.utf8))
    }
}
