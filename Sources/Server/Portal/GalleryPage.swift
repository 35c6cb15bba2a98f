import Foundation
import GalleryCore

/// `GET /galleries/{slug}`: the gallery as one HTML page that works without JavaScript (a
/// list of figures with caption and credit) and that portal.js turns into a carousel with
/// a thumbnail strip, the consent panel and the embed placeholders.
struct GalleryPage {
    let document: GalleryDocument
    let strings: PortalStrings
    /// Whether there are other galleries to go back to (`/` leads to the only one otherwise).
    var linksToList = true
    /// Service id → display name, from the consent settings.
    var serviceNames: [String: String] = [:]
    /// `site.publicURL`, for the canonical link, link previews and structured data;
    /// without it, the tags that need an absolute URL are left out.
    var publicURL: String? = nil

    /// The carousel stage is at most 60rem wide; below that it spans the viewport.
    static let carouselSizes = "(min-width: 62rem) 60rem, 100vw"
    static let thumbnailSizes = "8rem"

    func render() -> String {
        let layout = PageLayout(strings: strings, path: "/galleries/" + document.slug)
        return layout.document(
            title: document.title + " – " + strings[.siteName], main: main(),
            afterMain: ConsentPanel(strings: strings).render(),
            head: PageMetadata.gallery(document, strings: strings, publicURL: publicURL))
    }

    func main() -> String {
        var html = "<article class=\"gallery\"" + HTML.attribute("data-slug", document.slug) + ">\n"
        if linksToList {
            html += "<p class=\"breadcrumb\"><a href=\"/\(strings.locale.query)\">" + HTML.escape(strings[.backToList])
            html += "</a></p>\n"
        }
        html += "<h1>" + HTML.escape(document.title) + "</h1>\n"
        if let summary = document.summary, !summary.isEmpty {
            html += "<div class=\"summary\">\n"
            for paragraph in summary.split(whereSeparator: \.isNewline) where !paragraph.allSatisfy(\.isWhitespace) {
                html += "<p>" + HTML.escape(String(paragraph)) + "</p>\n"
            }
            html += "</div>\n"
        }
        if !document.items.isEmpty { html += carousel() }
        if let zip = document.zip {
            let label = strings.format(.galleryZip, ["count": String(zip.count), "size": strings.fileSize(zip.bytes)])
            html += "<p class=\"gallery-zip\"><a" + HTML.attribute("href", zip.url) + " download>"
            html += HTML.escape(label) + "</a></p>\n"
        }
        // Plain links, filled in by portal.js from the gallery JSON: nothing is requested
        // from a network before the visitor clicks one.
        html += "<nav class=\"share\" data-share hidden" + HTML.attribute("aria-label", strings[.share]) + "></nav>\n"
        html += EmbedList(embeds: document.embeds, strings: strings, serviceNames: serviceNames).render()
        html += "</article>\n"
        return html
    }

    func carousel() -> String {
        let label = strings[.galleryLabel] + ": " + document.title
        var html = "<section class=\"carousel\" data-carousel" + HTML.attribute("aria-label", label)
        html += HTML.attribute("aria-roledescription", strings[.carousel]) + ">\n"
        html += controls()
        html += "<div class=\"slides\" id=\"slides\" data-slides aria-live=\"polite\">\n"
        for item in document.items { html += slide(item) }
        html += "</div>\n"
        html += thumbnails()
        html += "</section>\n"
        return html
    }

    func controls() -> String {
        let first = document.items.first.map { position($0) } ?? ""
        return """
            <div class="carousel-controls" data-controls hidden>
            <button type="button" class="carousel-button" data-prev aria-controls="slides">\
            \(Icon.previous)<span class="visually-hidden">\(HTML.escape(strings[.previous]))</span></button>
            <p class="position" data-position>\(HTML.escape(first))</p>
            <button type="button" class="carousel-button" data-next aria-controls="slides">\
            \(Icon.next)<span class="visually-hidden">\(HTML.escape(strings[.next]))</span></button>
            </div>

            """
    }

    func position(_ item: GalleryItem) -> String {
        strings.format(.position, ["position": String(item.position), "count": String(item.count)])
    }

    func slide(_ item: GalleryItem) -> String {
        var html = "<div class=\"slide\" role=\"group\"" + HTML.attribute("id", "slide-\(item.position)")
        html += HTML.attribute("aria-roledescription", strings[.slide]) + HTML.attribute("aria-label", position(item))
        html += ">\n<figure>\n<div class=\"frame\">"
        html += Picture(item: item, role: .carousel, sizes: Self.carouselSizes, eager: item.position == 1).render()
        html += "</div>\n<figcaption>\n<p class=\"slide-position\" aria-hidden=\"true\">" + HTML.escape(position(item))
        html += "</p>\n"
        if let caption = item.caption, !caption.isEmpty {
            html += "<p class=\"caption\">" + HTML.escape(caption) + "</p>\n"
        }
        html += "<p class=\"credit\">" + HTML.escape(item.credit)
        if let disclosure = BoundText.disclosure(aiGenerated: item.aiGenerated, sourceType: item.digitalSourceType) {
            let label = strings[disclosure == .edited ? .aiEdited : .aiGenerated]
            html += " <strong class=\"ai-label\">" + HTML.escape(label) + "</strong>"
        }
        html += "</p>\n"
        html += rights(item)
        html += "</figcaption>\n</figure>\n</div>\n"
        return html
    }

    /// The download link with its size, the usage terms and the licence link.
    func rights(_ item: GalleryItem) -> String {
        var html = ""
        if let download = item.download {
            let label = strings.format(
                .download,
                [
                    "width": String(download.width), "height": String(download.height),
                    "size": strings.fileSize(download.bytes),
                ])
            html += "<p class=\"download\"><a" + HTML.attribute("href", download.url)
            html += HTML.attribute("download", download.fileName) + ">" + HTML.escape(label) + "</a></p>\n"
        }
        let language = strings.locale.rawValue
        if let terms = item.usageTermsByLanguage.flatMap({ LanguageAlternative($0)?.text(for: language) })
            ?? item.usageTerms
        {
            html += "<p class=\"usage-terms\"><span class=\"label\">" + HTML.escape(strings[.usageTerms])
            html += ":</span> " + HTML.escape(terms) + "</p>\n"
        }
        if let license = item.license {
            html += "<p class=\"license\"><a" + HTML.attribute("href", license) + " rel=\"license\">"
            html += HTML.escape(strings[.license]) + "</a></p>\n"
        }
        return html
    }

    func thumbnails() -> String {
        var html = "<div class=\"thumbnails\" data-thumbnails role=\"tablist\" hidden"
        html += HTML.attribute("aria-label", strings[.thumbnails]) + ">\n"
        for item in document.items {
            let label = strings.format(.showImage, ["position": String(item.position)])
            html +=
                "<button type=\"button\" class=\"thumbnail\" role=\"tab\""
                + HTML.attribute("id", "tab-\(item.position)")
            html += HTML.attribute("aria-controls", "slide-\(item.position)")
            html += HTML.attribute("aria-selected", item.position == 1 ? "true" : "false")
            html +=
                HTML.attribute("tabindex", item.position == 1 ? "0" : "-1") + HTML.attribute("aria-label", label) + ">"
            html += Picture(item: item, role: .thumbnail, sizes: Self.thumbnailSizes, eager: false, decorative: true)
                .render()
            html += "</button>\n"
        }
        html += "</div>\n"
        return html
    }
}

/// A `<picture>` for one item: one `<source>` per modern format (AVIF, WebP) and a JPEG
/// `<img>` with `srcset`/`sizes`, the intrinsic size set (no layout shift) and the
/// placeholder (colour and ThumbHash) for portal.js to paint while the image loads.
struct Picture {
    let item: GalleryItem
    let role: RenditionRole
    let sizes: String
    let eager: Bool
    var decorative = false

    func render() -> String {
        var renditions = item.renditions.filter { $0.role == role }
        if renditions.isEmpty { renditions = item.renditions }
        guard !renditions.isEmpty else { return "" }
        let byFormat = Dictionary(grouping: renditions, by: \.format)
        let fallbackFormat: OutputFormat = byFormat[.jpeg] != nil ? .jpeg : (byFormat[.webp] != nil ? .webp : .avif)
        var html = "<picture>"
        for format in [OutputFormat.avif, .webp] where format != fallbackFormat {
            guard let files = byFormat[format] else { continue }
            html += "<source" + HTML.attribute("type", format.mime) + HTML.attribute("srcset", Self.srcset(files))
            html += HTML.attribute("sizes", sizes) + ">"
        }
        let fallback = byFormat[fallbackFormat] ?? renditions
        let src = Self.preferred(fallback)
        let (width, height) = role == .carousel ? (item.width, item.height) : (src.width, src.height)
        html += "<img" + HTML.attribute("src", src.url) + HTML.attribute("srcset", Self.srcset(fallback))
        html += HTML.attribute("sizes", sizes) + HTML.attribute("width", String(width))
        html += HTML.attribute("height", String(height))
        html += HTML.attribute("alt", decorative ? "" : (item.alt ?? ""))
        html += eager ? " fetchpriority=\"high\"" : " loading=\"lazy\""
        html += " decoding=\"async\""
        if let placeholder = item.placeholder {
            html +=
                HTML.attribute("data-color", placeholder.color)
                + HTML.attribute("data-thumbhash", placeholder.thumbhash)
        }
        html += "></picture>"
        return html
    }

    /// `url 640w, url 1024w` in ascending width, one entry per width.
    static func srcset(_ files: [RenditionDocument]) -> String {
        var seen = Set<Int>()
        return files.sorted { $0.width < $1.width }.filter { seen.insert($0.width).inserted }
            .map { "\($0.url) \($0.width)w" }.joined(separator: ", ")
    }

    /// The `src` for browsers without `srcset`: the widest file up to 1024 px, else the narrowest.
    static func preferred(_ files: [RenditionDocument]) -> RenditionDocument {
        let sorted = files.sorted { $0.width < $1.width }
        return sorted.last { $0.width <= 1024 } ?? sorted[0]
    }
}
