import Catalog
import Foundation
import GalleryCore
import Testing

@Suite("Galleries, assets and renditions, on SQLite and on PostgreSQL", .timeLimit(.minutes(3)))
struct GalleryStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)

    func asset(_ path: String, gallery: Int64, hash: String = hashA, key: String = "0123456789ab", takenAt: Date?)
        -> AssetRecord
    {
        AssetRecord(
            id: AssetID(relativePath: path), galleryId: gallery, path: path,
            fileName: String(path.split(separator: "/").last!), fileSize: 1000, modifiedAt: 1_800_000_000.25,
            sourceHash: hash, format: .jpeg, width: 1200, height: 800, orientation: 1, takenAt: takenAt,
            metadata: EmbeddedMetadata(),
            text: BoundText(caption: "Bild \(path)", captionSource: .iptc, credit: "© MWIDE NRW", creditSource: .house),
            variantKey: key, placeholder: nil, warnings: ["colour profile ignored"], ingestedAt: start, updatedAt: start
        )
    }

    func renditions(of asset: AssetRecord) -> [RenditionRecord] {
        [320, 640].map { width in
            RenditionRecord(
                assetId: asset.id, role: .carousel, width: width, height: width * 2 / 3, format: .webp,
                bytes: width * 10, path: "\(asset.sourceHash)/\(asset.variantKey)/c\(width).webp")
        }
            + [
                RenditionRecord(
                    assetId: asset.id, role: .thumbnail, width: 160, height: 160, format: .jpeg, bytes: 900,
                    path: "\(asset.sourceHash)/\(asset.variantKey)/t160.jpg")
            ]
    }

    @Test(
        "a synced gallery with committed photos reads back as the public document; its revision moves only on a change",
        arguments: StorageKind.allCases)
    func publish(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let store = try await catalog.node().galleries
            let gallery = try await store.syncGallery(
                folder: "Termine", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start)
            let id = try #require(gallery.id)
            #expect(gallery.slug == "termine" && gallery.revision == 1)
            let again = try await store.syncGallery(
                folder: "Termine", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start + 5)
            #expect(again == gallery)
            let titled = try await store.syncGallery(
                folder: "Termine", sidecar: GallerySidecar(title: "Termine der Woche"), sidecarError: nil,
                siteDownloads: true, now: start + 6)
            #expect(titled.revision == 2 && titled.title == "Termine der Woche" && titled.id == id)

            let later = asset("Termine/b.jpg", gallery: id, takenAt: start + 60)
            let earlier = asset("Termine/a.jpg", gallery: id, hash: Self.hashB, takenAt: start)
            try await store.commit(asset: later, renditions: renditions(of: later), now: start + 10)
            try await store.commit(asset: earlier, renditions: renditions(of: earlier), now: start + 11)
            #expect(try await store.asset(atPath: "Termine/b.jpg") == later)
            #expect(try await store.knownFiles()["Termine/a.jpg"]?.sourceHash == Self.hashB)

            let built = try #require(try await store.gallery(slug: "termine"))
            #expect(built.revision == 4 && built.folder == "Termine")
            #expect(built.document.title == "Termine der Woche")
            #expect(built.document.items.map(\.id) == [earlier.id, later.id])
            #expect(built.document.items.first?.renditions.map(\.width) == [160, 320, 640])
            #expect(try await store.publishedRevision(slug: "termine") == 4)
            let list = try await store.galleryList()
            #expect(list.galleries.map(\.itemCount) == [2] && list.galleries.first?.cover?.id == earlier.id)
            #expect(try await store.assetPaths(under: "Termine").sorted() == ["Termine/a.jpg", "Termine/b.jpg"])
            #expect(
                try await store.assetSharingRenditions(sourceHash: Self.hashB, variantKey: "0123456789ab")?.0 == earlier
            )

            try await store.touch(path: "Termine/a.jpg", fileSize: 2000, modifiedAt: 1_800_000_999.5)
            #expect(try await store.knownFiles()["Termine/a.jpg"]?.fileSize == 2000)
            #expect(try await store.asset(atPath: "Termine/a.jpg")?.modifiedAt == 1_800_000_999.5)
        }
    }

    @Test(
        "quarantine withdraws a published version and retires its renditions; they are collectable after the grace period",
        arguments: StorageKind.allCases)
    func quarantineAndCollect(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            let id = try #require(
                try await store.syncGallery(
                    folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start
                )
                .id)
            let photo = asset("G/x.jpg", gallery: id, takenAt: nil)
            try await store.commit(asset: photo, renditions: renditions(of: photo), now: start)
            let entry = QuarantineRecord(
                path: "G/x.jpg", code: "unreadable", reason: "not a JPEG", fileSize: 12, modifiedAt: 1.5,
                quarantinedAt: start + 1)
            try await store.quarantine(entry, now: start + 1)
            try await store.quarantine(entry, now: start + 2)
            #expect(try await store.asset(atPath: "G/x.jpg") == nil)
            #expect(try await store.quarantineEntry(atPath: "G/x.jpg")?.attempts == 2)
            #expect(try await store.knownFiles()["G/x.jpg"]?.isQuarantined == true)
            #expect(try await store.gallery(slug: "g")?.document.items.isEmpty == true)
            #expect(try await store.collectableVariants(retiredBefore: start + 0.5).isEmpty)
            let collectable = try await store.collectableVariants(retiredBefore: start + 3)
            #expect(collectable.map(\.sourceHash) == [Self.hashA])
            try await store.forgetRetired(collectable)
            #expect(try await store.collectableVariants(retiredBefore: start + 3).isEmpty)

            #expect(try await admin.releaseFromQuarantine(path: "G/x.jpg", actor: "token:ops", now: start + 4))
            #expect(try await store.quarantined().isEmpty)
            try await store.quarantine(entry, now: start + 5)
            #expect(try await store.removeFile(path: "G/x.jpg", now: start + 6))
            #expect(try await store.removeFile(path: "G/x.jpg", now: start + 6) == false)
            try await store.removeGallery(folder: "G", now: start + 7)
            #expect(try await store.galleries().isEmpty)
        }
    }

    @Test(
        "admin corrections: each changed field audited, a hidden photo leaves the document, a gallery's order and title replaced",
        arguments: StorageKind.allCases)
    func corrections(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let node = try await catalog.node()
            let (store, admin) = (node.galleries, node.admin)
            let id = try #require(
                try await store.syncGallery(
                    folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start
                )
                .id)
            for name in ["a", "b"] {
                let photo = asset("G/\(name).jpg", gallery: id, takenAt: nil)
                try await store.commit(asset: photo, renditions: renditions(of: photo), now: start)
            }
            let target = AssetID(relativePath: "G/a.jpg")
            let patched = try await admin.patchAsset(
                id: target, AssetPatch(texts: [.credit: "© MWIDE NRW/F. Fotografin", .caption: nil], hidden: true),
                actor: "token:redaktion", now: start + 1)
            #expect(patched?.path == "G/a.jpg")
            #expect(try await store.overrides(for: target)?.credit == "© MWIDE NRW/F. Fotografin")
            let view = try #require(try await admin.adminAsset(id: target))
            #expect(view.override?.hidden == true && view.renditions.count == 3 && view.gallery.id == id)
            #expect(try await store.gallery(slug: "g")?.document.items.map(\.id) == [AssetID(relativePath: "G/b.jpg")])
            let entries = try await node.audit.audit(since: nil, limit: 10)
            #expect(Set(entries.compactMap(\.field)) == ["credit", "hidden", "reason"])
            #expect(entries.first { $0.action == "asset.withdraw" }?.target == "asset \(target.value)")
            #expect(entries.first { $0.field == "credit" }?.oldValue == "© MWIDE NRW")

            // Who, what and where: kept with the overrides (JSON on both stores), audited.
            var patch = AssetPatch()
            (patch.keywords, patch.persons, patch.event) = (["Landtag", "Plenum"], ["Hendrik Wüst"], "Plenarsitzung")
            patch.location = PhotoLocation(city: "Düsseldorf", countryCode: "DE")
            _ = try await admin.patchAsset(id: target, patch, actor: "token:redaktion", now: start + 1.5)
            let kept = try #require(try await store.overrides(for: target))
            #expect(kept.keywords == ["Landtag", "Plenum"] && kept.persons == ["Hendrik Wüst"])
            #expect(
                kept.location == PhotoLocation(city: "Düsseldorf", countryCode: "DE") && kept.event == "Plenarsitzung")
            #expect(kept.credit == "© MWIDE NRW/F. Fotografin", "the earlier correction stays")
            let more = try await node.audit.audit(since: nil, limit: 20)
            #expect(Set(more.compactMap(\.field)).isSuperset(of: ["keywords", "persons", "location", "event"]))
            #expect(more.first { $0.field == "location" }?.newValue == "Düsseldorf (DE)")

            let gallery = try await admin.patchGallery(
                slug: "g", GalleryPatch(title: "Neu", order: ["b.jpg", "a.jpg"]), actor: "token:ops", now: start + 2)
            #expect(gallery?.title == "Neu" && gallery?.displayOrder == ["b.jpg", "a.jpg"])
            #expect(try await admin.adminGallery(slug: "g")?.assets.count == 2)
            #expect(try await admin.adminGalleries().map(\.gallery.title) == ["Neu"])
            // The admin's title survives the next sync of the folder.
            let synced = try await store.syncGallery(
                folder: "G", sidecar: GallerySidecar(title: "Alt"), sidecarError: nil, siteDownloads: true,
                now: start + 3)
            #expect(synced.title == "Neu")
        }
    }

    @Test(
        "embeds: saved and audited, ordered, and the sidecar's removed when no longer declared",
        arguments: StorageKind.allCases)
    func embeds(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let store = try await catalog.node().galleries
            _ = try await store.syncGallery(
                folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start)
            let revision = try await store.publishedRevision(slug: "g")
            func embed(_ id: String, position: Int, source: EmbedRecord.Source) -> EmbedRecord {
                EmbedRecord(
                    id: id, galleryFolder: "G", service: "youtube", url: "https://www.youtube.com/watch?v=\(id)",
                    externalId: id, kind: .video, title: nil, source: source, position: position, createdAt: start)
            }
            try await store.save(embed("second", position: 2, source: .sidecar), actor: nil, now: start)
            try await store.save(embed("first", position: 1, source: .admin), actor: "token:ops", now: start)
            #expect(try await store.embeds(galleryFolder: "G").map(\.id) == ["first", "second"])
            #expect(try await store.publishedRevision(slug: "g") == (revision ?? 0) + 2)
            try await store.removeSidecarEmbeds(galleryFolder: "G", keeping: [])
            #expect(try await store.embeds(galleryFolder: "G").map(\.id) == ["first"])
            #expect(try await store.removeEmbed(id: "first", actor: "token:ops", now: start))
            #expect(try await store.embed(id: "first") == nil)
        }
    }

    @Test("a slug another folder has already is refused", arguments: StorageKind.allCases)
    func slugCollision(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let store = try await catalog.node().galleries
            _ = try await store.syncGallery(
                folder: "A", sidecar: GallerySidecar(slug: "presse"), sidecarError: nil, siteDownloads: true, now: start
            )
            await #expect(throws: QuarantineReason.self) {
                try await store.syncGallery(
                    folder: "B", sidecar: GallerySidecar(slug: "presse"), sidecarError: nil, siteDownloads: true,
                    now: start)
            }
        }
    }

    @Test("a commit through one node changes the other node's stamp within a second", arguments: StorageKind.allCases)
    func changesReachOtherNodes(_ storage: StorageKind) async throws {
        try await storage.withCatalog { catalog in
            let writer = try await catalog.node().galleries
            let reader = try await catalog.node().galleries
            _ = reader.stamp()
            try await Task.sleep(for: .milliseconds(300))  // the reader's listener is up
            let before = reader.stamp()
            #expect(reader.stamp() == before, "nothing changed, the stamp stays")
            _ = try await writer.syncGallery(
                folder: "G", sidecar: nil, sidecarError: nil, siteDownloads: true, now: start)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(1)
            while reader.stamp() == before, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(reader.stamp() != before)
        }
    }
}
