import Foundation
import GalleryCore

/// What a portal page tells machines: the canonical address, a description, Open Graph
/// (ogp.me) and Twitter card tags for link previews, and one schema.org `ImageGallery`
/// with an `ImageObject` per photo as JSON-LD (the properties Google Images reads for
/// credit and licence: developers.google.com/search/docs/appearance/structured-data/image-license-metadata).
///
/// Absolute URLs come from `site.publicURL`, never from the request's Host header (which a
/// client chooses); without it, the tags that need one are left out. JSON-LD is a data
/// block (`type="application/ld+json"`): the Content-Security-Policy need not allow it.
enum PageMetadata {
    /// The width link previews are made for (Facebook and LinkedIn recommend 1200 px).
    static let previewWidth = 1200

    static func gallery(_ document: GalleryDocument, strings: PortalStrings, publicURL: String?) -> String {
        let base = publicURL.flatMap(base)
        let path = "/galleries/" + document.slug + strings.locale.query
        let description = summary(document.summary ?? document.items.first?.caption ?? document.title)
        var tags = common(
            title: document.title, description: description, canonical: base.map { $0 + path }, strings: strings)
        if let base, let cover = document.items.first, let image = previewImage(cover) {
            tags += imageTags(
                url: base + image.url, width: image.width, height: image.height, alt: cover.alt ?? document.title)
        }
        tags += jsonLD(document, base: base, canonical: base.map { $0 + path }, description: description)
        return tags
    }

    static func list(_ list: GalleryList, strings: PortalStrings, publicURL: String?) -> String {
        let base = publicURL.flatMap(base)
        let path = "/" + strings.locale.query
        var tags = common(
            title: strings[.galleries] + " – " + strings[.siteName], description: strings[.listDescription],
            canonical: base.map { $0 + path }, strings: strings)
        if let base, let cover = list.galleries.first?.cover, let image = previewImage(cover) {
            tags += imageTags(
                url: base + image.url, width: image.width, height: image.height,
                alt: cover.alt ?? list.galleries[0].title)
        }
        return tags
    }

    private static func common(title: String, description: String, canonical: String?, strings: PortalStrings)
        -> String
    {
        var tags = "<meta name=\"description\"" + HTML.attribute("content", description) + ">\n"
        if let canonical { tags += "<link rel=\"canonical\"" + HTML.attribute("href", canonical) + ">\n" }
        tags += meta("og:type", "website") + meta("og:title", title) + meta("og:description", description)
        tags += meta("og:site_name", strings[.siteName])
        tags += meta("og:locale", strings.locale == .de ? "de_DE" : "en_GB")
        if let canonical { tags += meta("og:url", canonical) }
        tags += "<meta name=\"twitter:card\" content=\"summary_large_image\">\n"
        return tags
    }

    private static func imageTags(url: String, width: Int, height: Int, alt: String?) -> String {
        var tags = meta("og:image", url) + meta("og:image:type", OutputFormat.jpeg.mime)
        tags += meta("og:image:width", String(width)) + meta("og:image:height", String(height))
        if let alt, !alt.isEmpty {
            tags += meta("og:image:alt", alt)
            tags += "<meta name=\"twitter:image:alt\"" + HTML.attribute("content", alt) + ">\n"
        }
        return tags
    }

    private static func meta(_ property: String, _ content: String) -> String {
        "<meta" + HTML.attribute("property", property) + HTML.attribute("content", content) + ">\n"
    }

    /// The JPEG carousel rendition nearest 1200 px wide (link previews want JPEG; WebP is
    /// not shown everywhere).
    static func previewImage(_ item: GalleryItem) -> RenditionDocument? {
        item.renditions.filter { $0.role == .carousel && $0.format == .jpeg }
            .min { abs($0.width - previewWidth) < abs($1.width - previewWidth) }
    }

    /// The largest JPEG rendition: the image a search engine indexes.
    static func contentImage(_ item: GalleryItem) -> RenditionDocument? {
        item.renditions.filter { $0.role == .carousel && $0.format == .jpeg }.max { $0.width < $1.width }
    }

    /// `site.publicURL` without a trailing slash, if it is an http(s) URL; `nil` otherwise.
    static func base(_ publicURL: String) -> String? {
        guard let address = RightsTerms.webAddress(publicURL) else { return nil }
        return address.hasSuffix("/") ? String(address.dropLast()) : address
    }

    /// At most about 200 characters, cut at a word.
    static func summary(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        guard line.count > 200 else { return line }
        let cut = line.prefix(200)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
    }

    private static func jsonLD(_ document: GalleryDocument, base: String?, canonical: String?, description: String)
        -> String
    {
        let images = document.items.map { item -> ImageObject in
            let creator =
                item.creator.map { ImageObject.Agent(type: "Person", name: $0) }
                ?? ImageObject.Agent(type: "Organization", name: item.credit)
            return ImageObject(
                contentUrl: base.flatMap { base in contentImage(item).map { base + $0.url } },
                caption: item.caption ?? item.alt ?? document.title, description: item.longDescription,
                creator: creator, creditText: item.credit,
                copyrightNotice: item.copyright ?? item.credit, license: item.license,
                acquireLicensePage: item.acquireLicensePage,
                dateCreated: item.takenAt.map { taken in
                    // A date alone stays a date (schema.org Date), not a midnight.
                    item.takenAtPrecision == .day
                        ? CaptureTime.day(of: taken) : taken.formatted(.iso8601)
                },
                width: .init(value: item.width), height: .init(value: item.height),
                keywords: item.keywords?.joined(separator: ", "),
                contentLocation: item.location.map(ImageObject.Place.init),
                about: item.persons?.map { ImageObject.Agent(type: "Person", name: $0) })
        }
        let gallery = ImageGallery(
            name: document.title, description: description, url: canonical, associatedMedia: images)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(gallery) else { return "" }
        return "<script type=\"application/ld+json\">" + HTML.scriptJSON(String(decoding: data, as: UTF8.self))
            + "</script>\n"
    }

    struct ImageGallery: Encodable {
        var context = "https://schema.org"
        var type = "ImageGallery"
        var name: String
        var description: String
        var url: String?
        var associatedMedia: [ImageObject]

        enum CodingKeys: String, CodingKey {
            case context = "@context", type = "@type", name, description, url, associatedMedia
        }
    }

    struct ImageObject: Encodable {
        var type = "ImageObject"
        var contentUrl: String?
        var caption: String
        var description: String?
        var creator: Agent
        var creditText: String
        var copyrightNotice: String
        var license: String?
        var acquireLicensePage: String?
        /// `YYYY-MM-DD` when only the day is known, else an ISO 8601 instant.
        var dateCreated: String?
        var width: Pixels
        var height: Pixels
        /// IPTC Keywords, comma-separated (schema.org `keywords` Text).
        var keywords: String?
        /// The place shown (IPTC Location Shown).
        var contentLocation: Place?
        /// The people shown (IPTC Person Shown).
        var about: [Agent]?

        /// schema.org `Place` with its `PostalAddress` (addressLocality, addressRegion,
        /// addressCountry: the ISO 3166 code when known, else the name).
        struct Place: Encodable {
            var type = "Place"
            var name: String?
            var address: Address?

            struct Address: Encodable {
                var type = "PostalAddress"
                var addressLocality: String?
                var addressRegion: String?
                var addressCountry: String?
                enum CodingKeys: String, CodingKey {
                    case type = "@type", addressLocality, addressRegion, addressCountry
                }
            }

            init(_ location: PhotoLocation) {
                name = location.sublocation ?? location.city
                let address = Address(
                    addressLocality: location.city, addressRegion: location.region,
                    addressCountry: location.countryCode ?? location.country)
                self.address =
                    address.addressLocality == nil && address.addressRegion == nil && address.addressCountry == nil
                    ? nil : address
            }

            enum CodingKeys: String, CodingKey { case type = "@type", name, address }
        }

        struct Agent: Encodable {
            var type: String
            var name: String
            enum CodingKeys: String, CodingKey { case type = "@type", name }
        }

        /// A length in pixels (UN/CEFACT unit code E37), as schema.org's `width` wants it.
        struct Pixels: Encodable {
            var type = "QuantitativeValue"
            var value: Int
            var unitCode = "E37"
            enum CodingKeys: String, CodingKey { case type = "@type", value, unitCode }
        }

        enum CodingKeys: String, CodingKey {
            case type = "@type", contentUrl, caption, description, creator, creditText, copyrightNotice, license,
                acquireLicensePage, dateCreated, width, height, keywords, contentLocation, about
        }
    }
}
