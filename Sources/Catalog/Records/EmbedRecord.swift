public import Foundation
public import GalleryCore

/// A social embed attached to a gallery (from its sidecar or by an admin).
public struct EmbedRecord: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        case sidecar, admin
    }

    public var id: String
    public var galleryFolder: String
    public var service: String
    public var url: String
    public var externalId: String
    public var kind: EmbedKind
    public var title: String?
    public var source: Source
    public var position: Int
    /// File name under `<data>/previews/`, when a preview was fetched or uploaded.
    public var previewPath: String?
    public var previewWidth: Int?
    public var previewHeight: Int?
    /// Why there is no preview, for the admin.
    public var previewError: String?
    public var createdAt: Date

    public init(
        id: String, galleryFolder: String, service: String, url: String, externalId: String, kind: EmbedKind,
        title: String?, source: Source, position: Int, createdAt: Date
    ) {
        self.id = id
        self.galleryFolder = galleryFolder
        self.service = service
        self.url = url
        self.externalId = externalId
        self.kind = kind
        self.title = title
        self.source = source
        self.position = position
        self.createdAt = createdAt
    }
}
