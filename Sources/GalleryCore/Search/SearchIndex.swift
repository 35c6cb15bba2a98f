public import Foundation

/// The words of every published photo, for `GET /api/v1/search`: one segment per gallery,
/// built from its gallery document — so search finds exactly what the gallery JSON
/// publishes, by the one publication rule — and replaced when that document changes.
///
/// Relevance is the sum over the query's terms of the weight of the highest tier the term
/// occurs in (3, 2, 1; ``SearchDocument``); ties go to the later capture time, then the id.
/// Every term is required.
///
/// Postings are packed integers in one sorted array per segment, terms interned in one
/// vocabulary: about 0.5 KB per photo (`Benchmarks/scale`), found by binary search.
public struct SearchIndex: Sendable {
    /// One photo: what ranking, filters and facets need.
    public struct Entry: Sendable {
        public var id: AssetID
        public var takenAt: Date?
        /// The capture day as `yyyymmdd` in the site's time zone (0: unknown).
        var day: Int32
        var persons: [Int32]
        var keywords: [Int32]
    }

    /// One gallery's photos and their words.
    public struct Segment: Sendable {
        public var slug: String
        public var title: String
        /// What it was built from (the gallery's revision and publication epoch).
        public var version: [UInt64]
        public var entries: [Entry]
        /// `term << 32 | entry << 16 | tier << 14 | position`, sorted.
        var stems: [UInt64]
        /// `term << 32 | entry << 2 | tier`, sorted; one per word, tier and photo.
        var words: [UInt64]
    }

    /// Terms (stems and folded words) and facet values, interned.
    struct Vocabulary: Sendable {
        var ids: [String: Int32] = [:]
        var terms: [String] = []
        /// Term ids in the order of their text, for prefixes; rebuilt by ``prepare()``.
        var sorted: [Int32] = []
        var facetIDs: [String: Int32] = [:]
        var facetValues: [String] = []
        /// Each facet value folded (``SearchText/fold(_:)``), for filters.
        var foldedFacetValues: [String] = []

        mutating func id(of term: String) -> Int32 {
            if let id = ids[term] { return id }
            let id = Int32(terms.count)
            ids[term] = id
            terms.append(term)
            return id
        }

        mutating func facetID(of value: String) -> Int32 {
            if let id = facetIDs[value] { return id }
            let id = Int32(facetValues.count)
            facetIDs[value] = id
            facetValues.append(value)
            foldedFacetValues.append(SearchText.fold(value))
            return id
        }
    }

    /// Positions beyond this in one tier share it (a phrase there may match loosely): 16,383
    /// words, far more than a caption, the gallery's summary, credit and creator hold.
    static let maximumPosition = (1 << 14) - 1
    /// Photos of one gallery that can be indexed (16 bits of a posting); more are left out.
    public static let maximumEntries = 1 << 16

    var vocabulary = Vocabulary()
    public private(set) var segments: [String: Segment] = [:]
    let calendar: Calendar

    /// - Parameter timeZone: the site's, in which capture days and years are counted.
    public init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public var photoCount: Int { segments.values.reduce(0) { $0 + $1.entries.count } }

    /// Replaces the segment of `document`'s gallery with one built from its items. Call
    /// ``prepare()`` after a batch of changes, before searching.
    public mutating func replace(
        _ document: GalleryDocument, version: [UInt64], stemmer: some WordStemmer
    ) {
        var entries: [Entry] = []
        var stems: [UInt64] = []
        var words: [UInt64] = []
        for item in document.items.prefix(Self.maximumEntries) {
            let entry = UInt64(entries.count)
            let text = SearchDocument(
                item: item, galleryTitle: document.title, gallerySummary: document.summary, stemmer: stemmer)
            for (tier, part) in text.tiers.enumerated() {
                for (position, stem) in part.stems.enumerated() {
                    let term = UInt64(vocabulary.id(of: stem))
                    stems.append(
                        term << 32 | entry << 16 | UInt64(tier) << 14 | UInt64(min(position, Self.maximumPosition)))
                }
                for word in part.words {
                    words.append(UInt64(vocabulary.id(of: word)) << 32 | entry << 2 | UInt64(tier))
                }
            }
            entries.append(
                Entry(
                    id: item.id, takenAt: item.takenAt, day: item.takenAt.map(day) ?? 0,
                    persons: text.persons.map { vocabulary.facetID(of: $0) },
                    keywords: text.keywords.map { vocabulary.facetID(of: $0) }))
        }
        stems.sort()
        words.sort()
        segments[document.slug] = Segment(
            slug: document.slug, title: document.title, version: version, entries: entries, stems: stems, words: words)
    }

    /// Drops a gallery that is no longer published.
    public mutating func remove(slug: String) {
        segments[slug] = nil
    }

    /// Brings the order of terms up to date after ``replace(_:version:stemmer:)``.
    public mutating func prepare() {
        guard vocabulary.sorted.count != vocabulary.terms.count else { return }
        let terms = vocabulary.terms
        vocabulary.sorted = (0..<Int32(terms.count)).sorted { terms[Int($0)] < terms[Int($1)] }
    }

    func day(_ date: Date) -> Int32 {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return Int32((parts.year ?? 0) * 10000 + (parts.month ?? 0) * 100 + (parts.day ?? 0))
    }

    // MARK: Searching

    /// What narrows a search besides its words. Values are compared folded (case and
    /// diacritics do not matter); days are capture days in the site's time zone, inclusive.
    public struct Filter: Sendable, Equatable {
        public var gallery: String?
        public var person: String?
        public var keyword: String?
        /// `yyyymmdd`.
        public var fromDay: Int32?
        public var toDay: Int32?

        public init(
            gallery: String? = nil, person: String? = nil, keyword: String? = nil, fromDay: Int32? = nil,
            toDay: Int32? = nil
        ) {
            self.gallery = gallery
            self.person = person
            self.keyword = keyword
            self.fromDay = fromDay
            self.toDay = toDay
        }

        public var isEmpty: Bool { self == Filter() }
    }

    /// One photo found: where it is and how well it matched.
    public struct Hit: Sendable, Equatable {
        public var id: AssetID
        public var slug: String
        public var title: String
        public var score: Int
    }

    /// Counts over the whole result (every page), most frequent first.
    public struct Facets: Sendable, Equatable, Codable {
        public struct Gallery: Sendable, Equatable, Codable {
            public var slug: String
            public var title: String
            public var count: Int
        }
        public struct Value: Sendable, Equatable, Codable {
            public var value: String
            public var count: Int
        }
        public struct Year: Sendable, Equatable, Codable {
            public var year: Int
            public var count: Int
        }
        public var galleries: [Gallery]
        public var persons: [Value]
        public var keywords: [Value]
        /// Capture years, latest first.
        public var years: [Year]
    }

    public struct Result: Sendable {
        /// Photos found in all.
        public var total: Int
        /// The page asked for, best first.
        public var hits: [Hit]
        public var facets: Facets
    }

    /// Galleries, persons and keywords listed in ``Facets`` at most.
    public static let facetLimit = 20

    /// The photos matching every term of `query` and `filter`, ranked; `offset` and
    /// `limit` cut the page. An empty query with a filter lists what the filter lets
    /// through, latest first; with neither, nothing is asked and nothing found.
    public func search(_ query: SearchQuery, filter: Filter = Filter(), offset: Int = 0, limit: Int = 24) -> Result {
        var matches: [Match] = []
        var galleryCounts: [(Segment, Int)] = []
        if !query.isEmpty || !filter.isEmpty, let terms = resolve(query) {
            let personIDs = filter.person.map(facetIDs(matching:))
            let keywordIDs = filter.keyword.map(facetIDs(matching:))
            let chosen: [Segment] = filter.gallery.map { segments[$0].map { [$0] } ?? [] } ?? Array(segments.values)
            for (number, segment) in chosen.enumerated() {
                let before = matches.count
                collect(terms, in: segment, number: Int32(number), into: &matches) { entry in
                    if let personIDs, !entry.persons.contains(where: personIDs.contains) { return false }
                    if let keywordIDs, !entry.keywords.contains(where: keywordIDs.contains) { return false }
                    if let from = filter.fromDay, entry.day < from { return false }
                    if let to = filter.toDay, entry.day == 0 || entry.day > to { return false }
                    return true
                }
                if matches.count > before { galleryCounts.append((segment, matches.count - before)) }
            }
            return finish(matches, chosen: chosen, galleryCounts: galleryCounts, offset: offset, limit: limit)
        }
        return finish([], chosen: [], galleryCounts: [], offset: offset, limit: limit)
    }

    /// A term as the index knows it; nil from ``resolve(_:)`` when one cannot match.
    enum ResolvedTerm {
        case stem(Int32)
        case phrase([Int32])
        /// Folded words the typed one begins, and its stem as a whole word.
        case prefix(words: [Int32], stem: Int32?)
    }

    func resolve(_ query: SearchQuery) -> [ResolvedTerm]? {
        var resolved: [ResolvedTerm] = []
        for term in query.terms {
            switch term {
            case .word(let stem):
                guard let id = vocabulary.ids[stem] else { return nil }
                resolved.append(.stem(id))
            case .phrase(let stems):
                let ids = stems.compactMap { vocabulary.ids[$0] }
                guard ids.count == stems.count else { return nil }
                resolved.append(.phrase(ids))
            case .prefix(let word, let stem):
                let words = wordIDs(beginning: word)
                let stemID = vocabulary.ids[stem]
                guard !words.isEmpty || stemID != nil else { return nil }
                resolved.append(.prefix(words: words, stem: stemID))
            }
        }
        return resolved
    }

    /// Term ids whose text begins with `prefix`, sorted.
    func wordIDs(beginning prefix: String) -> [Int32] {
        let terms = vocabulary.terms
        let sorted = vocabulary.sorted
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if terms[Int(sorted[middle])] < prefix { low = middle + 1 } else { high = middle }
        }
        var found: [Int32] = []
        while low < sorted.count, terms[Int(sorted[low])].hasPrefix(prefix) {
            found.append(sorted[low])
            low += 1
        }
        return found.sorted()
    }

    func facetIDs(matching value: String) -> Set<Int32> {
        let folded = SearchText.fold(value)
        return Set(
            vocabulary.foldedFacetValues.indices.filter { vocabulary.foldedFacetValues[$0] == folded }.map(Int32.init))
    }

    struct Match {
        /// Score (high first) and capture time (late first) in one number, for sorting.
        var key: UInt64
        var segment: Int32
        var entry: Int32
    }

    /// Adds the entries of `segment` that match every term and pass `admit`.
    private func collect(
        _ terms: [ResolvedTerm], in segment: Segment, number: Int32, into matches: inout [Match],
        admit: (Entry) -> Bool
    ) {
        let count = segment.entries.count
        guard count > 0 else { return }
        var total = [UInt8](repeating: 0, count: count)
        if !terms.isEmpty {
            var best = [UInt8](repeating: 0, count: count)
            var matched = [UInt8](repeating: 0, count: count)
            for (index, term) in terms.enumerated() {
                for i in 0..<count { best[i] = 0 }
                weigh(term, in: segment, into: &best)
                var any = false
                for i in 0..<count where best[i] > 0 && Int(matched[i]) == index {
                    matched[i] += 1
                    total[i] += best[i]
                    any = true
                }
                guard any else { return }
            }
            for i in 0..<count where Int(matched[i]) != terms.count { total[i] = 0 }
        }
        for i in 0..<count where (terms.isEmpty || total[i] > 0) && admit(segment.entries[i]) {
            let taken =
                segment.entries[i].takenAt.map { UInt64(max(0, min($0.timeIntervalSince1970 + 1e10, 1.0e12))) } ?? 0
            // High score first, then the latest capture time; the id breaks ties.
            let key = UInt64(255 - total[i]) << 48 | (Self.latest - taken)
            matches.append(Match(key: key, segment: number, entry: Int32(i)))
        }
    }

    /// Capture times as seconds from 1653 (1e10 s before 1970) fit in 40 bits.
    private static let latest: UInt64 = 1 << 40

    /// Sets `best[entry]` to the weight of the highest tier `term` occurs in.
    private func weigh(_ term: ResolvedTerm, in segment: Segment, into best: inout [UInt8]) {
        func note(_ posting: UInt64, entryShift: UInt64, tierShift: UInt64) {
            let entry = Int((posting >> entryShift) & 0xFFFF)
            let weight = UInt8(3 - ((posting >> tierShift) & 3))
            if weight > best[entry] { best[entry] = weight }
        }
        switch term {
        case .stem(let id):
            for posting in Self.range(of: id, in: segment.stems) {
                note(posting, entryShift: 16, tierShift: 14)
            }
        case .phrase(let ids):
            for posting in Self.range(of: ids[0], in: segment.stems) {
                let position = posting & UInt64(Self.maximumPosition)
                // The entry and tier, without term and position.
                let place = posting & 0xFFFF_C000
                var together = true
                for (offset, id) in ids.enumerated().dropFirst() {
                    let next = position + UInt64(offset)
                    guard next <= UInt64(Self.maximumPosition),
                        Self.contains(UInt64(UInt32(bitPattern: id)) << 32 | place | next, in: segment.stems)
                    else {
                        together = false
                        break
                    }
                }
                if together { note(posting, entryShift: 16, tierShift: 14) }
            }
        case .prefix(let words, let stem):
            if let stem {
                for posting in Self.range(of: stem, in: segment.stems) {
                    note(posting, entryShift: 16, tierShift: 14)
                }
            }
            if words.count <= 32 {
                for id in words {
                    for posting in Self.range(of: id, in: segment.words) {
                        note(posting, entryShift: 2, tierShift: 0)
                    }
                }
            } else {
                // A short prefix begins many words: one pass over the segment's words.
                let wanted = Set(words)
                for posting in segment.words where wanted.contains(Int32(truncatingIfNeeded: posting >> 32)) {
                    note(posting, entryShift: 2, tierShift: 0)
                }
            }
        }
    }

    /// The postings of term `id` in a sorted array.
    static func range(of id: Int32, in postings: [UInt64]) -> ArraySlice<UInt64> {
        let low = lowerBound(UInt64(UInt32(bitPattern: id)) << 32, in: postings)
        let high = lowerBound((UInt64(UInt32(bitPattern: id)) + 1) << 32, in: postings)
        return postings[low..<high]
    }

    static func contains(_ value: UInt64, in postings: [UInt64]) -> Bool {
        let index = lowerBound(value, in: postings)
        return index < postings.count && postings[index] == value
    }

    static func lowerBound(_ value: UInt64, in postings: [UInt64]) -> Int {
        var low = 0
        var high = postings.count
        while low < high {
            let middle = (low + high) / 2
            if postings[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func finish(
        _ matches: [Match], chosen: [Segment], galleryCounts: [(Segment, Int)], offset: Int, limit: Int
    ) -> Result {
        var matches = matches
        matches.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            return chosen[Int(a.segment)].entries[Int(a.entry)].id.value
                < chosen[Int(b.segment)].entries[Int(b.entry)].id.value
        }
        let page = matches.dropFirst(max(0, offset)).prefix(max(0, limit))
        let hits = page.map { match in
            let segment = chosen[Int(match.segment)]
            return Hit(
                id: segment.entries[Int(match.entry)].id, slug: segment.slug, title: segment.title,
                score: 255 - Int(match.key >> 48))
        }
        var persons: [Int32: Int] = [:]
        var keywords: [Int32: Int] = [:]
        var years: [Int: Int] = [:]
        for match in matches {
            let entry = chosen[Int(match.segment)].entries[Int(match.entry)]
            for id in Set(entry.persons) { persons[id, default: 0] += 1 }
            for id in Set(entry.keywords) { keywords[id, default: 0] += 1 }
            if entry.day > 0 { years[Int(entry.day / 10000), default: 0] += 1 }
        }
        func values(_ counts: [Int32: Int]) -> [Facets.Value] {
            counts.map { Facets.Value(value: vocabulary.facetValues[Int($0.key)], count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
                .prefix(Self.facetLimit).map { $0 }
        }
        let galleries = galleryCounts.map { Facets.Gallery(slug: $0.0.slug, title: $0.0.title, count: $0.1) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.slug < $1.slug }
        let facets = Facets(
            galleries: Array(galleries.prefix(Self.facetLimit)), persons: values(persons), keywords: values(keywords),
            years: years.map { Facets.Year(year: $0.key, count: $0.value) }.sorted { $0.year > $1.year })
        return Result(total: matches.count, hits: hits, facets: facets)
    }
}
