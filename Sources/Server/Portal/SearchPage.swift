import Foundation
import GalleryCore

/// `GET /search?q=…`: the photos found, with their captions, credits and galleries, the
/// facets as links that narrow the search, and a link to the next page — all server-made,
/// so it works without JavaScript. The query stays in the header's search field.
struct SearchPage {
    /// The parameters as asked (`q`, `gallery`, `person`, `keyword`, `from`, `to`).
    let parameters: [String: String]
    let strings: PortalStrings
    /// What was found; nil when nothing was asked yet.
    var answer: SearchAnswer?
    /// Why the search could not be made (a ``ProblemDetails``' detail).
    var problem: String?

    static let filterNames = ["gallery", "person", "keyword", "from", "to"]

    func render() -> String {
        let query = parameters["q"] ?? ""
        var main = "<h1>" + HTML.escape(strings[.search]) + "</h1>\n"
        if let problem {
            main += "<p class=\"search-problem\" role=\"alert\">" + HTML.escape(problem) + "</p>\n"
        } else if let answer {
            main += "<p class=\"search-count\" role=\"status\">"
            main += HTML.escape(
                answer.total == 0 ? strings[.searchNone] : strings.format(.searchFound, ["count": String(answer.total)])
            )
            main += "</p>\n"
            main += activeFilters(answer)
            if !answer.items.isEmpty {
                main += "<div class=\"search-layout\">\n<ol class=\"search-results\">\n"
                for item in answer.items { main += result(item) }
                main += "</ol>\n" + facets(answer.facets) + "</div>\n"
            }
            if let next = answer.next {
                main += "<p class=\"more\"><a" + HTML.attribute("href", link(["cursor": next])) + " rel=\"next\">"
                main += HTML.escape(strings[.searchMore]) + "</a></p>\n"
            }
        } else {
            main += "<p class=\"search-hint\">" + HTML.escape(strings[.searchHint]) + "</p>\n"
        }
        let title = query.isEmpty ? strings[.search] : "„" + query + "“ – " + strings[.search]
        return PageLayout(strings: strings, path: "/search", searchText: query).document(
            title: title + " – " + strings[.siteName], main: main,
            head: "<meta name=\"robots\" content=\"noindex\">", consentButton: false)
    }

    /// `/search?…` with this search's parameters, `changes` applied (nil removes one); a
    /// new filter starts from the first page.
    func link(_ changes: [String: String?]) -> String {
        var values = parameters
        values["cursor"] = nil
        for (name, value) in changes { values[name] = value }
        if strings.locale != .de { values["lang"] = strings.locale.rawValue }
        let pairs = (["q"] + Self.filterNames + ["cursor", "lang"]).compactMap { name in
            values[name].map { name + "=" + Self.encode($0) }
        }
        return "/search" + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func result(_ found: SearchAnswer.Item) -> String {
        let item = found.item
        var html = "<li class=\"search-result\">"
        html += "<div class=\"search-picture\">"
        html += Picture(item: item, role: .thumbnail, sizes: "10rem", eager: false, decorative: true).render()
        html += "</div><div class=\"search-text\">"
        if let headline = item.headline, !headline.isEmpty {
            html += "<p class=\"headline\">" + HTML.escape(headline) + "</p>"
        }
        if let caption = item.caption, !caption.isEmpty {
            html += "<p class=\"caption\">" + HTML.escape(caption) + "</p>"
        }
        html += "<p class=\"credit\">" + HTML.escape(item.credit) + "</p>"
        let href = "/galleries/" + found.gallery.slug + strings.locale.query + "#slide-\(item.position)"
        html += "<p class=\"from\"><a" + HTML.attribute("href", href) + ">"
        html += HTML.escape(strings.format(.searchInGallery, ["title": found.gallery.title])) + "</a></p>"
        html += "</div></li>\n"
        return html
    }

    /// The filters in force, each with a link that removes it.
    func activeFilters(_ answer: SearchAnswer) -> String {
        let active = Self.filterNames.compactMap { name in parameters[name].map { (name, $0) } }
        guard !active.isEmpty else { return "" }
        var html = "<ul class=\"search-filters\"" + HTML.attribute("aria-label", strings[.searchFilters]) + ">"
        for (name, value) in active {
            let shown =
                name == "gallery" ? (answer.facets.galleries.first { $0.slug == value }?.title ?? value) : value
            html += "<li><a" + HTML.attribute("href", link([name: nil])) + ">"
            html += HTML.escape(strings.format(.searchRemoveFilter, ["value": shown])) + "</a></li>"
        }
        return html + "</ul>\n"
    }

    /// Counts over the whole result, as links that narrow it.
    func facets(_ facets: SearchIndex.Facets) -> String {
        var html = "<nav class=\"search-facets\"" + HTML.attribute("aria-label", strings[.searchRefine]) + ">\n"
        html += "<h2>" + HTML.escape(strings[.searchRefine]) + "</h2>\n"
        func group(_ heading: PortalStrings.Key, _ entries: [(label: String, changes: [String: String?], count: Int)])
            -> String
        {
            guard !entries.isEmpty else { return "" }
            var part = "<h3>" + HTML.escape(strings[heading]) + "</h3>\n<ul>"
            for entry in entries {
                part += "<li><a" + HTML.attribute("href", link(entry.changes)) + ">" + HTML.escape(entry.label)
                part += "</a> <span class=\"count\">" + String(entry.count) + "</span></li>"
            }
            return part + "</ul>\n"
        }
        if parameters["gallery"] == nil {
            html += group(.searchGallery, facets.galleries.map { ($0.title, ["gallery": $0.slug], $0.count) })
        }
        if parameters["person"] == nil {
            html += group(.searchPersons, facets.persons.map { ($0.value, ["person": $0.value], $0.count) })
        }
        if parameters["keyword"] == nil {
            html += group(.searchKeywords, facets.keywords.map { ($0.value, ["keyword": $0.value], $0.count) })
        }
        if parameters["from"] == nil, parameters["to"] == nil {
            html += group(
                .searchYears,
                facets.years.map {
                    (String($0.year), ["from": "\($0.year)-01-01", "to": "\($0.year)-12-31"], $0.count)
                })
        }
        return html + "</nav>\n"
    }
}
