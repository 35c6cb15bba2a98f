import Foundation
import GalleryCore
import GalleryFixtures
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

@Suite("HTML escaping")
struct HTMLEscapingTests {
    @Test("the five markup characters are escaped, everything else is kept")
    func escapesMarkup() {
        #expect(HTML.escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTML.escape("Tom & \"Jerry\" 'n'") == "Tom &amp; &quot;Jerry&quot; &#39;n&#39;")
        #expect(
            HTML.escape("© MWIDE NRW/E. Lichtenscheidt – Düsseldorf") == "© MWIDE NRW/E. Lichtenscheidt – Düsseldorf")
        #expect(HTML.escape("&amp;") == "&amp;amp;")
    }

    @Test("a quote or bracket followed by a combining mark is escaped too (scalars, not characters)")
    func combiningMarks() {
        // As Characters, "\"\u{0301}" is one grapheme that is not equal to "\"".
        #expect(HTML.escape("x\"\u{0301} onload=alert(1)") == "x&quot;\u{0301} onload=alert(1)")
        #expect(HTML.escape("<\u{0338}script>") == "&lt;\u{0338}script&gt;")
    }

    @Test("an attribute value cannot be left through a quote")
    func attributes() {
        #expect(HTML.attribute("alt", "x\" onerror=\"alert(1)") == " alt=\"x&quot; onerror=&quot;alert(1)\"")
        #expect(HTML.attribute("alt", nil) == "")
    }

    @Test("a JSON data block cannot be closed from inside")
    func scriptJSON() {
        let json = HTML.scriptJSON(#"{"a":"</script><script>alert(1)</script>"}"#)
        #expect(!json.contains("<"))
        #expect(json.contains(#"\u003c/script\u003e"#))
    }

    @Test("every text exists in German and English, and the German one is the default")
    func strings() {
        let german = PortalStrings(locale: PortalLocale(query: nil))
        let english = PortalStrings(locale: PortalLocale(query: "en"))
        #expect(german[.loadOnce] == "Einmal laden")
        #expect(german.format(.allowAlways, ["service": "YouTube"]) == "Immer für YouTube erlauben")
        #expect(german.format(.position, ["position": "1", "count": "6"]) == "1 von 6")
        #expect(english.format(.position, ["position": "1", "count": "6"]) == "1 of 6")
        for key in PortalStrings.Key.allCases {
            let texts = PortalStrings.table[key]
            #expect(texts?.de.isEmpty == false && texts?.en.isEmpty == false, "no text for \(key)")
        }
    }
}

@Suite("The portal pages", .timeLimit(.minutes(5)))
struct PortalTests {
    static let hostileCaption = "Von links: <img src=x onerror=alert(1)> & \"Gäste\""

    func withPortal(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let env = try TestEnvironment()
        try env.write(
            "Auftakt Düsseldorf/eins.jpg",
            photo(caption: Array(Self.hostileCaption.utf8), takenAt: "2019:03:12 10:01:00"))
        try env.write("Auftakt Düsseldorf/zwei.jpg", photo(takenAt: "2019:03:12 10:02:00", width: 600, height: 800))
        _ = try await env.pass()
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path), readiness: Readiness())
        let app = Application(router: server.router())
        try await app.test(.router) { client in try await body(client) }
    }

    @Test("the gallery page lists every image as a figure with caption and credit, escaped")
    func galleryPage() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/galleries/auftakt-duesseldorf", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"de\""))
                #expect(html.components(separatedBy: "<figure>").count == 3)
                #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Gäste&quot;"))
                #expect(!html.contains("<img src=x"))
                #expect(html.contains("© MWIDE NRW/E. Lichtenscheidt"))
                #expect(html.contains(">1 von 2<"))
                #expect(html.contains("Vorheriges Bild") && html.contains("Nächstes Bild"))
                #expect(
                    html.contains(
                        "Datenfeeds von sozialen Netzwerken dauerhaft aktivieren und Datenübertragung zustimmen"))
                #expect(!html.contains(" style="))
                #expect(!html.contains("<script>"))
            }
        }
    }

    @Test("a date alone stays a date: takenAtPrecision day in the JSON, a schema.org Date in JSON-LD")
    func dateAlone() async throws {
        let env = try TestEnvironment()
        var iptc = IPTCBlock(utf8: true)
        iptc.add(55, "20040226")  // exiftool's IPTC.jpg: a date, no time
        try env.write("Tag/datum.jpg", FixtureJPEG(image: .gradient(width: 320, height: 240), iptc: iptc).data)
        try env.write("Tag/zeit.jpg", photo(takenAt: "2019:03:12 10:01:00"))
        _ = try await env.pass()
        let server = GalleryServer(
            catalog: env.catalog, settings: ServerSettings(dataDirectory: env.data.path), readiness: Readiness())
        try await Application(router: server.router()).test(.router) { client in
            try await client.execute(uri: "/api/v1/galleries/tag", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("\"takenAt\":\"2004-02-25T23:00:00Z\""), "the instant stays, for compatibility")
                #expect(text.contains("\"takenAtPrecision\":\"day\""))
                #expect(text.contains("\"takenAtPrecision\":\"second\""))
            }
            try await client.execute(uri: "/galleries/tag", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("\"dateCreated\":\"2004-02-26\""), "the day, not 23:00 the day before")
                #expect(html.contains("\"dateCreated\":\"2019-03-12T09:01:00Z\""))
            }
        }
    }

    @Test("each picture offers every format with srcset and sizes, its size set, lazy beyond the first")
    func pictures() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/galleries/auftakt-duesseldorf", method: .get) { response in
                let html = String(buffer: response.body)
                let slides = html.components(separatedBy: "class=\"slide\"").dropFirst()
                #expect(slides.count == 2)
                for (index, slide) in slides.enumerated() {
                    #expect(slide.contains("<source type=\"image/webp\" srcset=\"/renditions/"))
                    #expect(slide.contains(" 320w, /renditions/"))
                    #expect(slide.contains("sizes=\"(min-width: 62rem) 60rem, 100vw\""))
                    #expect(slide.contains(".jpg 320w, /renditions/"))
                    #expect(slide.contains("loading=\"lazy\"") == (index > 0))
                    #expect(slide.contains("data-color=\"#"))
                }
                #expect(slides.first?.contains("width=\"800\" height=\"600\"") == true)
                #expect(slides.last?.contains("width=\"600\" height=\"800\"") == true)
            }
        }
    }

    @Test("English is one query parameter away")
    func english() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/galleries/auftakt-duesseldorf?lang=en", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"en\""))
                #expect(html.contains(">1 of 2<"))
                #expect(html.contains("href=\"/galleries/auftakt-duesseldorf\" lang=\"de\""))
            }
        }
    }

    @Test("every HTML answer carries the CSP without unsafe-inline and the other security headers")
    func securityHeaders() async throws {
        try await withPortal { client in
            for uri in ["/galleries/auftakt-duesseldorf", "/galleries/none", "/admin"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let csp = try #require(response.headers[.contentSecurityPolicy])
                    #expect(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"))
                    #expect(csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'self'"))
                    #expect(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"))
                    #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[PortalHeader.referrerPolicy] == "no-referrer")
                }
            }
        }
    }

    @Test("an unknown gallery is a 404 page in HTML")
    func notFound() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/galleries/none", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("Galerie nicht gefunden"))
            }
        }
    }

    @Test("with a single gallery, / leads to it")
    func root() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/?lang=en", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/galleries/auftakt-duesseldorf?lang=en")
            }
        }
    }

    @Test("the portal's files are served with their type, an ETag and 304 on revalidation")
    func assets() async throws {
        try await withPortal { client in
            let etag = try await client.execute(uri: "/assets/portal.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(String(buffer: response.body).contains("textContent"))
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/assets/portal.js", method: .get, headers: [.ifNoneMatch: etag]) {
                #expect($0.status == .notModified)
            }
            for (name, type) in [
                ("portal.css", "text/css"), ("admin.js", "text/javascript"), ("icon.svg", "image/svg+xml"),
            ] {
                try await client.execute(uri: "/assets/" + name, method: .head) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix(type) == true)
                }
            }
            for uri in ["/assets/../openapi.yaml", "/assets/%2e%2e%2fopenapi.yaml", "/assets/missing.js"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound) }
            }
        }
    }

    @Test("the admin page is a shell that keeps nothing but loads admin.js")
    func adminPage() async throws {
        try await withPortal { client in
            try await client.execute(uri: "/admin", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                let html = String(buffer: response.body)
                #expect(html.contains("<script type=\"module\" src=\"/assets/admin.js\">"))
            }
        }
    }
}
