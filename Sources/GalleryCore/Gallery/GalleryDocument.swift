public import Foundation

/// `GET /api/v1/galleries`: the list of published galleries.
public struct GalleryList: Codable, Sendable, Equatable {
    public var galleries: [GallerySummary]

    public init(galleries: [GallerySummary]) {
        self.galleries = galleries
    }
}

/// One entry of the gallery list.
public struct GallerySummary: Codable, Sendable, Equatable {
    public var slug: String
    public var title: String
    public var summary: String?
    public var itemCount: Int
    public var updatedAt: Date
    public var cover: GalleryItem?

    public init(slug: String, title: String, summary: String?, itemCount: Int, updatedAt: Date, cover: GalleryItem?) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.itemCount = itemCount
        self.updatedAt = updatedAt
        self.cover = cover
    }
}

/// `GET /api/v1/galleries/{slug}`: one gallery with its ordered items (API.md).
public struct GalleryDocument: Codable, Sendable, Equatable {
    public var slug: String
    public var title: String
    public var summary: String?
    public var updatedAt: Date
    public var items: [GalleryItem]
    public var embeds: [EmbedDocument]
    public var share: [ShareLink]
    public var consent: ConsentState
    /// The whole gallery as one ZIP (absent while it has no photo).
    public var zip: GalleryZipDocument?

    public init(
        slug: String, title: String, summary: String?, updatedAt: Date, items: [GalleryItem],
        embeds: [EmbedDocument] = [], share: [ShareLink] = [], consent: ConsentState, zip: GalleryZipDocument? = nil
    ) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.updatedAt = updatedAt
        self.items = items
        self.embeds = embeds
        self.share = share
        self.consent = consent
        self.zip = zip
    }
}

/// `GET /downloads/galleries/{slug}.zip`: every photo of the gallery in one stored
/// (uncompressed) ZIP, with `LIESMICH.txt` and `README.txt` naming each photo's rights.
public struct GalleryZipDocument: Codable, Sendable, Equatable {
    public var url: String
    /// Bytes of the whole archive (its `Content-Length`).
    public var bytes: Int
    /// Photos in it (the two text files not counted).
    public var count: Int

    public init(url: String, bytes: Int, count: Int) {
        self.url = url
        self.bytes = bytes
        self.count = count
    }
}

/// One image of a gallery as the portal shows it.
public struct GalleryItem: Codable, Sendable, Equatable {
    public var id: AssetID
    public var position: Int
    public var count: Int
    public var caption: String?
    public var alt: String?
    public var headline: String?
    public var credit: String
    public var creditSource: TextSource
    public var creator: String?
    public var copyright: String?
    /// Web Statement of Rights: the licence's URL (schema.org `license`).
    public var license: String?
    /// Where a licence can be had (schema.org `acquireLicensePage`, `plus:LicensorURL`).
    public var acquireLicensePage: String?
    /// IPTC Usage Terms, in German where there is a German text.
    public var usageTerms: String?
    /// Every language of the usage terms (`{"de": …, "en": …}`), when there is more than one.
    public var usageTermsByLanguage: [String: String]?
    /// The extended description for screen readers (IPTC Extended Description).
    public var longDescription: String?
    /// IPTC Digital Source Type URI.
    public var digitalSourceType: String?
    /// AI-generated or AI-edited (EU AI Act Art. 50); the portal labels it.
    public var aiGenerated: Bool
    /// IPTC Keywords, in order (absent when there are none).
    public var keywords: [String]?
    /// The people shown (IPTC Person Shown).
    public var persons: [String]?
    /// The place shown (IPTC Location Shown; else the legacy location fields).
    public var location: PhotoLocation?
    /// IPTC Event.
    public var event: String?
    public var width: Int
    public var height: Int
    /// When the photo was taken, as an instant (a date alone is that day's midnight in the
    /// site's `timeZone`, kept for compatibility): read it with `takenAtPrecision`.
    public var takenAt: Date?
    /// How much of `takenAt` is known: `day` (show the date only), `minute` or `second`.
    public var takenAtPrecision: CaptureTime.Precision?
    public var placeholder: Placeholder?
    public var renditions: [RenditionDocument]
    /// The print-quality JPEG, once made (absent when downloads are off).
    public var download: DownloadDocument?

    public init(
        id: AssetID, position: Int, count: Int, text: BoundText, width: Int, height: Int, takenAt: Date?,
        takenAtPrecision: CaptureTime.Precision? = nil, placeholder: Placeholder?, renditions: [RenditionDocument],
        download: DownloadDocument? = nil
    ) {
        self.takenAtPrecision = takenAt == nil ? nil : takenAtPrecision
        self.acquireLicensePage = text.acquireLicensePage
        self.usageTerms = text.usageTerms?.text(for: "de")
        self.usageTermsByLanguage = text.usageTerms.flatMap { $0.values.count > 1 ? $0.values : nil }
        self.longDescription = text.longDescription
        self.digitalSourceType = text.digitalSourceType
        self.aiGenerated = text.aiGenerated ?? false
        self.keywords = text.keywords
        self.persons = text.persons
        self.location = text.location
        self.event = text.event
        self.download = download
        self.id = id
        self.position = position
        self.count = count
        self.caption = text.caption
        self.alt = text.alt
        self.headline = text.headline
        self.credit = text.credit
        self.creditSource = text.creditSource
        self.creator = text.creator
        self.copyright = text.copyright
        self.license = text.license
        self.width = width
        self.height = height
        self.takenAt = takenAt
        self.placeholder = placeholder
        self.renditions = renditions
    }
}

/// A low-resolution stand-in shown while the image loads.
public struct Placeholder: Codable, Sendable, Hashable {
    /// ThumbHash, base64.
    public var thumbhash: String
    /// Average colour, `#rrggbb`.
    public var color: String

    public init(thumbhash: String, color: String) {
        self.thumbhash = thumbhash
        self.color = color
    }
}

/// A published rendition as listed in the gallery JSON.
public struct RenditionDocument: Codable, Sendable, Hashable {
    public var role: RenditionRole
    public var width: Int
    public var height: Int
    public var format: OutputFormat
    public var mime: String
    public var bytes: Int
    public var url: String

    public init(role: RenditionRole, width: Int, height: Int, format: OutputFormat, bytes: Int, url: String) {
        self.role = role
        self.width = width
        self.height = height
        self.format = format
        self.mime = format.mime
        self.bytes = bytes
        self.url = url
    }
}

/// The print-quality download of an item: a JPEG in sRGB with the rights in its EXIF and
/// XMP, at an immutable URL that answers with `Content-Disposition: attachment`.
public struct DownloadDocument: Codable, Sendable, Hashable {
    public var url: String
    public var width: Int
    public var height: Int
    public var bytes: Int
    public var mime: String
    /// The name the file is saved as (RFC 6266), e.g. `kabinett-03-MWIDE-NRW-E-Lichtenscheidt.jpg`.
    public var fileName: String

    public init(url: String, width: Int, height: Int, bytes: Int, fileName: String) {
        self.url = url
        self.width = width
        self.height = height
        self.bytes = bytes
        self.mime = OutputFormat.jpeg.mime
        self.fileName = fileName
    }
}

/// A plain share URL for a social network (no script, no request before a click).
public struct ShareLink: Codable, Sendable, Equatable {
    public var service: String
    public var url: String

    public init(service: String, url: String) {
        self.service = service
        self.url = url
    }
}

/// The visitor's consent as it shaped this response.
public struct ConsentState: Codable, Sendable, Equatable {
    public var policyVersion: String
    public var granted: [String]

    public init(policyVersion: String, granted: [String]) {
        self.policyVersion = policyVersion
        self.granted = granted
    }
}
