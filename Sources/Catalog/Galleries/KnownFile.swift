import Foundation
import GalleryCore

/// What the catalog knows of a file on disk, for deciding whether it changed.
public struct KnownFile: Sendable, Equatable {
    public var path: String
    public var fileSize: Int
    public var modifiedAt: Double
    public var sourceHash: String?
    public var isQuarantined: Bool

    package init(path: String, fileSize: Int, modifiedAt: Double, sourceHash: String?, isQuarantined: Bool) {
        self.path = path
        self.fileSize = fileSize
        self.modifiedAt = modifiedAt
        self.sourceHash = sourceHash
        self.isQuarantined = isQuarantined
    }
}
