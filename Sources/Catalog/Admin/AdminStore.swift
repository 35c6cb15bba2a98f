public import Foundation
public import GalleryCore

/// What the admin API reads and corrects, named for what its routes do: galleries and
/// assets with their overrides and renditions, corrections applied with one audit entry
/// per changed field (in the same transaction), quarantine released for a retry.
///
/// Two implementations: the SQLite catalog (``Catalog``) and PostgreSQL
/// (`PostgresGalleryStore`).
public protocol AdminStore: ErasureStore {
    func adminAsset(id: AssetID) async throws -> AdminAssetView?
    /// Every gallery, by slug, with all its assets (published or hidden).
    func adminGalleries() async throws -> [AdminGalleryView]
    func adminGallery(slug: String) async throws -> AdminGalleryView?
    /// Applies an editor's change to an asset's overrides; nil when there is no such asset.
    /// The caller binds the texts again (and renders, when the credit changed).
    func patchAsset(id: AssetID, _ patch: AssetPatch, actor: String, now: Date) async throws -> AssetRecord?
    /// Applies an admin's change to a gallery's settings; nil when there is no such gallery.
    func patchGallery(slug: String, _ patch: GalleryPatch, actor: String, now: Date) async throws -> GalleryRecord?
    /// Every held file, by path.
    func quarantined() async throws -> [QuarantineRecord]
    /// Forgets a quarantine entry so that the file is tried again; false if none.
    func releaseFromQuarantine(path: String, actor: String, now: Date) async throws -> Bool
}

extension AdminStore {
    public func patchAsset(id: AssetID, _ patch: AssetPatch, actor: String) async throws -> AssetRecord? {
        try await patchAsset(id: id, patch, actor: actor, now: Date())
    }

    public func patchGallery(slug: String, _ patch: GalleryPatch, actor: String) async throws -> GalleryRecord? {
        try await patchGallery(slug: slug, patch, actor: actor, now: Date())
    }

    public func releaseFromQuarantine(path: String, actor: String) async throws -> Bool {
        try await releaseFromQuarantine(path: path, actor: actor, now: Date())
    }
}
