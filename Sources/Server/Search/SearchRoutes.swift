import Catalog
import Foundation
import GalleryCore
import Hummingbird

/// `GET /api/v1/search`: photos found by their words (``SearchQuery``), with `gallery`,
/// `person`, `keyword`, `from`, `to` (capture days, `YYYY-MM-DD`), `limit` (1–100, 24)
/// and `cursor` (the `next` of the previous page). Items have the gallery-JSON item shape
/// plus `gallery: {slug, title}`; `facets` count the whole result.
struct SearchRoutes {
    let search: PhotoSearch
    let cache: GalleryDocumentCache

    func register(on router: Router<GalleryRequestContext>) {
        router.get("/api/v1/search") { request, _ in
            let asked = try SearchRequest(SearchRequest.parameters(request.uri.query), stemmer: search.stemmer)
            var response = try JSONBody(try await results(asked)).response(
                to: request, cacheControl: GalleryRoutes.publicCacheControl)
            // Any change to a gallery purges this key: a takedown reaches cached searches.
            response.setCacheKeys([CacheKey.galleries])
            return response
        }
    }

    /// The page asked for, its items as the gallery JSON has them now.
    func results(_ asked: SearchRequest) async throws -> SearchAnswer {
        let index = try await search.index()
        let found = index.search(asked.query, filter: asked.filter, offset: asked.offset, limit: asked.limit)
        var items: [SearchAnswer.Item] = []
        var documents: [String: GalleryDocument?] = [:]
        for hit in found.hits {
            if documents[hit.slug] == nil { documents[hit.slug] = try await cache.gallery(slug: hit.slug)?.document }
            // A photo gone since the index was read is left out, never shown stale.
            guard let document = documents[hit.slug] ?? nil, let item = document.items.first(where: { $0.id == hit.id })
            else { continue }
            items.append(
                .init(item: item, gallery: .init(slug: document.slug, title: document.title), score: hit.score))
        }
        let end = asked.offset + asked.limit
        return SearchAnswer(
            query: asked.text, total: found.total, items: items, facets: found.facets,
            next: end < found.total ? SearchRequest.cursor(offset: end) : nil)
    }
}

/// What `GET /api/v1/search` (and the portal's search page) was asked.
struct SearchRequest: Sendable {
    var text: String
    var query: SearchQuery
    var filter: SearchIndex.Filter
    var offset: Int
    var limit: Int

    static let defaultLimit = 24
    static let maximumLimit = 100

    /// The parameters of a query string as an HTML form sends them (`+` is a space; WHATWG
    /// URL, application/x-www-form-urlencoded parsing), the first of each name.
    static func parameters(_ query: String?) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = String(text).replacing("+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let name = decoded(parts[0])
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        return parameters
    }

    init(_ parameters: [String: String], stemmer: some WordStemmer) throws(ProblemDetails) {
        // An empty word or filter is none; an empty date, limit or cursor is no date,
        // number or cursor (400).
        func value(_ name: String) -> String? {
            parameters[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func problem(_ field: String, _ detail: String) -> ProblemDetails {
            ProblemDetails(.badRequest, detail: detail, extensions: ["field": field])
        }
        text = value("q") ?? ""
        do {
            query = try SearchQuery.parse(text, stemmer: stemmer)
        } catch {
            throw problem("q", "\(error)")
        }
        var filter = SearchIndex.Filter(gallery: value("gallery"), person: value("person"), keyword: value("keyword"))
        for (name, bound) in [("from", \SearchIndex.Filter.fromDay), ("to", \SearchIndex.Filter.toDay)] {
            guard let day = parameters[name] else { continue }
            guard let number = Self.day(day) else {
                throw problem(name, "parameter \"\(name)\" must be a date as YYYY-MM-DD (the capture day)")
            }
            filter[keyPath: bound] = number
        }
        self.filter = filter
        let limitText = parameters["limit"] ?? String(Self.defaultLimit)
        guard let limit = Int(limitText), (1...Self.maximumLimit).contains(limit) else {
            throw problem("limit", "parameter \"limit\" must be a whole number from 1 to \(Self.maximumLimit)")
        }
        self.limit = limit
        if let cursor = parameters["cursor"] {
            // The offset of the page, in digits: a cursor past the end is an empty page.
            guard (1...9).contains(cursor.count), cursor.allSatisfy({ $0.isASCII && $0.isNumber }),
                let offset = Int(cursor)
            else {
                throw problem("cursor", "parameter \"cursor\" is not a cursor (as `next` gives it)")
            }
            self.offset = offset
        } else {
            offset = 0
        }
    }

    /// `yyyymmdd` of a `YYYY-MM-DD` that names a real day.
    static func day(_ text: String) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return Int32(year * 10000 + month * 100 + day)
    }

    /// The cursor of the page starting at `offset`.
    static func cursor(offset: Int) -> String {
        String(offset)
    }
}

/// The body of `GET /api/v1/search`.
struct SearchAnswer: Encodable {
    /// An item of the gallery JSON, with its gallery and its relevance.
    struct Item: Encodable {
        struct Gallery: Encodable {
            var slug: String
            var title: String
        }

        var item: GalleryItem
        var gallery: Gallery
        var score: Int

        enum CodingKeys: String, CodingKey {
            case gallery, score
        }

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(gallery, forKey: .gallery)
            try container.encode(score, forKey: .score)
        }
    }

    var query: String
    var total: Int
    var items: [Item]
    var facets: SearchIndex.Facets
    /// The cursor of the next page, null on the last.
    var next: String?

    enum CodingKeys: String, CodingKey {
        case query, total, items, facets, next
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(query, forKey: .query)
        try container.encode(total, forKey: .total)
        try container.encode(items, forKey: .items)
        try container.encode(facets, forKey: .facets)
        try container.encode(next, forKey: .next)
    }
}
