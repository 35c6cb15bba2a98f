public import GalleryCore

/// One rendition file of an asset. `path` is relative to the renditions folder and is also
/// the URL path after `/renditions/`.
public struct RenditionRecord: Codable, Sendable, Equatable {
    public var assetId: AssetID
    public var role: RenditionRole
    public var width: Int
    public var height: Int
    public var format: OutputFormat
    public var bytes: Int
    public var path: String

    public init(
        assetId: AssetID, role: RenditionRole, width: Int, height: Int, format: OutputFormat, bytes: Int,
        path: String
    ) {
        self.assetId = assetId
        self.role = role
        self.width = width
        self.height = height
        self.format = format
        self.bytes = bytes
        self.path = path
    }

    public var document: RenditionDocument {
        RenditionDocument(
            role: role, width: width, height: height, format: format, bytes: bytes, url: "/renditions/\(path)")
    }
}
