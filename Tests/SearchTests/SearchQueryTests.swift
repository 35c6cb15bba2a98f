import GalleryCore
import Stemming
import Testing

/// How search reads words and queries, as a German reader expects, with Snowball's German
/// stemmer (libstemmer) — the same rules for what is indexed and what is asked.
@Suite("Search words and queries")
struct SearchQueryTests {
    static let german = try! SnowballStemmer(language: "german")

    func query(_ text: String) throws -> [SearchQuery.Term] {
        try SearchQuery.parse(text, stemmer: Self.german).terms
    }

    func stems(_ text: String) -> [String] {
        SearchText.words(text).map(Self.german.stem)
    }

    @Test("case and diacritics do not matter, ß is ss, hyphens and punctuation split words")
    func folding() {
        #expect(SearchText.words("MÜLLER, Müller; muller") == ["muller", "muller", "muller"])
        #expect(SearchText.words("Straße STRASSE") == ["strasse", "strasse"])
        #expect(
            SearchText.words("Boschin-Heinz (Café) l’été 2019") == ["boschin", "heinz", "cafe", "l", "ete", "2019"])
        #expect(SearchText.words("Ångström Øresund Łódź") == ["angstrom", "øresund", "łodz"])
        #expect(SearchText.words("\u{0}tab\there\u{7}bell") == ["tab", "here", "bell"])
    }

    @Test("inflections share a stem: Konferenzen/Konferenz, Kommunen/Kommune, Modellkommunen/Modellkommune")
    func inflections() {
        #expect(stems("Konferenzen") == stems("Konferenz"))
        #expect(stems("Kommunen") == stems("Kommune"))
        #expect(stems("Modellkommunen") == stems("Modellkommune"))
        #expect(stems("Digitale") == stems("digital"))
        #expect(stems("Müller") == stems("MULLER"))
        #expect(stems("Konferenz") != stems("Kommune"))
        #expect(Self.german.stem("konferenzen") == "konferenz")
    }

    @Test("every word is required; the last one, still typed, is also a prefix; quotes and hyphens make phrases")
    func terms() throws {
        let kommun = Self.german.stem("kommunen")
        #expect(try query("Pinkw") == [.prefix(word: "pinkw", stem: Self.german.stem("pinkw"))])
        #expect(try query("Pinkwart ") == [.word(stem: Self.german.stem("pinkwart"))])
        #expect(
            try query("Digitale Modellkommunen 2019")
                == [
                    .word(stem: Self.german.stem("digitale")), .word(stem: Self.german.stem("modellkommunen")),
                    .prefix(word: "2019", stem: "2019"),
                ])
        #expect(
            try query("\"Digitale Kommunen\" Paderborn ")
                == [
                    .phrase(stems: [Self.german.stem("digitale"), kommun]), .word(stem: Self.german.stem("paderborn")),
                ])
        #expect(try query("„Digitale Kommunen“ ") == [.phrase(stems: [Self.german.stem("digitale"), kommun])])
        #expect(
            try query("Boschin-Heinz") == [.phrase(stems: [Self.german.stem("boschin"), Self.german.stem("heinz")])])
        #expect(try query("Kommunen kommune KOMMUNEN ") == [.word(stem: kommun)])
    }

    @Test("malformed or hostile queries become a search for their words, or a problem naming q")
    func hostile() throws {
        // Database operators are words or separators, never syntax.
        #expect(try query("Pinkwart OR Paderborn ").count == 3)
        #expect(try query("NEAR(a b) ") == [.phrase(stems: ["near", "a"]), .word(stem: "b")])
        #expect(try query("* ^ ( ) : - + ~ ' ` ;").isEmpty)
        #expect(try query("pink* ") == [.word(stem: Self.german.stem("pink"))])
        #expect(try query("\"unbalanced quote") == [.phrase(stems: [Self.german.stem("unbalanced"), "quot"])])
        #expect(try query("\"\"\"\"").isEmpty)
        // Control characters separate words; a run without spaces stays one phrase.
        #expect(try query("a\u{0}b\u{1b}[31mc ") == [.phrase(stems: ["a", "b", "31mc"])])
        #expect(throws: SearchQuery.Problem.tooLong(characters: 10_000)) {
            try SearchQuery.parse(String(repeating: "x", count: 10_000), stemmer: Self.german)
        }
        // Beyond 16 words and phrases, the first 16 are searched.
        let many = try query((1...20).map { "wort\($0)" }.joined(separator: " "))
        #expect(many.count == SearchQuery.maximumTerms && many.first == .word(stem: Self.german.stem("wort1")))
        #expect(String(describing: SearchQuery.Problem.tooLong(characters: 10_000)).contains("\"q\""))
    }

    @Test("the stemmer is safe to share: 8 tasks × 2,000 words agree with one thread")
    func concurrent() async {
        let words = (0..<2000).map { "konferenzen\($0 % 7)kommunen" }
        let expected = words.map(Self.german.stem)
        await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { words.map(Self.german.stem) } }
            for await result in group { #expect(result == expected) }
        }
    }
}

@Suite("What search knows of a photo")
struct SearchDocumentTests {
    @Test("who and what weigh most, then keywords, place and gallery title, then the running text")
    func tiers() {
        var text = BoundText(
            caption: "Zu Beginn der Förderphase trafen sich die Kommunen", headline: "Auftakt",
            credit: "© MWIDE NRW/E. Lichtenscheidt", creditSource: .house)
        text.persons = ["Andreas Pinkwart", "Ina Boschin-Heinz"]
        text.keywords = ["Digitalisierung", "Modellkommune"]
        text.location = PhotoLocation(city: "Paderborn", countryCode: "DE")
        text.event = "Digitale Modellkommunen 2019"
        let item = GalleryItem(
            id: AssetID(relativePath: "Auftakt/bild-1.jpg"), position: 1, count: 1, text: text, width: 10,
            height: 10, takenAt: nil, placeholder: nil, renditions: [])
        let document = SearchDocument(
            item: item, galleryTitle: "Auftaktkonferenz", gallerySummary: "Straße und Café",
            stemmer: SearchQueryTests.german)
        let german = SearchQueryTests.german
        #expect(document.tiers.count == 3)
        #expect(document.tiers[0].stems.contains(german.stem("pinkwart")))
        #expect(document.tiers[0].words.joined(separator: " ").contains("boschin heinz"))
        #expect(document.tiers[1].words.contains("paderborn"))
        #expect(document.tiers[1].stems.contains(german.stem("modellkommune")))
        #expect(document.tiers[2].words.joined(separator: " ").contains("strasse und cafe"))
        #expect(document.tiers[2].words.contains("lichtenscheidt"))
        #expect(document.persons == ["Andreas Pinkwart", "Ina Boschin-Heinz"])
        // Each word once in `words`, in order of first use.
        let words = document.tiers[2].words
        #expect(Set(words).count == words.count)
    }
}
