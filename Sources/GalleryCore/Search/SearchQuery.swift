/// What a reader asked for in `q` (`GET /api/v1/search`), as search understands it: every
/// term is required; a word matches any inflection of it (by its stem); `"…"` (or „…“)
/// and hyphenated names (`Boschin-Heinz`) are phrases, their words together and in order;
/// and the last word, while it is still being typed (no space after it), also matches the
/// words it begins (`Pinkw` → `Pinkwart`).
///
/// Nothing in `q` is an operator: `OR`, `NEAR`, `*`, `^`, `(` are words or separators like
/// any other, so no query can reach a database's own query syntax. An unclosed quote runs
/// to the end.
public struct SearchQuery: Sendable, Equatable {
    public enum Term: Sendable, Hashable {
        /// One word, by its stem.
        case word(stem: String)
        /// Words that must stand together in this order, by their stems.
        case phrase(stems: [String])
        /// The last word as typed so far: the words it begins (folded, not stemmed), or
        /// its stem as a whole word.
        case prefix(word: String, stem: String)
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case tooLong(characters: Int)

        public var description: String {
            switch self {
            case .tooLong(let characters):
                "parameter \"q\" has \(characters) characters; at most \(SearchQuery.maximumCharacters) are searched"
            }
        }
    }

    public var terms: [Term]

    public static let maximumCharacters = 500
    /// Words and phrases searched at most; the first ones are kept.
    public static let maximumTerms = 16
    /// Shorter last words match only as whole words (a one-letter prefix would match most
    /// of the catalog).
    public static let minimumPrefixCharacters = 2
    static let quotes: Set<Character> = ["\"", "„", "“", "”", "«", "»"]

    public init(terms: [Term]) {
        self.terms = terms
    }

    /// The terms of `text`, in the order given, each once.
    public static func parse(_ text: String, stemmer: some WordStemmer) throws(Problem) -> SearchQuery {
        guard text.count <= maximumCharacters else { throw .tooLong(characters: text.count) }
        var terms: [Term] = []
        // Outside and inside quotes in turn; a quote left open runs to the end.
        var inside = false
        var segment = ""
        func close() {
            let pieces = inside ? [segment] : segment.split(whereSeparator: \.isWhitespace).map(String.init)
            for piece in pieces {
                let words = SearchText.words(piece)
                if !words.isEmpty { terms.append(term(words, stemmer: stemmer)) }
            }
            segment = ""
        }
        for character in text {
            if quotes.contains(character) {
                close()
                inside.toggle()
            } else {
                segment.append(character)
            }
        }
        // The last word is still being typed when the text ends in it, outside quotes.
        var typing: [String]?
        if !inside, let last = text.last, !SearchText.words(String(last)).isEmpty,
            let token = segment.split(whereSeparator: \.isWhitespace).last
        {
            typing = SearchText.words(String(token))
        }
        close()
        if let words = typing, words.count == 1, let word = words.first, word.count >= minimumPrefixCharacters,
            let index = terms.lastIndex(of: .word(stem: stemmer.stem(word)))
        {
            terms[index] = .prefix(word: word, stem: stemmer.stem(word))
        }
        var seen = Set<Term>()
        // Beyond `maximumTerms`, the first ones are searched (a pasted paragraph still finds
        // what its opening names).
        terms = Array(terms.filter { seen.insert($0).inserted }.prefix(maximumTerms))
        return SearchQuery(terms: terms)
    }

    static func term(_ words: [String], stemmer: some WordStemmer) -> Term {
        let stems = words.map(stemmer.stem)
        return stems.count == 1 ? .word(stem: stems[0]) : .phrase(stems: stems)
    }

    /// Whether there is anything to search for.
    public var isEmpty: Bool { terms.isEmpty }
}
