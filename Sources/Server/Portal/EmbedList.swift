import GalleryCore

/// The embed placeholders of a gallery as the server knows them: the locally served
/// preview, the notice and the external link — never a third-party address to load. The
/// buttons that grant consent stay hidden until portal.js, which owns the consent flow,
/// shows them; without JavaScript the link to the platform remains.
struct EmbedList {
    let embeds: [EmbedDocument]
    let strings: PortalStrings
    var serviceNames: [String: String] = [:]

    func render() -> String {
        var html = "<section class=\"embeds\" data-embeds aria-labelledby=\"embeds-title\""
        html += embeds.isEmpty ? " hidden>\n" : ">\n"
        html += "<h2 id=\"embeds-title\">" + HTML.escape(strings[.embedsHeading]) + "</h2>\n"
        html += "<noscript><p class=\"notice\">" + HTML.escape(strings[.noscript]) + "</p></noscript>\n"
        html += "<div class=\"embed-list\" data-embed-list>\n"
        for embed in embeds { html += placeholder(embed) }
        html += "</div>\n</section>\n"
        return html
    }

    func placeholder(_ embed: EmbedDocument) -> String {
        let name = serviceNames[embed.service] ?? Self.displayName(embed.service)
        var html = "<section class=\"embed\"" + HTML.attribute("data-embed", embed.id)
        html += HTML.attribute("data-service", embed.service) + ">\n"
        html += "<h3>" + HTML.escape(embed.title ?? name) + "</h3>\n<div class=\"embed-stage\">"
        if let preview = embed.preview, Self.isLocal(preview.url) {
            html += "<img" + HTML.attribute("src", preview.url) + HTML.attribute("width", String(preview.width))
            html += HTML.attribute("height", String(preview.height)) + " alt=\"\" loading=\"lazy\">"
        } else {
            html += "<p class=\"embed-neutral\">"
            html += HTML.escape(strings.format(.noPreview, ["service": name])) + "</p>"
        }
        html += "</div>\n<p class=\"embed-notice\">" + HTML.escape(embed.notice.text(for: strings.locale.rawValue))
        html += "</p>\n"
        if Self.isWebLink(embed.externalLink) {
            html += "<p class=\"embed-actions\"><a class=\"external\" target=\"_blank\" rel=\"noopener noreferrer\""
            html += HTML.attribute("href", embed.externalLink) + ">"
            html += HTML.escape(strings.format(.viewOn, ["service": name]))
            html += "<span class=\"visually-hidden\"> (" + HTML.escape(strings[.newWindow]) + ")</span></a></p>\n"
        }
        html += "</section>\n"
        return html
    }

    /// A path on this origin (`/previews/…`), not a scheme-relative or absolute URL.
    static func isLocal(_ url: String) -> Bool {
        url.hasPrefix("/") && !url.hasPrefix("//") && !url.contains("\\")
    }

    static func isWebLink(_ url: String) -> Bool {
        url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://")
    }

    /// A readable name before portal.js has the service catalog's own.
    static func displayName(_ service: String) -> String {
        switch service {
        case "x": "X/Twitter"
        case "youtube": "YouTube"
        default: service.prefix(1).uppercased() + service.dropFirst()
        }
    }
}
