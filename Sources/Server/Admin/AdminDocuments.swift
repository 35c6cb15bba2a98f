import Catalog
import Foundation
import GalleryCore

/// `GET /api/v1/admin/assets/{id}`: every text, where it came from, what the file carries.
struct AdminAssetDocument: Encodable {
    var id: String
    var path: String
    var gallery: String
    var fileName: String
    var caption: String?
    var captionSource: TextSource?
    var alt: String?
    var headline: String?
    var credit: String
    var creditSource: TextSource
    var creator: String?
    var copyright: String?
    var license: String?
    var acquireLicensePage: String?
    var usageTerms: LanguageAlternative?
    var licensor: String?
    var longDescription: String?
    var digitalSourceType: String?
    var aiGenerated: Bool
    var hidden: Bool
    var width: Int
    var height: Int
    var takenAt: Date?
    /// `day`, `minute` or `second`: a date alone is shown as a date.
    var takenAtPrecision: CaptureTime.Precision?
    var overrides: Overrides
    var embedded: EmbeddedMetadata
    /// What was ignored to publish the file ("colour profile ignored: …"); empty when nothing.
    var warnings: [String]
    var renditions: [RenditionDocument]

    struct Overrides: Encodable {
        var caption: String?
        var alt: String?
        var headline: String?
        var credit: String?
        var creator: String?
        var hidden: Bool?
        var rights: TextOverrides

        // Unset overrides are written as null, so the admin page can tell "none" apart.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(caption, forKey: .caption)
            try container.encode(alt, forKey: .alt)
            try container.encode(headline, forKey: .headline)
            try container.encode(credit, forKey: .credit)
            try container.encode(creator, forKey: .creator)
            try container.encode(hidden, forKey: .hidden)
            try container.encode(rights.license, forKey: .license)
            try container.encode(rights.acquireLicensePage, forKey: .acquireLicensePage)
            try container.encode(rights.usageTerms, forKey: .usageTerms)
            try container.encode(rights.licensor, forKey: .licensor)
            try container.encode(rights.longDescription, forKey: .longDescription)
            try container.encode(rights.digitalSourceType, forKey: .digitalSourceType)
            try container.encode(rights.aiGenerated, forKey: .aiGenerated)
        }

        enum CodingKeys: String, CodingKey {
            case caption, alt, headline, credit, creator, hidden
            case license, acquireLicensePage, usageTerms, licensor, longDescription, digitalSourceType, aiGenerated
        }
    }

    init(_ view: AdminAssetView) {
        let asset = view.asset
        let text = asset.text
        id = asset.id.value
        path = asset.path
        gallery = view.gallery.slug
        fileName = asset.fileName
        caption = text.caption
        captionSource = text.captionSource
        alt = text.alt
        headline = text.headline
        credit = text.credit
        creditSource = text.creditSource
        creator = text.creator
        copyright = text.copyright
        license = text.license
        acquireLicensePage = text.acquireLicensePage
        usageTerms = text.usageTerms
        licensor = text.licensor
        longDescription = text.longDescription
        digitalSourceType = text.digitalSourceType
        aiGenerated = text.aiGenerated ?? false
        hidden = view.override?.hidden ?? false
        width = asset.width
        height = asset.height
        takenAt = asset.takenAt
        takenAtPrecision = asset.takenAt == nil ? nil : CaptureTime.precision(asset.metadata)
        let override = view.override
        overrides = Overrides(
            caption: override?.caption, alt: override?.alt, headline: override?.headline, credit: override?.credit,
            creator: override?.creator, hidden: override?.hidden, rights: override?.rights ?? TextOverrides())
        embedded = asset.metadata
        warnings = asset.warnings
        renditions = view.renditions.filter { $0.role != .download }.sorted {
            ($0.role, $0.width) < ($1.role, $1.width)
        }
        .map(\.document)
    }
}

/// `GET /api/v1/admin/galleries/{slug}`: settings and every item, hidden ones included.
struct AdminGalleryDocument: Encodable {
    var slug: String
    var folder: String
    var title: String
    var summary: String?
    var defaultCredit: String?
    var order: [String]
    var published: Bool
    var license: String?
    var acquireLicensePage: String?
    var usageTerms: LanguageAlternative?
    var licensor: String?
    /// Whether the gallery's photos offer a download (its setting, else the site's).
    var downloads: Bool
    var sidecarError: String?
    var items: [AdminAssetDocument]

    init(_ view: AdminGalleryView) {
        let gallery = view.gallery
        slug = gallery.slug
        folder = gallery.folder
        title = gallery.title
        summary = gallery.summary
        defaultCredit = gallery.defaultCredit
        order = gallery.displayOrder ?? []
        published = gallery.published
        license = gallery.rights?.license
        acquireLicensePage = gallery.rights?.acquireLicensePage
        usageTerms = gallery.rights?.usageTerms
        licensor = gallery.rights?.licensor
        downloads = gallery.downloads
        sidecarError = gallery.sidecarError
        items = view.assets.map(AdminAssetDocument.init)
    }
}

struct AuditDocument: Encodable {
    var entries: [AuditRecord]
}

struct QuarantineDocument: Encodable {
    var quarantine: [QuarantineRecord]
}
