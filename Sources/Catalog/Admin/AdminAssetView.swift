import Foundation
public import GalleryCore

/// An asset as the admin API shows it.
public struct AdminAssetView: Sendable {
    public var asset: AssetRecord
    public var gallery: GalleryRecord
    public var override: AssetOverrideRecord?
    public var renditions: [RenditionRecord]

    package init(
        asset: AssetRecord, gallery: GalleryRecord, override: AssetOverrideRecord?, renditions: [RenditionRecord]
    ) {
        self.asset = asset
        self.gallery = gallery
        self.override = override
        self.renditions = renditions
    }
}

/// A gallery with all its assets, published or hidden, for the admin API.
public struct AdminGalleryView: Sendable {
    public var gallery: GalleryRecord
    public var assets: [AdminAssetView]

    package init(gallery: GalleryRecord, assets: [AdminAssetView]) {
        self.gallery = gallery
        self.assets = assets
    }
}

extension BoundText {
    /// The bound value of an editable field, for audit entries.
    public func value(of field: EditableAssetField) -> String? { texts[field] }
}
