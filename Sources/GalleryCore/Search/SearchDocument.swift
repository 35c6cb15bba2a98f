/// What search knows of one photo: its words in three tiers of weight, each as the stems
/// it is matched by (phrases need their order) and the folded words a prefix is matched
/// against (``SearchIndex``).
///
/// The tiers say where a word counts most: who and what the photo is about (headline,
/// persons, event), then where and under what heading (keywords, location, the gallery's
/// title), then the running text (caption, the gallery's summary, credit, creator). A
/// term's weight is that of the highest tier it occurs in (3, 2, 1); a photo's relevance
/// is the sum over the query's terms.
public struct SearchDocument: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        /// Stems in text order. Fields of one tier follow each other, so a phrase may run
        /// from one into the next (a `"…"` over two persons' names is rare, and such a
        /// photo is about both).
        public var stems: [String]
        /// The folded words, each once, in order of first use (for prefixes).
        public var words: [String]
    }

    /// Tiers 3, 2, 1, in that order.
    public var tiers: [Tier]
    /// Values counted as facets: the persons and keywords as shown (not folded).
    public var persons: [String]
    public var keywords: [String]

    public static let weights = [3, 2, 1]

    public init(
        item: GalleryItem, galleryTitle: String, gallerySummary: String?, stemmer: some WordStemmer
    ) {
        let location = item.location.map { [$0.sublocation, $0.city, $0.region, $0.country, $0.countryCode] } ?? []
        let fields: [[String?]] = [
            [item.headline] + (item.persons ?? []).map(Optional.some) + [item.event],
            (item.keywords ?? []).map(Optional.some) + location + [galleryTitle],
            [item.caption, gallerySummary, item.credit, item.creator],
        ]
        tiers = fields.map { texts in
            var stems: [String] = []
            var words: [String] = []
            var seen = Set<String>()
            for text in texts.compactMap({ $0 }) {
                let folded = SearchText.words(text)
                stems += folded.map(stemmer.stem)
                words += folded.filter { seen.insert($0).inserted }
            }
            return Tier(stems: stems, words: words)
        }
        persons = item.persons ?? []
        keywords = item.keywords ?? []
    }
}
