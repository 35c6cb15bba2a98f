public import Foundation

/// The consent log as CSV for auditors: one row per event, every field, formula-like
/// values defused (a leading `=`, `+`, `-`, `@` is prefixed with `'`).
public enum ConsentEventExport {
    public static let csvHeader = [
        "seq", "eventId", "consentId", "kind", "scope", "decisions", "policyVersion", "catalogHash", "locale", "at",
        "expiresAt", "browser", "ipHash", "previousHash", "hash",
    ]

    public static func csv(_ events: [ConsentEvent]) -> String {
        var lines = [csvHeader.joined(separator: ",")]
        for event in events {
            let decisions = event.decisions.keys.sorted().map { "\($0)=\(event.decisions[$0]! ? 1 : 0)" }
                .joined(separator: ";")
            let fields = [
                event.seq.map(String.init) ?? "", event.eventId, event.consentId, event.kind.rawValue,
                event.scope.rawValue, decisions, event.policyVersion, event.catalogHash, event.locale,
                timestamp(event.at), event.expiresAt.map(timestamp) ?? "", event.browser,
                event.ipHash ?? "", event.previousHash, event.hash,
            ]
            lines.append(fields.map(escape).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Milliseconds included: the hash covers them, so an auditor can recompute it. They are
    /// rounded as the hash rounds them (the formatter alone would cut .379 to .378).
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: Double(fraction < 0 ? seconds - 1 : seconds))
        let text = Date.ISO8601FormatStyle().format(whole)
        return text.dropLast() + "." + String(1000 + (fraction + 1000) % 1000).dropFirst() + "Z"
    }

    static func escape(_ field: String) -> String {
        var value = field
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    public static func json(_ events: [ConsentEvent]) throws -> Data {
        try encoder.encode(["events": events])
    }

    /// The log for an audit: `events`, the signed `checkpoints` and the `publicKey` (PEM)
    /// that checks their signatures.
    public static func json(
        _ events: [ConsentEvent], checkpoints: [ConsentCheckpoint], publicKey: ConsentCheckpointPublicKey?
    ) throws -> Data {
        try encoder.encode(AuditExport(events: events, checkpoints: checkpoints, publicKey: publicKey?.pem))
    }

    struct AuditExport: Encodable {
        var events: [ConsentEvent]
        var checkpoints: [ConsentCheckpoint]
        var publicKey: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(events, forKey: .events)
            try container.encode(checkpoints, forKey: .checkpoints)
            // Always present, null when no checkpoint was ever written.
            try container.encode(publicKey, forKey: .publicKey)
        }

        enum CodingKeys: String, CodingKey {
            case events, checkpoints, publicKey
        }
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
