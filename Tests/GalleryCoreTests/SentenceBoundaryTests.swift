import GalleryCore
import Testing

@Suite("Sentence boundaries in captions")
struct SentenceBoundaryTests {
    static let seedFirstSentence =
        "Zu Beginn der Förderphase der Digitalen Modellkommunen NRW hat sich Wirtschafts- und Digitalminister Prof. Dr. Andreas Pinkwart in Düsseldorf mit den ausgewählten Regionen zu einer Auftaktkonferenz getroffen."

    /// The seed page's six captions (the ministry's own), as the sample gallery carries them.
    static let seedCaptions = [
        seedFirstSentence,
        seedFirstSentence,
        seedFirstSentence
            + " Von links: XY, Marcel Philipp, Oberbürgermeister der Stadt Aachen, Michael Bayer, Hauptgeschäftsführer IHK Aachen, Wirtschaftsminister Prof. Dr. Andreas Pinkwart, Wolfgang Mainz, Präsident IHK Aachen.",
        seedFirstSentence
            + " Von links: Manfred Müller, Landrat Kreis Paderborn, Dr. Claudia Beverungen, Amtsleiterin Zentrale Dienste, Christiane Boschin-Heinz, Leitung Stabsstelle Digitalisierung, OB Büro Paderborn",
        seedFirstSentence
            + " Von links: Manfred vom Sondern, Gelsenkirchen, Hans Hund, Präsident WHKT, Peter Schnepper, stv. Hauptgeschäftsführer IHK Nord Westfalen, Dr. Benedikt Hüffer, Präsident IHK Nord Westfalen",
        seedFirstSentence
            + " Von links: Andreas Mucke, Oberbürgermeister Wuppertal, Wirtschafts- und Digitalminister Prof. Dr. Andreas Pinkwart, Staatssekretär Christoph Dammermann",
    ]

    @Test("the seed's six captions end their first sentence at \"getroffen.\", not at \"Prof.\"")
    func seedCaptions() {
        for caption in Self.seedCaptions {
            #expect(SentenceBoundary.firstSentence(of: caption) == Self.seedFirstSentence)
        }
    }

    @Test(
        "abbreviations, ordinals and initials do not end a sentence",
        arguments: [
            // (text, first sentence)
            ("Minister Prof. Dr. Pinkwart sprach. Danach ging es weiter.", "Minister Prof. Dr. Pinkwart sprach."),
            ("Die Halle Nr. 3 war voll. Dann kam Regen.", "Die Halle Nr. 3 war voll."),
            ("Ein Empfang in St. Augustin fand statt. Gut.", "Ein Empfang in St. Augustin fand statt."),
            ("Gäste, z. B. Bürgermeister, kamen. Viele.", "Gäste, z. B. Bürgermeister, kamen."),
            ("Gäste, z.B. Bürgermeister, kamen. Viele.", "Gäste, z.B. Bürgermeister, kamen."),
            ("Vertreter u. a. aus Aachen kamen. Danach Essen.", "Vertreter u. a. aus Aachen kamen."),
            ("Die Kommunen bzw. Kreise kamen. Danach Essen.", "Die Kommunen bzw. Kreise kamen."),
            ("Es kamen ca. 200 Gäste. Danach Essen.", "Es kamen ca. 200 Gäste."),
            ("Nach § 22 Abs. 2 KUG erlaubt. Weiter.", "Nach § 22 Abs. 2 KUG erlaubt."),
            ("Am 3. Oktober 2019 in Düsseldorf. Weiter.", "Am 3. Oktober 2019 in Düsseldorf."),
            ("Foto: E. Lichtenscheidt, Düsseldorf. Weiter.", "Foto: E. Lichtenscheidt, Düsseldorf."),
            ("Der stv. Hauptgeschäftsführer sprach. Weiter.", "Der stv. Hauptgeschäftsführer sprach."),
            ("Das war 2019. Danach kam 2020.", "Das war 2019."),
            ("Wer kam? Der Minister.", "Wer kam?"),
            ("Willkommen! Die Konferenz begann.", "Willkommen!"),
            ("Er sagte: „Wir beginnen.“ Dann ging es los.", "Er sagte: „Wir beginnen.“"),
            ("Ein Satz ohne Ende", "Ein Satz ohne Ende"),
            ("Ende mit Punkt.", "Ende mit Punkt."),
            ("Prof.", "Prof."),
            // English captions.
            (
                "Minister Prof. Dr. Andreas Pinkwart met the regions in Düsseldorf on 3 October 2019. From left: Mr. J. Smith.",
                "Minister Prof. Dr. Andreas Pinkwart met the regions in Düsseldorf on 3 October 2019."
            ),
            ("Mr. Smith, e.g. the mayor, arrived. Then lunch.", "Mr. Smith, e.g. the mayor, arrived."),
            ("Guests incl. Dr. Miller came. Later.", "Guests incl. Dr. Miller came."),
        ])
    func cases(text: String, first: String) {
        #expect(SentenceBoundary.firstSentence(of: text) == first)
    }

    @Test("every text ends its first sentence inside the text, whatever it holds")
    func anyText() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "Prof.", "Dr.", " ", ". ", "z.", "B.", "3.", "Oktober", "!", "?", "„", "“", "\n", "É", "ß", "2019.",
        ]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement()! }.joined()
            let first = SentenceBoundary.firstSentence(of: text)
            #expect(text.hasPrefix(first))
            #expect(!first.isEmpty || text.isEmpty)
        }
    }
}
