public import Foundation
public import GalleryCore

/// An erased photo's tombstone (GDPR Art. 17, KUG §22): which bytes (SHA-256 of the
/// original), which asset, when, by whom and why — nothing of the photo's content. While it
/// stands, the same bytes dropped anywhere are not published.
public struct ErasureRecord: Codable, Sendable, Equatable {
    public var sourceHash: String
    public var assetId: AssetID
    /// Where the original lay (relative to the media root) when it was erased: galleryd never
    /// writes to the media folder, so it must be removed there.
    public var path: String
    public var erasedAt: Date
    public var erasedBy: String
    public var reason: String

    public init(sourceHash: String, assetId: AssetID, path: String, erasedAt: Date, erasedBy: String, reason: String) {
        self.sourceHash = sourceHash
        self.assetId = assetId
        self.path = path
        self.erasedAt = erasedAt
        self.erasedBy = erasedBy
        self.reason = reason
    }

    /// The quarantine sentence for a file with these bytes.
    public var quarantineReason: QuarantineReason {
        .erased(
            "erased on \(PublicationTime.text(erasedAt)) by \(erasedBy) (\(reason)); an admin must lift the tombstone "
                + "(sha256 \(sourceHash)) before these bytes are published again")
    }
}
