/// Builds HTML text safely: every string that comes from the catalog, a sidecar, a file's
/// metadata or a visitor goes through ``escape(_:)``, so it is shown as text and never
/// parsed as markup, in element content and in quoted attribute values alike.
///
/// ```swift
/// "<figcaption>" + HTML.escape(item.caption ?? "") + "</figcaption>"
/// ```
enum HTML {
    /// Replaces the five characters that can end text or a quoted attribute value.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// ` name="value"` with the value escaped; nothing when the value is `nil`.
    static func attribute(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return " " + name + "=\"" + escape(value) + "\""
    }

    /// A JSON text safe inside a `<script type="application/json">` data block: `<`, `>`
    /// and `&` are written as `\u` escapes, so the block cannot be closed from inside.
    static func scriptJSON(_ json: String) -> String {
        var result = ""
        for character in json.unicodeScalars {
            switch character {
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
