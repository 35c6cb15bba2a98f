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

    /// Milliseconds included: the hash covers them, so an auditor can recompute it.
    public static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    static func escape(_ field: String) -> String {
        var value = field
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    public static func json(_ events: [ConsentEvent]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(["events": events])
    }
}
