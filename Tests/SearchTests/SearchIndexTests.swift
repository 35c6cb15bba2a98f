import Foundation
import GalleryCore
import Stemming
import Testing

/// The index behind `GET /api/v1/search`: checked against a plain scan of the same photos'
/// words (the rule, written the slow and obvious way) on random galleries and queries, and
/// on the cases the packed postings make delicate.
@Suite("The search index")
struct SearchIndexTests {
    static let german = SearchQueryTests.german
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func item(
        _ path: String, caption: String?, headline: String? = nil, persons: [String]? = nil,
        keywords: [String]? = nil, takenAt: Date? = nil, position: Int = 1
    ) -> GalleryItem {
        var text = BoundText(caption: caption, headline: headline, credit: "© MWIDE NRW", creditSource: .house)
        text.persons = persons
        text.keywords = keywords
        return GalleryItem(
            id: AssetID(relativePath: path), position: position, count: 1, text: text, width: 10, height: 10,
            takenAt: takenAt, placeholder: nil, renditions: [])
    }

    static func gallery(_ slug: String, title: String = "Termine", _ items: [GalleryItem]) -> GalleryDocument {
        GalleryDocument(
            slug: slug, title: title, summary: nil, updatedAt: Date(timeIntervalSince1970: 0), items: items,
            consent: ConsentState(policyVersion: "1", granted: []))
    }

    static func index(_ documents: [GalleryDocument]) -> SearchIndex {
        var index = SearchIndex(timeZone: berlin)
        for document in documents { index.replace(document, version: [1, 0], stemmer: german) }
        index.prepare()
        return index
    }

    func ids(_ index: SearchIndex, _ text: String, filter: SearchIndex.Filter = .init()) throws -> [String] {
        index.search(try SearchQuery.parse(text, stemmer: Self.german), filter: filter, limit: 1000).hits.map(
            \.id.value)
    }

    /// The rule, the slow way: every term must occur; its weight is the best tier it occurs
    /// in; ranked by the sum, then the later capture time, then the id.
    static func scan(_ documents: [GalleryDocument], _ query: SearchQuery) -> [String] {
        var found: [(score: Int, taken: Double, id: String)] = []
        for document in documents {
            for item in document.items {
                let text = SearchDocument(
                    item: item, galleryTitle: document.title, gallerySummary: document.summary, stemmer: german)
                var score = 0
                var all = true
                for term in query.terms {
                    var best = 0
                    for (tier, part) in text.tiers.enumerated() {
                        let matches: Bool
                        switch term {
                        case .word(let stem): matches = part.stems.contains(stem)
                        case .phrase(let stems):
                            matches =
                                part.stems.count >= stems.count
                                && (0...(part.stems.count - stems.count)).contains {
                                    Array(part.stems[$0..<$0 + stems.count]) == stems
                                }
                        case .prefix(let word, let stem):
                            matches = part.stems.contains(stem) || part.words.contains { $0.hasPrefix(word) }
                        }
                        if matches { best = max(best, 3 - tier) }
                    }
                    if best == 0 { all = false }
                    score += best
                }
                if all && !query.terms.isEmpty {
                    found.append((score, item.takenAt?.timeIntervalSince1970 ?? -1e10, item.id.value))
                }
            }
        }
        return found.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.taken != $1.taken ? $0.taken > $1.taken : $0.id < $1.id
        }.map(\.id)
    }

    @Test("random galleries and queries: the index ranks exactly as the plain scan")
    func agreesWithScan() throws {
        var random = SplitMix(seed: 25)
        let words = [
            "Konferenz", "Konferenzen", "Kommune", "Kommunen", "Minister", "Ministerin", "Düsseldorf", "Paderborn",
            "Straße", "Strasse", "digital", "Digitale", "Modell", "Pinkwart", "Boschin-Heinz", "Rathaus", "Bürger",
            "Förderung", "Landtag", "Plenum", "Ko", "Kopf", "Korb", "Kosten", "Kohle", "Koch", "Kolleg",
        ]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        var documents: [GalleryDocument] = []
        for g in 0..<6 {
            let items = (0..<40).map { i in
                Self.item(
                    "g\(g)/\(i).jpg", caption: text(Int(random.next() % 12)),
                    headline: random.next() % 3 == 0 ? text(2) : nil,
                    persons: random.next() % 4 == 0 ? ["Andreas Pinkwart"] : nil,
                    keywords: random.next() % 3 == 0 ? [text(1)] : nil,
                    takenAt: Date(timeIntervalSince1970: Double(1_500_000_000 + Int(random.next() % 1000) * 60)))
            }
            documents.append(Self.gallery("g\(g)", title: text(2), items))
        }
        let index = Self.index(documents)
        var queries = [
            "ko", "Ko ", "Konferenzen ", "\"Digitale Modell\"", "Boschin-Heinz", "Pinkw", "strasse Kommune",
            "Minister \"Pinkwart Paderborn\"", "landtag plenum rathaus", "Kopf Korb", "unbekannt",
        ]
        for _ in 0..<200 { queries.append(text(1 + Int(random.next() % 3)) + (random.next() % 2 == 0 ? " " : "")) }
        for text in queries {
            let query = try SearchQuery.parse(text, stemmer: Self.german)
            #expect(try ids(index, text) == Self.scan(documents, query), "\(text)")
        }
    }

    @Test("facets count the whole result; filters by gallery, person, keyword and capture day; pages")
    func facetsFiltersPages() throws {
        let day = 86_400.0
        let start = Date(timeIntervalSince1970: 1_551_434_400)  // 2019-03-01 10:00 UTC
        var first: [GalleryItem] = []
        for i in 0..<30 {
            let taken = start.addingTimeInterval(Double(i) * 40 * day)
            first.append(
                Self.item(
                    "a/\(i).jpg", caption: "Konferenz \(i)", persons: i % 3 == 0 ? ["Ina Müller"] : nil,
                    keywords: i % 2 == 0 ? ["Digitalisierung"] : nil, takenAt: taken))
        }
        let documents: [GalleryDocument] = [
            Self.gallery("a", title: "Auftakt", first),
            Self.gallery("b", title: "Landtag", [Self.item("b/1.jpg", caption: "Konferenz im Landtag", takenAt: nil)]),
        ]
        let index = Self.index(documents)
        let query = try SearchQuery.parse("Konferenz ", stemmer: Self.german)
        let all = index.search(query, limit: 5)
        #expect(all.total == 31 && all.hits.count == 5)
        #expect(all.facets.galleries.map(\.count) == [30, 1])
        #expect(all.facets.persons.map { "\($0.value) \($0.count)" } == ["Ina Müller 10"])
        #expect(all.facets.keywords.map { "\($0.value) \($0.count)" } == ["Digitalisierung 15"])
        #expect(all.facets.years.map(\.year) == [2022, 2021, 2020, 2019])
        #expect(all.facets.years.reduce(0) { $0 + $1.count } == 30, "the photo without a date counts in no year")
        // Pages: the same ranking cut in pieces.
        let pages = stride(from: 0, to: 31, by: 7).flatMap { index.search(query, offset: $0, limit: 7).hits }
        #expect(pages == index.search(query, limit: 100).hits)
        #expect(pages.last?.id == AssetID(relativePath: "b/1.jpg"), "no capture time ranks last")
        // Filters.
        #expect(index.search(query, filter: .init(gallery: "b")).total == 1)
        #expect(index.search(query, filter: .init(person: "INA MULLER")).total == 10)
        #expect(index.search(query, filter: .init(keyword: "digitalisierung")).total == 15)
        let in2019 = index.search(query, filter: .init(fromDay: 2019_01_01, toDay: 2019_12_31))
        #expect(in2019.total == all.facets.years.first { $0.year == 2019 }?.count)
        #expect(index.search(SearchQuery(terms: []), filter: .init(person: "Ina Müller")).total == 10)
    }

    @Test("a new version of a gallery replaces its words; a gallery gone is gone")
    func replaceAndRemove() throws {
        var index = Self.index([
            Self.gallery("a", [Self.item("a/1.jpg", caption: "Konferenz in Paderborn")]),
            Self.gallery("b", [Self.item("b/1.jpg", caption: "Konferenz in Bonn")]),
        ])
        #expect(try ids(index, "Paderborn ").count == 1)
        index.replace(
            Self.gallery("a", [Self.item("a/1.jpg", caption: "Konferenz in Essen")]), version: [2, 0],
            stemmer: Self.german)
        index.prepare()
        #expect(try ids(index, "Paderborn ").isEmpty)
        #expect(try ids(index, "Essen ").count == 1)
        index.remove(slug: "b")
        #expect(try ids(index, "Konferenz ") == [AssetID(relativePath: "a/1.jpg").value])
        #expect(index.segments["a"]?.version == [2, 0])
    }

    @Test("words far into a long caption are found, and phrases there stay whole")
    func longCaption() throws {
        let filler = Array(repeating: "Wort", count: 5000).joined(separator: " ")
        let index = Self.index([
            Self.gallery("a", [Self.item("a/1.jpg", caption: filler + " Andreas Pinkwart")]),
            Self.gallery("b", [Self.item("b/1.jpg", caption: "Andreas Schmidt und Pinkwart")]),
        ])
        #expect(try ids(index, "Pinkwart ").count == 2)
        #expect(try ids(index, "\"Andreas Pinkwart\"") == [AssetID(relativePath: "a/1.jpg").value])
    }
}

/// A small, seeded random source (SplitMix64), so a failure repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
