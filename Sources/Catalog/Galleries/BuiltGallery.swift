import Foundation
public import GalleryCore

/// A gallery's public JSON with the revision it was built from (the cache key).
public struct BuiltGallery: Sendable {
    public var document: GalleryDocument
    public var revision: Int
    /// The gallery's folder under the media root.
    public var folder: String

    package init(document: GalleryDocument, revision: Int, folder: String) {
        self.document = document
        self.revision = revision
        self.folder = folder
    }
}
