import Foundation
import GalleryCore
import Testing

@Suite("The publication rule and its times")
struct PublicationRuleTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func parse(_ text: String) -> Date? {
        try? PublicationTime.parse(text, field: "publishAt", zone: berlin).get()
    }

    @Test("RFC 3339 times with and without offset; a local time is the site's, across a DST change")
    func times() {
        let utc = Date(timeIntervalSince1970: 1_777_887_000)  // 2026-05-04T09:30:00Z
        #expect(parse("2026-05-04T09:30:00Z") == utc)
        #expect(parse("2026-05-04T11:30:00+02:00") == utc)
        #expect(parse("2026-05-04 11:30:00+02:00") == utc)
        #expect(parse("2026-05-04T11:30:00") == utc)  // CEST in Berlin
        #expect(parse("2026-05-04T11:30") == utc)
        #expect(parse("2026-05-04T09:30:00.5z") == utc + 0.5)
        #expect(parse("2026-12-24T11:30:00") == Date(timeIntervalSince1970: 1_798_108_200))  // CET: +01:00
        #expect(parse("2026-05-04") == parse("2026-05-04T00:00:00+02:00"))
        #expect(PublicationTime.text(utc) == "2026-05-04T09:30:00Z")
    }

    @Test(
        "what is no time, or no time galleryd takes, is refused naming the field",
        arguments: [
            "", "morgen", "2026-13-01", "2026-04-31", "2026-05-04T25:00:00Z", "2026-05-04T11:30:00+2:00",
            "2026-05-04T11:30:00Z trailing", "1969-12-31T23:59:59Z", "10000-01-01", "2026-05-04T11:30:00+24:00",
            String(repeating: "9", count: 100),
        ])
    func refused(_ text: String) {
        guard case .failure(let error) = PublicationTime.parse(text, field: "publishAt", zone: berlin) else {
            Issue.record("\(text) was taken")
            return
        }
        #expect(error.field == "publishAt")
    }

    @Test("a window opens at publishAt and closes at unpublishAt; a photo is public inside its own and its gallery's")
    func windows() {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let window = PublicationWindow(publishAt: t, unpublishAt: t + 60)
        #expect(
            window.phase(at: t - 1) == .before && window.phase(at: t) == .open && window.phase(at: t + 60) == .after)
        #expect(window.nextChange(after: t - 1) == t && window.nextChange(after: t) == t + 60)
        #expect(window.nextChange(after: t + 60) == nil)
        let gallery = PublicationWindow(publishAt: t + 30)
        #expect(
            PublicAccess.of(galleryPublished: true, gallery: gallery, hidden: false, photo: window, at: t + 10)
                == .notYet)
        #expect(
            PublicAccess.of(galleryPublished: true, gallery: gallery, hidden: false, photo: window, at: t + 30) == .open
        )
        #expect(
            PublicAccess.of(galleryPublished: true, gallery: gallery, hidden: true, photo: window, at: t + 30) == .gone)
        #expect(
            PublicAccess.of(galleryPublished: false, gallery: gallery, hidden: false, photo: window, at: t + 30)
                == .gone)
        #expect(
            PublicAccess.of(galleryPublished: true, gallery: gallery, hidden: false, photo: window, at: t + 61) == .gone
        )
        #expect(PublicAccess.mostOpen([.gone, .notYet]) == .notYet && PublicAccess.mostOpen([.gone, .open]) == .open)
        #expect(PublicAccess.mostOpen([]) == nil)
        #expect(throws: PublicationTimeError.self) { try window.patched(publishAt: .some(t + 90), unpublishAt: nil) }
        #expect(
            (try? window.patched(publishAt: .some(nil), unpublishAt: nil)) == PublicationWindow(unpublishAt: t + 60))
    }

    @Test("a sidecar's local times are read in the site's zone once; a time that cannot be taken holds its photo")
    func sidecar() {
        var entry = TextOverrides()
        entry.publishAt = "nächste Woche"
        var sidecar = GallerySidecar(items: ["a.jpg": entry])
        sidecar.publishAt = "2026-05-04T11:30"
        sidecar.unpublishAt = "2026-05-04T11:00"
        let resolved = sidecar.resolvingTimes(in: berlin)
        #expect(resolved.publishAt == "2026-05-04T09:30:00Z")
        #expect(resolved.items?["a.jpg"]?.publishAt == "nächste Woche")
        let schedule = resolved.schedule
        // unpublishAt before publishAt: the gallery is held, and so is the entry that does not parse.
        #expect(schedule.gallery == SidecarSchedule.held && schedule.items["a.jpg"] == SidecarSchedule.held)
        #expect(schedule.problems.count == 2 && schedule.problems.allSatisfy { $0.hasSuffix("held unpublished") })
    }

    @Test("a time is printed to the millisecond, rounded, and reads back to the same instant, far from 1970 too")
    func printedTimesReadBack() throws {
        for (text, printed) in [
            ("7026-05-04T11:30:00.1200", "7026-05-04T11:30:00.120Z"),
            ("2026-05-04T10:00:00.9996Z", "2026-05-04T10:00:01Z"),
            ("2026-05-04T10:00:00.5Z", "2026-05-04T10:00:00.500Z"),
            ("9999-12-31T23:59:58.007Z", "9999-12-31T23:59:58.007Z"),
            ("2026-05-04T10:00:00+02:00", "2026-05-04T08:00:00Z"),
        ] {
            let date = try PublicationTime.parse(text, field: "publishAt", zone: .gmt).get()
            #expect(PublicationTime.text(date) == printed, "\(text)")
            let again = try PublicationTime.parse(PublicationTime.text(date), field: "publishAt", zone: .gmt).get()
            #expect(abs(again.timeIntervalSince(date)) < 0.0006, "\(text)")
        }
    }
}
