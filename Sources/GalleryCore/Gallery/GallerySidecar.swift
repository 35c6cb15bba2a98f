/// The optional `gallery.yaml` in a gallery folder: what the photographer or editor says
/// about the gallery and its files. Every field is optional.
///
/// ```yaml
/// title: Auftaktkonferenz Digitale Modellkommunen in NRW
/// summary: Zu Beginn der Förderphase …
/// credit: © MWIDE NRW/E. Lichtenscheidt
/// license: https://www.example.nrw/nutzungsbedingungen
/// usageTerms: {de: Nur zur redaktionellen Berichterstattung, en: Editorial use only}
/// downloads: true
/// publishAt: 2026-05-04T11:30:00+02:00
/// order: [bild-1.jpg, bild-2.jpg]
/// items:
///   bild-1.jpg:
///     caption: Von links: …
///     alt: Sechs Personen vor einer Wand
/// ```
public struct GallerySidecar: Codable, Sendable, Equatable {
    public static let fileName = "gallery.yaml"

    public var slug: String?
    public var title: String?
    public var summary: String?
    /// The gallery's default credit, used when a file names no credit of its own.
    public var credit: String?
    /// File names in display order; files not listed follow, by capture time then name.
    public var order: [String]?
    public var published: Bool?
    public var items: [String: TextOverrides]?
    public var embeds: [EmbedDeclaration]?
    /// The gallery's rights terms (``RightsTerms``), below each file's own.
    public var license: String?
    public var acquireLicensePage: String?
    public var usageTerms: LanguageAlternative?
    public var licensor: String?
    /// Print-quality downloads for this gallery (the site's `downloads.enabled` otherwise).
    public var downloads: Bool?
    /// The gallery's embargo and expiry (``PublicationTime``); each entry of `items` may
    /// have its own.
    public var publishAt: String?
    public var unpublishAt: String?

    /// Rights values that are not taken (they are read, not refused): addresses that are no
    /// http(s) URL, a Digital Source Type that is no URI — of the gallery and of each entry.
    public var rightsProblems: [String] {
        var problems = rights.validated().problems
        for (name, entry) in (items ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (field, value) in [("license", entry.license), ("acquireLicensePage", entry.acquireLicensePage)] {
                if let value, RightsTerms.webAddress(value) == nil {
                    problems.append("\(name): \(field) ignored: not an http(s) address")
                }
            }
            if let value = entry.digitalSourceType, DigitalSourceType(validating: value) == nil {
                problems.append("\(name): digitalSourceType ignored: not a URI or IPTC code")
            }
        }
        return problems
    }

    /// The rights fields as one value.
    public var rights: RightsTerms {
        RightsTerms(
            license: license, acquireLicensePage: acquireLicensePage, usageTerms: usageTerms, licensor: licensor,
            downloads: downloads)
    }

    public init(
        slug: String? = nil, title: String? = nil, summary: String? = nil, credit: String? = nil,
        order: [String]? = nil, published: Bool? = nil, items: [String: TextOverrides]? = nil,
        embeds: [EmbedDeclaration]? = nil
    ) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.credit = credit
        self.order = order
        self.published = published
        self.items = items
        self.embeds = embeds
    }
}

/// A social embed declared in a sidecar: the service and the URL of the post or video.
public struct EmbedDeclaration: Codable, Sendable, Equatable {
    public var service: String
    public var url: String
    public var kind: EmbedKind?
    public var title: String?

    public init(service: String, url: String, kind: EmbedKind? = nil, title: String? = nil) {
        self.service = service
        self.url = url
        self.kind = kind
        self.title = title
    }
}
