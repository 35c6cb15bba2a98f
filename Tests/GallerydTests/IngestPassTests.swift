import Catalog
import Foundation
import GalleryCore
import GalleryFixtures
import Ingest
import SQLiteCatalog
import Synchronization
import Testing

@Suite("Ingesting the media folder", .timeLimit(.minutes(5)))
struct IngestPassTests {
    @Test("a gallery folder is published with its captions, umlauts, house credit, in capture order")
    func publishesGallery() async throws {
        let env = try TestEnvironment()
        try env.write(
            "Auftakt Düsseldorf/b.jpg",
            photo(caption: latin1("Von links: Manfred Müller, Landrat"), takenAt: "2019:03:12 10:02:00"))
        try env.write(
            "Auftakt Düsseldorf/a.jpg",
            photo(caption: Array("Zu Beginn der Förderphase".utf8), takenAt: "2019:03:12 10:05:00"))
        try env.write(
            "Auftakt Düsseldorf/c.jpg",
            photo(caption: Array("OLYMPUS DIGITAL CAMERA".utf8), takenAt: "2019:03:12 10:09:00"))
        let summary = try await env.pass()
        #expect(summary.ingested.count == 3)
        #expect(summary.quarantined.isEmpty)

        let built = try #require(try await env.catalog.gallery(slug: "auftakt-duesseldorf"))
        let items = built.document.items
        #expect(built.document.title == "Auftakt Düsseldorf")
        #expect(items.map(\.caption) == ["Von links: Manfred Müller, Landrat", "Zu Beginn der Förderphase", nil])
        #expect(items.map(\.position) == [1, 2, 3])
        #expect(items.allSatisfy { $0.count == 3 })
        #expect(items.allSatisfy { $0.credit == "© MWIDE NRW/E. Lichtenscheidt" && $0.creditSource == .house })
        #expect(items[0].takenAt?.formatted(.iso8601) == "2019-03-12T09:02:00Z")
        #expect(items[0].width == 800 && items[0].height == 600)
        #expect(items[0].placeholder?.color.hasPrefix("#") == true)
        #expect(items[0].renditions.count == TestEnvironment.renditions.plan(sourceWidth: 800, sourceHeight: 600).count)
    }

    @Test(
        "file jobs in one folder sync its gallery once, not once per photo; a changed sidecar is synced again"
    )
    func galleryUpdatedOncePerFolder() async throws {
        let syncs = Mutex(0)
        // Every sync of a gallery reads its admin override first (Catalog.syncGallery).
        let env = try TestEnvironment(statementTrace: { sql in
            if sql.contains("FROM \"galleryOverride\"") { syncs.withLock { $0 += 1 } }
        })
        for index in 0..<20 { try env.write("Termine/bild-\(index).jpg", photo()) }
        for index in 0..<20 {
            let outcome = await env.ingest("Termine/bild-\(index).jpg")
            guard case .ingested = outcome else { throw TimeoutError(description: "\(outcome)") }
        }
        #expect(syncs.withLock { $0 } == 1)
        try env.write("Termine/gallery.yaml", Array("title: Termine der Woche\n".utf8))
        try env.write("Termine/bild-20.jpg", photo())
        _ = await env.ingest("Termine/bild-20.jpg")
        #expect(syncs.withLock { $0 } == 2)
        #expect(try await env.catalog.gallery(folder: "Termine")?.title == "Termine der Woche")
    }

    @Test(
        "a pass drains the daemon's queue: it does the jobs queued before it, ends without the job another process holds, and that process keeps it"
    )
    func passSharesTheQueue() async throws {
        let env = try TestEnvironment()
        for name in ["a", "b", "c", "d"] { try env.write("Termine/\(name).jpg", photo()) }
        // A process on another machine holds b; one of this machine that ran before it
        // restarted holds d (its PID is alive again: this test's); c is merely queued.
        try await env.catalog.enqueue(["Termine/b.jpg", "Termine/c.jpg"], kind: .file, notBefore: nil, now: Date())
        let elsewhere = "web-2.example:0123abcd:4711:1"
        let held = try await env.catalog.claim(limit: 1, kinds: [.file], owner: elsewhere, lease: 300, now: Date())
        try #require(held.map(\.path) == ["Termine/b.jpg"])
        try await env.catalog.enqueue(["Termine/d.jpg"], kind: .file, notBefore: nil, now: Date())
        let beforeRestart = "\(ProcessInfo.processInfo.hostName):00c0ffee:\(getpid()):1"
        _ = try await env.catalog.claim(limit: 1, kinds: [.file], owner: beforeRestart, lease: 300, now: Date())

        let first = try await env.pass()
        #expect(first.ingested.sorted() == ["Termine/a.jpg", "Termine/c.jpg", "Termine/d.jpg"])
        #expect(try await env.catalog.leaseOwners() == [elsewhere])
        #expect(try await env.catalog.depth() == 1)

        // That process ends without finishing: its job is anyone's once released. A daemon
        // queued a, unchanged: done once and counted once.
        try await env.catalog.releaseLeases(owner: elsewhere)
        try await env.catalog.enqueue(["Termine/a.jpg"], kind: .file, notBefore: nil, now: Date())
        let second = try await env.pass()
        #expect(second.ingested == ["Termine/b.jpg"])
        #expect(second.unchanged == 3)
        #expect(try await env.catalog.depth() == 0)
    }

    @Test("an unchanged file does no work on the next pass, even when only its mtime changed")
    func unchangedFile() async throws {
        let env = try TestEnvironment()
        let url = try env.write("Galerie/bild.jpg", photo(caption: Array("Bild".utf8)))
        _ = try await env.pass()
        let before = try env.renditionFiles()
        let second = try await env.pass()
        #expect(second.ingested.isEmpty)
        #expect(second.unchanged == 1)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: url.path)
        let third = try await env.pass()
        #expect(third.ingested.isEmpty)
        #expect(third.unchanged == 1)
        #expect(try env.renditionFiles() == before)
    }

    @Test("a changed file is rendered again under new URLs")
    func changedFile() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", photo(caption: Array("Erste Fassung".utf8)))
        _ = try await env.pass()
        let first = try #require(try await env.catalog.gallery(slug: "galerie")?.document.items.first)
        try env.write("Galerie/bild.jpg", photo(caption: Array("Zweite Fassung".utf8), width: 900))
        let summary = try await env.pass()
        #expect(summary.ingested.count == 1)
        let second = try #require(try await env.catalog.gallery(slug: "galerie")?.document.items.first)
        #expect(second.caption == "Zweite Fassung")
        #expect(second.id == first.id)
        #expect(Set(second.renditions.map(\.url)).isDisjoint(with: first.renditions.map(\.url)))
    }

    @Test("bad input is quarantined with a clear reason; good files beside it are published; originals untouched")
    func badInput() async throws {
        let env = try TestEnvironment()
        let jpeg = FixtureEncoder.encode(.gradient(width: 800, height: 600))
        try env.write("Galerie/leer.jpg", [])
        try env.write("Galerie/text.jpg", Array("Das ist kein Bild\n".utf8))
        try env.write("Galerie/abgeschnitten.jpg", Array(jpeg.prefix(jpeg.count / 2)))
        try env.write("Galerie/riesig.jpg", JPEGSegments.claimingSize(jpeg, width: 65000, height: 65000))
        try env.write(
            "Galerie/grafik.svg", Array(#"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>"#.utf8))
        try env.write("lose.jpg", photo())
        try env.write("Galerie/mit Leerzeichen und Ümlaut.jpg", photo())
        try env.write("Galerie/zeilen\numbruch.jpg", photo())
        let outside = env.root.appendingPathComponent("outside.jpg")
        try Data(photo()).write(to: outside)
        try FileManager.default.createSymbolicLink(
            at: env.media.appendingPathComponent("Galerie/link.jpg"), withDestinationURL: outside)
        let fingerprint = try env.mediaFingerprint()

        let summary = try await env.pass()
        let reasons = Dictionary(uniqueKeysWithValues: summary.quarantined.map { ($0.path, $0.reason.code) })
        #expect(reasons["Galerie/leer.jpg"] == "empty-file")
        #expect(reasons["Galerie/text.jpg"] == "unsupported-format")
        #expect(reasons["Galerie/abgeschnitten.jpg"] == "undecodable")
        #expect(reasons["Galerie/riesig.jpg"] == "too-many-pixels")
        #expect(reasons["Galerie/grafik.svg"] == "unsupported-format")
        #expect(reasons["lose.jpg"] == "not-in-gallery")
        #expect(reasons["Galerie/link.jpg"] == "symlink-outside-media")
        #expect(Set(summary.ingested) == ["Galerie/mit Leerzeichen und Ümlaut.jpg", "Galerie/zeilen\numbruch.jpg"])

        let held = try await env.catalog.quarantined()
        #expect(Set(held.map(\.path)) == Set(reasons.keys))
        #expect(held.allSatisfy { !$0.reason.isEmpty })
        #expect(try env.mediaFingerprint() == fingerprint)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: env.data.appendingPathComponent("tmp").path)
        #expect(leftovers.isEmpty)
    }

    @Test("a quarantined file is not retried until it changes, then it is published")
    func quarantineRetry() async throws {
        let env = try TestEnvironment()
        try env.write("Galerie/bild.jpg", Array("kaputt".utf8))
        _ = try await env.pass()
        let second = try await env.pass()
        #expect(second.quarantined.first?.reason.code == "unsupported-format")
        #expect(try await env.catalog.quarantined().first?.attempts == 1)
        try env.write("Galerie/bild.jpg", photo())
        let third = try await env.pass()
        #expect(third.ingested == ["Galerie/bild.jpg"])
        #expect(try await env.catalog.quarantined().isEmpty)
    }

    @Test("files and folders that left the media folder leave the catalog")
    func removal() async throws {
        let env = try TestEnvironment()
        try env.write("Eins/a.jpg", photo())
        try env.write("Eins/b.jpg", photo(width: 640))
        try env.write("Zwei/c.jpg", photo())
        _ = try await env.pass()
        try env.remove("Eins/b.jpg")
        try env.remove("Zwei")
        let summary = try await env.pass()
        #expect(summary.removed == ["Eins/b.jpg"])
        #expect(try await env.catalog.gallery(slug: "eins")?.document.items.count == 1)
        #expect(try await env.catalog.gallery(slug: "zwei") == nil)
    }

    @Test("the same file in two galleries is rendered once")
    func duplicateAcrossGalleries() async throws {
        let env = try TestEnvironment()
        let bytes = photo(caption: Array("Doppelt".utf8))
        try env.write("Eins/bild.jpg", bytes)
        _ = try await env.pass()
        let filesAfterFirst = try env.renditionFiles()
        try env.write("Zwei/bild.jpg", bytes)
        let summary = try await env.pass()
        #expect(summary.ingested == ["Zwei/bild.jpg"])
        #expect(try env.renditionFiles() == filesAfterFirst)
        let one = try #require(try await env.catalog.gallery(slug: "eins")?.document.items.first)
        let two = try #require(try await env.catalog.gallery(slug: "zwei")?.document.items.first)
        #expect(one.renditions.map(\.url) == two.renditions.map(\.url))
        #expect(one.id != two.id)
    }

    @Test("the sidecar sets title, summary, order, default credit and per-file captions")
    func sidecar() async throws {
        let env = try TestEnvironment()
        try env.write("Konferenz/eins.jpg", photo(caption: Array("Aus der Datei".utf8)))
        try env.write("Konferenz/zwei.jpg", photo())
        try env.write("Konferenz/drei.jpg", photo(copyright: "© Fotografin"))
        try env.write(
            "Konferenz/gallery.yaml",
            Array(
                """
                title: "Auftaktkonferenz Digitale Modellkommunen in NRW"
                summary: Zu Beginn der Förderphase …
                credit: "Foto: Land NRW"
                order: [zwei.jpg, eins.jpg]
                items:
                  zwei.jpg:
                    caption: "Von links: Andreas Mucke"
                    alt: Vier Personen
                """.utf8))
        _ = try await env.pass()
        let document = try #require(try await env.catalog.gallery(slug: "konferenz")?.document)
        #expect(document.title == "Auftaktkonferenz Digitale Modellkommunen in NRW")
        #expect(document.summary == "Zu Beginn der Förderphase …")
        #expect(document.items.map(\.caption) == ["Von links: Andreas Mucke", "Aus der Datei", nil])
        #expect(document.items[0].alt == "Vier Personen")
        #expect(document.items.map(\.credit) == ["Foto: Land NRW", "Foto: Land NRW", "© Fotografin"])
        #expect(document.items.map(\.creditSource) == [.gallery, .gallery, .exif])
    }

    @Test("two folders that map to one slug: the second is quarantined")
    func slugCollision() async throws {
        let env = try TestEnvironment()
        try env.write("Bilder Köln/a.jpg", photo())
        try env.write("bilder-koeln/b.jpg", photo())
        let summary = try await env.pass()
        #expect(summary.ingested.count == 1)
        #expect(summary.quarantined.map(\.reason.code) == ["slug-collision"])
    }
}
