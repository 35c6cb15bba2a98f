public import Foundation
public import GalleryCore

/// A published image: its source file's identity and version, what was read from it, the
/// texts bound to it and where its renditions are.
public struct AssetRecord: Codable, Sendable, Equatable {
    public var id: AssetID
    public var galleryId: Int64
    /// Path relative to the media root, `/`-separated.
    public var path: String
    public var fileName: String
    public var fileSize: Int
    /// Modification time, seconds since 1970 with sub-second precision.
    public var modifiedAt: Double
    /// SHA-256 of the file's bytes: the version.
    public var sourceHash: String
    public var format: SourceFormat
    /// Upright size (EXIF orientation applied).
    public var width: Int
    public var height: Int
    public var orientation: Int
    public var takenAt: Date?
    public var metadata: EmbeddedMetadata
    public var text: BoundText
    public var variantKey: String
    public var placeholder: Placeholder?
    /// What was wrong with the file but did not stop it from being published ("colour
    /// profile ignored: …"), for the admin.
    public var warnings: [String]
    public var ingestedAt: Date
    public var updatedAt: Date

    public init(
        id: AssetID, galleryId: Int64, path: String, fileName: String, fileSize: Int, modifiedAt: Double,
        sourceHash: String, format: SourceFormat, width: Int, height: Int, orientation: Int, takenAt: Date?,
        metadata: EmbeddedMetadata, text: BoundText, variantKey: String, placeholder: Placeholder?,
        warnings: [String] = [], ingestedAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.galleryId = galleryId
        self.path = path
        self.fileName = fileName
        self.fileSize = fileSize
        self.modifiedAt = modifiedAt
        self.sourceHash = sourceHash
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
        self.takenAt = takenAt
        self.metadata = metadata
        self.text = text
        self.variantKey = variantKey
        self.placeholder = placeholder
        self.warnings = warnings
        self.ingestedAt = ingestedAt
        self.updatedAt = updatedAt
    }
}
