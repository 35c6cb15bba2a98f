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

    public init(
        slug: String, title: String, summary: String?, updatedAt: Date, items: [GalleryItem],
        embeds: [EmbedDocument] = [], share: [ShareLink] = [], consent: ConsentState
    ) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.updatedAt = updatedAt
        self.items = items
        self.embeds = embeds
        self.share = share
        self.consent = consent
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
    public var license: String?
    public var width: Int
    public var height: Int
    public var takenAt: Date?
    public var placeholder: Placeholder?
    public var renditions: [RenditionDocument]

    public init(
        id: AssetID, position: Int, count: Int, text: BoundText, width: Int, height: Int, takenAt: Date?,
        placeholder: Placeholder?, renditions: [RenditionDocument]
    ) {
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
