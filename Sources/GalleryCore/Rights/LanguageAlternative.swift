import Foundation

/// A text in several languages: an XMP language alternative (`rdf:Alt` of `rdf:li` with
/// `xml:lang`; XMP Specification Part 1, §8.2.2.4), as IPTC Usage Terms are.
///
/// Keys are lower-case BCP 47 tags or `x-default`. In JSON and YAML it is either one string
/// (the same text in every language, stored as `x-default`) or an object
/// `{"de": "…", "en": "…"}`.
public struct LanguageAlternative: Hashable, Sendable, Codable {
    public private(set) var values: [String: String]

    /// `nil` when no value is left after cleaning.
    public init?(_ values: [String: String]) {
        var cleaned: [String: String] = [:]
        for (language, text) in values {
            let tag = language.trimmingCharacters(in: .whitespaces).lowercased()
            guard !tag.isEmpty, tag.count <= 35,
                tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { continue }
            if let text = TextNormalizer.clean(text) { cleaned[tag] = text }
        }
        guard !cleaned.isEmpty else { return nil }
        self.values = cleaned
    }

    public init?(_ text: String) {
        self.init(["x-default": text])
    }

    /// The text for `language` (`de`: `de`, then `de-*`), else `x-default`, else the first by tag.
    public func text(for language: String) -> String {
        let wanted = language.lowercased()
        if let exact = values[wanted] { return exact }
        if let regional = values.keys.sorted().first(where: { $0.hasPrefix(wanted + "-") }) { return values[regional]! }
        if let fallback = values["x-default"] { return fallback }
        return values[values.keys.sorted()[0]]!
    }

    /// For an XMP `rdf:Alt`: `x-default` first (XMP Part 1 §8.2.2.4 wants it first), as the
    /// German text when there is one, then every language by tag.
    public var alternatives: [(language: String, text: String)] {
        var list = [(language: "x-default", text: values["x-default"] ?? text(for: "de"))]
        for tag in values.keys.sorted() where tag != "x-default" { list.append((tag, values[tag]!)) }
        return list
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let decoded: LanguageAlternative?
        if let text = try? container.decode(String.self) {
            decoded = LanguageAlternative(text)
        } else {
            decoded = LanguageAlternative(try container.decode([String: String].self))
        }
        guard let decoded else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "no text in any language")
        }
        self = decoded
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1, let only = values["x-default"] {
            try container.encode(only)
        } else {
            try container.encode(values)
        }
    }
}
