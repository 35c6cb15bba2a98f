public import Foundation
public import GalleryCore

/// Where the ingest pipeline keeps what it publishes, named for what the workers do:
/// galleries synced from their folders and sidecars, assets committed with their
/// renditions (one transaction each), files held in quarantine with a reason, rendition
/// folders retired and collected. Every change that readers can see bumps its gallery's
/// revision in the same transaction.
///
/// Two implementations: the SQLite catalog (``Catalog``) and PostgreSQL
/// (`PostgresGalleryStore`).
public protocol IngestCatalog: Sendable {
    func asset(atPath path: String) async throws -> AssetRecord?
    /// The tombstone of erased bytes (SHA-256 of an original), if they were erased.
    func erasure(sourceHash: String) async throws -> ErasureRecord?
    func quarantineEntry(atPath path: String) async throws -> QuarantineRecord?
    /// Every held file, by path.
    func quarantined() async throws -> [QuarantineRecord]
    func gallery(folder: String) async throws -> GalleryRecord?
    func gallery(id: Int64) async throws -> GalleryRecord?
    /// Every gallery, by slug.
    func galleries() async throws -> [GalleryRecord]
    /// Every file the catalog holds, published or quarantined, by path.
    func knownFiles() async throws -> [String: KnownFile]
    /// The admin's corrections of an asset's texts, if any.
    func overrides(for id: AssetID) async throws -> TextOverrides?
    /// An asset made from the same bytes with the same variant, whose renditions a copy of
    /// the file in another gallery reuses.
    func assetSharingRenditions(sourceHash: String, variantKey: String) async throws -> (
        AssetRecord, [RenditionRecord]
    )?
    /// Paths of every asset below a folder.
    func assetPaths(under prefix: String) async throws -> [String]
    /// An asset's print-quality download, if published.
    func download(of id: AssetID) async throws -> RenditionRecord?

    /// Creates or updates the gallery of a folder from its sidecar (and the admin's
    /// override); the revision moves only when something changed.
    /// - Throws: ``QuarantineReason/slugCollision(slug:folder:)`` when another folder has the slug.
    @discardableResult
    func syncGallery(
        folder: String, sidecar: GallerySidecar?, sidecarError: String?, siteDownloads: Bool, now: Date
    ) async throws -> GalleryRecord
    /// Replaces an asset's bound texts (renditions unchanged).
    func updateText(of id: AssetID, to text: BoundText, galleryId: Int64, now: Date) async throws
    /// Publishes a new or changed asset with its renditions: old rendition rows replaced,
    /// quarantine entry cleared, the replaced variant retired.
    func commit(asset: AssetRecord, renditions: [RenditionRecord], now: Date) async throws
    /// Publishes (nil: withdraws) an asset's download if the asset is still `variantKey`.
    @discardableResult
    func setDownload(of id: AssetID, variantKey: String, to rendition: RenditionRecord?, now: Date) async throws
        -> Bool
    /// A file's metadata changed (touched, copied back) but not its bytes.
    func touch(path: String, fileSize: Int, modifiedAt: Double) async throws
    /// Holds a file back with its reason; a published older version is withdrawn.
    func quarantine(_ entry: QuarantineRecord, now: Date) async throws
    /// Forgets a file that left the media folder; false when the catalog did not know it.
    @discardableResult
    func removeFile(path: String, now: Date) async throws -> Bool
    /// Forgets a gallery whose folder is gone, with its assets and quarantine entries.
    func removeGallery(folder: String, now: Date) async throws

    /// Retired rendition folders past the grace period that no asset uses any more.
    func collectableVariants(retiredBefore cutoff: Date) async throws -> [VariantLocation]
    /// Forgets retired folders: collected ones, and ones an asset uses again.
    func forgetRetired(_ variants: [VariantLocation]) async throws

    /// A value galleryd keeps between runs (the fingerprint of the rendition settings).
    func storedValue(_ key: String) async throws -> String?
    func store(_ value: String, for key: String) async throws
}

extension IngestCatalog {
    @discardableResult
    public func syncGallery(folder: String, sidecar: GallerySidecar?, sidecarError: String?, siteDownloads: Bool = true)
        async throws -> GalleryRecord
    {
        try await syncGallery(
            folder: folder, sidecar: sidecar, sidecarError: sidecarError, siteDownloads: siteDownloads, now: Date())
    }

    public func updateText(of id: AssetID, to text: BoundText, galleryId: Int64) async throws {
        try await updateText(of: id, to: text, galleryId: galleryId, now: Date())
    }

    public func commit(asset: AssetRecord, renditions: [RenditionRecord]) async throws {
        try await commit(asset: asset, renditions: renditions, now: Date())
    }

    @discardableResult
    public func setDownload(of id: AssetID, variantKey: String, to rendition: RenditionRecord?) async throws -> Bool {
        try await setDownload(of: id, variantKey: variantKey, to: rendition, now: Date())
    }

    public func quarantine(_ entry: QuarantineRecord) async throws {
        try await quarantine(entry, now: Date())
    }

    @discardableResult
    public func removeFile(path: String) async throws -> Bool {
        try await removeFile(path: path, now: Date())
    }

    public func removeGallery(folder: String) async throws {
        try await removeGallery(folder: folder, now: Date())
    }
}
