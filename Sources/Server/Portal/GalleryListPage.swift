import GalleryCore

/// `GET /`: the published galleries, each with its cover, title, summary and size.
struct GalleryListPage {
    let list: GalleryList
    /// The cursor of the next page, if there is one.
    var next: String? = nil
    let strings: PortalStrings
    /// `site.publicURL` (see ``GalleryPage/publicURL``).
    var publicURL: String? = nil

    func render() -> String {
        var main = "<h1>" + HTML.escape(strings[.galleries]) + "</h1>\n"
        if list.galleries.isEmpty {
            main += "<p>" + HTML.escape(strings[.noGalleries]) + "</p>\n"
        } else {
            main += "<ul class=\"gallery-list\">\n"
            for gallery in list.galleries { main += entry(gallery) }
            main += "</ul>\n"
        }
        if let next {
            let query = "?after=" + next + (strings.locale == .de ? "" : "&lang=" + strings.locale.rawValue)
            main += "<p class=\"more\"><a" + HTML.attribute("href", "/" + query) + " rel=\"next\">"
            main += HTML.escape(strings[.moreGalleries]) + "</a></p>\n"
        }
        let layout = PageLayout(strings: strings, path: "/")
        return layout.document(
            title: strings[.galleries] + " – " + strings[.siteName], main: main,
            head: PageMetadata.list(list, strings: strings, publicURL: publicURL), consentButton: false)
    }

    func entry(_ gallery: GallerySummary) -> String {
        var html = "<li class=\"gallery-card\">"
        if let cover = gallery.cover {
            html += Picture(
                item: cover, role: .carousel, sizes: "(min-width: 40rem) 20rem, 100vw", eager: false,
                decorative: true
            ).render()
        }
        html += "<h2><a" + HTML.attribute("href", "/galleries/" + gallery.slug + strings.locale.query) + ">"
        html += HTML.escape(gallery.title) + "</a></h2>"
        html += "<p class=\"count\">" + HTML.escape(strings.format(.imageCount, ["count": String(gallery.itemCount)]))
        html += "</p>"
        if let summary = gallery.summary, !summary.isEmpty {
            html += "<p class=\"teaser\">" + HTML.escape(summary) + "</p>"
        }
        html += "</li>\n"
        return html
    }
}

/// The HTML answer for a gallery that is not (or no longer) published.
struct NotFoundPage {
    let strings: PortalStrings
    let path: String

    func render() -> String {
        let main =
            "<h1>" + HTML.escape(strings[.notFoundTitle]) + "</h1>\n<p>" + HTML.escape(strings[.notFoundText])
            + "</p>\n<p><a href=\"/\(strings.locale.query)\">" + HTML.escape(strings[.backToList]) + "</a></p>\n"
        return PageLayout(strings: strings, path: path).document(
            title: strings[.notFoundTitle] + " – " + strings[.siteName], main: main, consentButton: false)
    }
}

/// `GET /admin`: the shell of the admin page. admin.js asks for the token, keeps it in
/// sessionStorage and builds every view from the admin API.
struct AdminPage {
    let strings: PortalStrings

    func render() -> String {
        let main = """
            <h1>galleryd – \(HTML.escape(strings[.adminTitle]))</h1>
            <div id="admin-app" data-admin-app>
            <noscript><p>Die Redaktionsseite benötigt JavaScript.</p></noscript>
            </div>

            """
        return PageLayout(strings: strings, path: "/admin").document(
            title: "galleryd – " + strings[.adminTitle], main: main, stylesheet: "admin.css", script: "admin.js",
            consentButton: false)
    }
}
