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
    var hidden: Bool
    var width: Int
    var height: Int
    var takenAt: Date?
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

        // Unset overrides are written as null, so the admin page can tell "none" apart.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(caption, forKey: .caption)
            try container.encode(alt, forKey: .alt)
            try container.encode(headline, forKey: .headline)
            try container.encode(credit, forKey: .credit)
            try container.encode(creator, forKey: .creator)
            try container.encode(hidden, forKey: .hidden)
        }

        enum CodingKeys: String, CodingKey { case caption, alt, headline, credit, creator, hidden }
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
        hidden = view.override?.hidden ?? false
        width = asset.width
        height = asset.height
        takenAt = asset.takenAt
        let override = view.override
        overrides = Overrides(
            caption: override?.caption, alt: override?.alt, headline: override?.headline, credit: override?.credit,
            creator: override?.creator, hidden: override?.hidden)
        embedded = asset.metadata
        warnings = asset.warnings
        renditions = view.renditions.sorted { ($0.role, $0.width) < ($1.role, $1.width) }.map(\.document)
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
