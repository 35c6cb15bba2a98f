import GalleryCore

/// The frame every portal page shares: head with this origin's stylesheet and script,
/// a skip link, the header with the language switch and the settings button, the footer.
struct PageLayout {
    let strings: PortalStrings
    /// The page's path without the query, for the language switch.
    let path: String
    /// What the header's search field shows (the search page's query).
    var searchText = ""

    var locale: PortalLocale { strings.locale }

    /// `head`: more of the head, already HTML (the page's description, link-preview tags
    /// and structured data, ``PageMetadata``).
    func document(
        title: String, main: String, afterMain: String = "", head: String = "", stylesheet: String = "portal.css",
        script: String? = "portal.js", consentButton: Bool = true
    ) -> String {
        let other = locale.other
        var html = """
            <!doctype html>
            <html lang="\(locale.rawValue)" class="no-js">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(HTML.escape(title))</title>
            <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/assets/\(stylesheet)">
            \(head)
            """
        if let script { html += "<script type=\"module\" src=\"/assets/\(script)\"></script>\n" }
        html += """
            <script type="application/json" id="portal-strings">\(HTML.scriptJSON(strings.json()))</script>
            </head>
            <body>
            <a class="skip-link" href="#main">\(HTML.escape(strings[.skipToContent]))</a>
            <header class="site-header">
            <div class="site-header-inner">
            <a class="site-name" href="/\(locale.query)">\(HTML.escape(strings[.siteName]))</a>
            <form class="site-search" role="search" action="/search" method="get">
            <label class="visually-hidden" for="site-search-q">\(HTML.escape(strings[.searchLabel]))</label>
            <input id="site-search-q" type="search" name="q"\(HTML.attribute("value", searchText)) \
            maxlength="\(SearchQuery.maximumCharacters)" autocomplete="off" enterkeyhint="search">
            \(locale == .de ? "" : "<input type=\"hidden\" name=\"lang\" value=\"\(locale.rawValue)\">")
            <button type="submit">\(HTML.escape(strings[.searchButton]))</button>
            </form>
            <nav class="site-nav" aria-label="\(HTML.escape(strings[.languageSwitchLabel]))">
            <a class="language-switch" href="\(HTML.escape(path + other.query))" lang="\(other.rawValue)" \
            hreflang="\(other.rawValue)">\(HTML.escape(strings[.languageName]))</a>

            """
        if consentButton {
            html += """
                <button type="button" class="consent-open" data-consent-open hidden>\
                \(Icon.gear)<span>\(HTML.escape(strings[.consentOpen]))</span></button>

                """
        }
        html += """
            </nav>
            </div>
            </header>
            <main id="main" tabindex="-1">
            \(main)
            </main>
            \(afterMain)
            <footer class="site-footer"><p>\(HTML.escape(strings[.footerNote]))</p></footer>
            </body>
            </html>

            """
        return html
    }
}

/// Inline SVG icons: markup of our own, decorative, hidden from assistive technology.
enum Icon {
    static let previous =
        "<svg class=\"icon\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\">"
        + "<path d=\"M15 5l-7 7 7 7\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\"/></svg>"
    static let next =
        "<svg class=\"icon\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\">"
        + "<path d=\"M9 5l7 7-7 7\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\"/></svg>"
    static let gear =
        "<svg class=\"icon\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\">"
        + "<circle cx=\"12\" cy=\"12\" r=\"3.2\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>"
        + "<path d=\"M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1\" "
        + "stroke=\"currentColor\" stroke-width=\"2\" fill=\"none\"/></svg>"
}
