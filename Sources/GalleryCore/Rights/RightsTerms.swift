import Foundation

/// Rights terms set for many photos at once: the site's defaults (config `rights.*`) or a
/// gallery's (its sidecar, the admin's gallery settings). Each field maps to the IPTC Photo
/// Metadata Standard property a rendition carries and to the schema.org `ImageObject`
/// property Google Images reads:
///
/// | field                | IPTC / XMP                         | schema.org           |
/// |----------------------|------------------------------------|----------------------|
/// | `license`            | `xmpRights:WebStatement`           | `license`            |
/// | `acquireLicensePage` | `plus:Licensor`/`plus:LicensorURL` | `acquireLicensePage` |
/// | `usageTerms`         | `xmpRights:UsageTerms`             | –                    |
/// | `licensor`           | `plus:Licensor`/`plus:LicensorName`| –                    |
public struct RightsTerms: Hashable, Sendable, Codable {
    public var license: String?
    public var acquireLicensePage: String?
    public var usageTerms: LanguageAlternative?
    public var licensor: String?
    /// Whether the gallery's photos offer a print-quality download (gallery and site only).
    public var downloads: Bool?

    public init(
        license: String? = nil, acquireLicensePage: String? = nil, usageTerms: LanguageAlternative? = nil,
        licensor: String? = nil, downloads: Bool? = nil
    ) {
        self.license = license
        self.acquireLicensePage = acquireLicensePage
        self.usageTerms = usageTerms
        self.licensor = licensor
        self.downloads = downloads
    }

    public var isEmpty: Bool { self == RightsTerms() }

    /// Each field from `self` where set, else from `fallback`.
    public func over(_ fallback: RightsTerms?) -> RightsTerms {
        guard let fallback else { return self }
        return RightsTerms(
            license: license ?? fallback.license, acquireLicensePage: acquireLicensePage ?? fallback.acquireLicensePage,
            usageTerms: usageTerms ?? fallback.usageTerms, licensor: licensor ?? fallback.licensor,
            downloads: downloads ?? fallback.downloads)
    }

    /// The terms with every address that is no web address dropped, and what was dropped
    /// (for a warning: a sidecar is read, not refused).
    public func validated() -> (terms: RightsTerms, problems: [String]) {
        var terms = self
        var problems: [String] = []
        for (name, keyPath) in [("license", \RightsTerms.license), ("acquireLicensePage", \.acquireLicensePage)] {
            guard let value = terms[keyPath: keyPath] else { continue }
            if let address = Self.webAddress(value) {
                terms[keyPath: keyPath] = address
            } else {
                terms[keyPath: keyPath] = nil
                problems.append("\(name) ignored: not an http(s) address")
            }
        }
        terms.licensor = terms.licensor.flatMap(TextNormalizer.clean)
        return (terms, problems)
    }

    /// `text` if it is an absolute `http` or `https` URL with a host and no white space or
    /// control character, at most 2,048 bytes; else `nil` (`javascript:`, `data:`, relative
    /// paths, …). Rights addresses end up in `href`s, JSON-LD and XMP.
    public static func webAddress(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 2048,
            !trimmed.unicodeScalars.contains(where: {
                !$0.isASCII || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
                    || Self.notInURI.contains($0)
            }),
            Self.percentEncodingIsValid(trimmed),
            let components = URLComponents(string: trimmed),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        return trimmed
    }

    /// ASCII characters RFC 3986 (section 2) allows nowhere in a URI, not even in a query:
    /// a "URL" with them is refused rather than escaped wherever it is written. (A URI is
    /// ASCII: other characters are percent-encoded, a host in punycode.)
    static let notInURI: Set<Unicode.Scalar> = ["\"", "<", ">", "\\", "^", "`", "{", "}", "|"]

    /// Every `%` starts a percent-encoded octet (`%` and two hex digits, RFC 3986 §2.1).
    static func percentEncodingIsValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "%" {
            guard index + 2 < scalars.count, scalars[index + 1].properties.isASCIIHexDigit,
                scalars[index + 2].properties.isASCIIHexDigit
            else { return false }
        }
        return true
    }
}
