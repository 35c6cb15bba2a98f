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
    var keywords: [String]?
    var persons: [String]?
    var location: PhotoLocation?
    var event: String?
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
    /// The photo's embargo and expiry as they apply (the admin's › the sidecar entry's; the
    /// gallery's apply as well) and where it stands now: `public`, `embargoed` (before
    /// `publishAt`), `expired`, `hidden`, or `unpublished` (its gallery is not public).
    var publishAt: Date?
    var unpublishAt: Date?
    var publication: String
    /// The admin's own window, when one was set (`null`: the sidecar's applies).
    var scheduleOverride: PublicationWindow?

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
            try container.encode(rights.keywords, forKey: .keywords)
            try container.encode(rights.persons, forKey: .persons)
            try container.encode(rights.location, forKey: .location)
            try container.encode(rights.event, forKey: .event)
        }

        enum CodingKeys: String, CodingKey {
            case caption, alt, headline, credit, creator, hidden
            case license, acquireLicensePage, usageTerms, licensor, longDescription, digitalSourceType, aiGenerated
            case keywords, persons, location, event
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
        (keywords, persons, location, event) = (text.keywords, text.persons, text.location, text.event)
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
        let own =
            override?.schedule
            ?? view.gallery.sidecarWindow(of: asset.fileName, schedule: view.gallery.sidecar?.schedule)
        (publishAt, unpublishAt) = (own.publishAt, own.unpublishAt)
        scheduleOverride = override?.schedule
        let now = Date()
        if hidden {
            publication = "hidden"
        } else if view.gallery.access(at: now) != .open {
            publication = "unpublished"
        } else {
            publication = own.intersecting(view.gallery.window).phase(at: now).adminName
        }
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
    var publishAt: Date?
    var unpublishAt: Date?
    /// `public`, `embargoed`, `expired` or `unpublished`.
    var publication: String
    /// Sidecar times that could not be taken (the gallery or entry is held unpublished).
    var scheduleProblems: [String]
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
        (publishAt, unpublishAt) = (gallery.publishAt, gallery.unpublishAt)
        if !gallery.published {
            publication = "unpublished"
        } else {
            publication = gallery.window.phase(at: Date()).adminName
        }
        scheduleProblems = gallery.sidecar?.schedule.problems ?? []
        items = view.assets.map(AdminAssetDocument.init)
    }
}

struct AuditDocument: Encodable {
    var entries: [AuditRecord]
}

struct QuarantineDocument: Encodable {
    var quarantine: [QuarantineRecord]
}

/// `GET /api/v1/admin/erasures`: the tombstones, and where each original still lies.
struct ErasureDocument: Encodable {
    var sourceHash: String
    var assetId: String
    var erasedAt: Date
    var erasedBy: String
    var reason: String
    /// Where the original lay when it was erased, under the media folder: galleryd never
    /// writes there, so it must be removed there.
    var originalPath: String
    var notice: String

    init(_ record: ErasureRecord) {
        sourceHash = record.sourceHash
        assetId = record.assetId.value
        erasedAt = record.erasedAt
        erasedBy = record.erasedBy
        reason = record.reason
        originalPath = record.path
        notice =
            "Every rendition, download and text of this photo is deleted; the original still lies in the media "
            + "folder at \(record.path) and must be removed there (galleryd never writes to the media folder)."
    }
}

/// `GET /api/v1/admin/schedule`: what is embargoed or expired, galleries and photos, with
/// their times.
struct ScheduleDocument: Encodable {
    struct Entry: Encodable {
        var kind: String
        var gallery: String
        var id: String?
        var fileName: String?
        var publishAt: Date?
        var unpublishAt: Date?
        var publication: String
    }

    var entries: [Entry]

    init(_ galleries: [AdminGalleryView]) {
        var entries: [Entry] = []
        for view in galleries {
            let gallery = AdminGalleryDocument(view)
            if gallery.publication == "embargoed" || gallery.publication == "expired" {
                entries.append(
                    Entry(
                        kind: "gallery", gallery: gallery.slug, publishAt: gallery.publishAt,
                        unpublishAt: gallery.unpublishAt, publication: gallery.publication))
            }
            for item in gallery.items where item.publication == "embargoed" || item.publication == "expired" {
                entries.append(
                    Entry(
                        kind: "asset", gallery: gallery.slug, id: item.id, fileName: item.fileName,
                        publishAt: item.publishAt, unpublishAt: item.unpublishAt, publication: item.publication))
            }
        }
        self.entries = entries
    }
}

extension PublicationWindow.Phase {
    /// `publication` in the admin documents: `embargoed`, `public`, `expired`.
    var adminName: String {
        switch self {
        case .before: "embargoed"
        case .open: "public"
        case .after: "expired"
        }
    }
}
