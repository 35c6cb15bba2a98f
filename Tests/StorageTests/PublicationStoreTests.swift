import Catalog
import Foundation
import GalleryCore
import Testing

/// Embargo, expiry, withdrawal and erasure through the one publication rule, the same on
/// both stores.
@Suite("Embargoes, takedowns and erasure, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct PublicationStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)
    static let hashC = String(repeating: "c", count: 64)

    func asset(_ path: String, gallery: Int64, hash: String) -> AssetRecord {
        AssetRecord(
            id: AssetID(relativePath: path), galleryId: gallery, path: path,
            fileName: String(path.split(separator: "/").last!), fileSize: 1000, modifiedAt: 1_800_000_000.25,
            sourceHash: hash, format: .jpeg, width: 1200, height: 800, orientation: 1, takenAt: nil,
            metadata: EmbeddedMetadata(),
            text: BoundText(
                caption: "Frau Müller am Rednerpult", captionSource: .iptc, credit: "© MWIDE NRW", creditSource: .house),
            variantKey: "0123456789ab", placeholder: nil, ingestedAt: start, updatedAt: start)
    }

    func rendition(of asset: AssetRecord) -> [RenditionRecord] {
        [
            RenditionRecord(
                assetId: asset.id, role: .thumbnail, width: 160, height: 160, format: .jpeg, bytes: 900,
                path: "\(asset.sourceHash)/\(asset.variantKey)/t160.jpg")
        ]
    }

    @Test(
        "a sidecar's embargo hides gallery and files until publishAt, an entry's expiry withdraws one photo; the next change is known",
        arguments: StorageKind.allCases)
    func sidecarSchedule(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let store = try await catalog.node().galleries
            var entry = TextOverrides()
            entry.unpublishAt = PublicationTime.text(start + 7200)
            var sidecar = GallerySidecar(items: ["b.jpg": entry])
            sidecar.publishAt = PublicationTime.text(start + 3600)
            let gallery = try await store.syncGallery(
                folder: "Sperrfrist", sidecar: sidecar, sidecarError: nil, siteDownloads: true, now: start)
            let id = try #require(gallery.id)
            #expect(gallery.publishAt == start + 3600)
            let a = asset("Sperrfrist/a.jpg", gallery: id, hash: Self.hashA)
            let b = asset("Sperrfrist/b.jpg", gallery: id, hash: Self.hashB)
            for photo in [a, b] { try await store.commit(asset: photo, renditions: rendition(of: photo), now: start) }

            // Before publishAt: nothing of it, to anyone.
            #expect(try await store.gallery(slug: "sperrfrist", at: start + 10) == nil)
            #expect(try await store.publishedRevision(slug: "sperrfrist", at: start + 10) == nil)
            #expect(try await store.galleryList(at: start + 10).galleries.isEmpty)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 10)?.access == .notYet)
            #expect(try await store.galleryContents(at: start + 10)["sperrfrist"]?.shown.isEmpty == true)
            #expect(try await store.galleryContents(at: start + 10)["sperrfrist"]?.all.count == 2)
            #expect(try await store.nextPublicationChange(after: start + 10) == start + 3600)

            // At publishAt: both photos; at b's unpublishAt, b is gone and a stays.
            let open = start + 3600
            #expect(try await store.gallery(slug: "sperrfrist", at: open)?.document.items.map(\.id) == [a.id, b.id])
            #expect(try await store.galleryList(at: open).galleries.first?.itemCount == 2)
            #expect(try await store.fileAccess(sourceHash: Self.hashB, at: open)?.access == .open)
            #expect(try await store.nextPublicationChange(after: open) == start + 7200)
            let later = start + 7200
            #expect(try await store.gallery(slug: "sperrfrist", at: later)?.document.items.map(\.id) == [a.id])
            #expect(try await store.fileAccess(sourceHash: Self.hashB, at: later)?.access == .gone)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: later)?.access == .open)
            #expect(try await store.galleryContents(at: later)["sperrfrist"]?.shown == [a.id.value])
            #expect(try await store.nextPublicationChange(after: later) == nil)
            #expect(try await store.fileAccess(sourceHash: Self.hashC, at: later) == nil)
        }
    }

    @Test(
        "an admin's window wins over the sidecar's, is audited, and one that ends before it starts is refused",
        arguments: StorageKind.allCases)
    func adminSchedule(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            let id = try #require(
                try await store.syncGallery(
                    folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start
                )
                .id)
            let a = asset("G/a.jpg", gallery: id, hash: Self.hashA)
            try await store.commit(asset: a, renditions: rendition(of: a), now: start)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start)?.access == .open)

            _ = try await admin.patchAsset(
                id: a.id, AssetPatch(publishAt: .some(start + 60)), actor: "token:ops", now: start)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 1)?.access == .notYet)
            #expect(try await store.gallery(slug: "g", at: start + 1)?.document.items.isEmpty == true)
            #expect(try await store.gallery(slug: "g", at: start + 60)?.document.items.map(\.id) == [a.id])
            #expect(try await store.nextPublicationChange(after: start) == start + 60)
            await #expect(throws: PublicationTimeError.self) {
                _ = try await admin.patchAsset(
                    id: a.id, AssetPatch(unpublishAt: .some(start + 30)), actor: "token:ops", now: start)
            }
            let gallery = try await admin.patchGallery(
                slug: "g", GalleryPatch(publishAt: .some(start + 120), unpublishAt: .some(start + 240)),
                actor: "token:ops", now: start)
            #expect(gallery?.publishAt == start + 120 && gallery?.unpublishAt == start + 240)
            #expect(try await store.publishedRevision(slug: "g", at: start + 100) == nil)
            #expect(try await store.publishedRevision(slug: "g", at: start + 130) != nil)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 300)?.access == .gone)
            // The admin's window survives the next sync of the folder.
            let synced = try await store.syncGallery(
                folder: "G", sidecar: GallerySidecar(title: "Neu"), sidecarError: nil, siteDownloads: true,
                now: start + 5)
            #expect(synced.publishAt == start + 120)
            let audit = try await node.audit.audit(since: nil, limit: 20)
            #expect(Set(audit.compactMap(\.field)).isSuperset(of: ["publishAt", "unpublishAt"]))
        }
    }

    @Test(
        "hidden, deleted and replaced photos: hidden and deleted are gone at once, a replaced one's old version keeps its grace",
        arguments: StorageKind.allCases)
    func withdrawal(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            let id = try #require(
                try await store.syncGallery(
                    folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start
                )
                .id)
            let a = asset("G/a.jpg", gallery: id, hash: Self.hashA)
            let b = asset("G/b.jpg", gallery: id, hash: Self.hashB)
            for photo in [a, b] { try await store.commit(asset: photo, renditions: rendition(of: photo), now: start) }

            _ = try await admin.patchAsset(id: a.id, AssetPatch(hidden: true), actor: "token:ops", now: start)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start)?.access == .gone)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start)?.keys == [CacheKey.asset(a.id.value)])

            // b replaced by new bytes: its old version stays public while b is.
            let replaced = asset("G/b.jpg", gallery: id, hash: Self.hashC)
            try await store.commit(asset: replaced, renditions: rendition(of: replaced), now: start + 1)
            #expect(try await store.fileAccess(sourceHash: Self.hashB, at: start + 2)?.access == .open)
            // b's original deleted: old and new version gone at once.
            _ = try await store.removeFile(path: "G/b.jpg", now: start + 3)
            #expect(try await store.fileAccess(sourceHash: Self.hashB, at: start + 4)?.access == .gone)
            #expect(try await store.fileAccess(sourceHash: Self.hashC, at: start + 4)?.access == .gone)
            // The gallery removed: every photo of it gone.
            _ = try await admin.patchAsset(id: a.id, AssetPatch(hidden: false), actor: "token:ops", now: start + 5)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 5)?.access == .open)
            try await store.removeGallery(folder: "G", now: start + 6)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 7)?.access == .gone)
        }
    }

    @Test(
        "erasure keeps a tombstone and nothing of the photo, blocks the same bytes, and can be lifted",
        arguments: StorageKind.allCases)
    func erasure(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            let id = try #require(
                try await store.syncGallery(
                    folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start
                )
                .id)
            let a = asset("G/a.jpg", gallery: id, hash: Self.hashA)
            try await store.commit(asset: a, renditions: rendition(of: a), now: start)
            _ = try await admin.patchAsset(
                id: a.id, AssetPatch(texts: [.caption: "Herr Schmidt, privat"]), actor: "token:ops", now: start)

            let tombstone = try #require(
                try await admin.erase(
                    id: a.id, reason: "DSGVO Art. 17, Antrag 2026-41", actor: "token:ops", now: start + 1))
            #expect(tombstone.sourceHash == Self.hashA && tombstone.path == "G/a.jpg")
            #expect(try await store.asset(atPath: "G/a.jpg") == nil)
            #expect(try await admin.adminAsset(id: a.id) == nil)
            #expect(try await store.overrides(for: a.id) == nil)
            #expect(try await store.fileAccess(sourceHash: Self.hashA, at: start + 2)?.access == .gone)
            #expect(try await store.erasure(sourceHash: Self.hashA) == tombstone)
            #expect(try await store.quarantineEntry(atPath: "G/a.jpg")?.code == "erased")
            // No caption, credit or path survives in the audit trail.
            let audit = try await node.audit.audit(since: nil, limit: 50)
            for entry in audit {
                for value in [entry.oldValue, entry.newValue, entry.target].compactMap({ $0 }) {
                    #expect(!value.contains("Schmidt") && !value.contains("Müller") && !value.contains("a.jpg"))
                }
            }
            #expect(audit.contains { $0.action == "asset.erase" && $0.newValue == "DSGVO Art. 17, Antrag 2026-41" })

            let lifted = try await admin.liftErasure(
                sourceHash: Self.hashA, reason: "Einwilligung liegt vor", actor: "token:ops", now: start + 3)
            #expect(lifted?.assetId == a.id)
            #expect(try await store.erasure(sourceHash: Self.hashA) == nil)
            #expect(try await store.quarantineEntry(atPath: "G/a.jpg") == nil)
            #expect(try await admin.erasures().isEmpty)
        }
    }

    @Test(
        "an embed's preview is public while its gallery is, gone once the gallery is not, unknown once the embed is removed",
        arguments: StorageKind.allCases)
    func previews(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            _ = try await store.syncGallery(
                folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start)
            var embed = EmbedRecord(
                id: "e1", galleryFolder: "G", service: "youtube", url: "https://www.youtube.com/watch?v=e1",
                externalId: "e1", kind: .video, title: nil, source: .admin, position: 1, createdAt: start)
            let preview = String(repeating: "d", count: 64) + ".jpg"
            embed.previewPath = preview
            try await store.save(embed, actor: "token:ops", now: start)
            #expect(
                try await store.previewAccess(path: preview, at: start)
                    == FileAccess(access: .open, keys: ["gallery:g"]))
            _ = try await admin.patchGallery(
                slug: "g", GalleryPatch(unpublishAt: .some(start + 10)), actor: "token:ops", now: start)
            #expect(try await store.previewAccess(path: preview, at: start + 11)?.access == .gone)
            #expect(try await store.removeEmbed(id: "e1", actor: "token:ops", now: start + 12))
            #expect(try await store.previewAccess(path: preview, at: start + 13) == nil)
        }
    }
}
