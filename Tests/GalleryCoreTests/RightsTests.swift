import Foundation
import GalleryCore
import Testing

@Suite("Rights: addresses, Digital Source Type, precedence, download names")
struct RightsTests {
    let site = RightsTerms(
        license: "https://www.land.nrw/nutzung", acquireLicensePage: "https://www.land.nrw/lizenz",
        usageTerms: LanguageAlternative(["de": "Nur redaktionell", "en": "Editorial use only"]), licensor: "Land NRW")
    var binder: MetadataBinder { MetadataBinder(houseCredit: "© MWIDE NRW/E. Lichtenscheidt", siteRights: site) }

    @Test(
        "only absolute http(s) URLs are rights addresses",
        arguments: [
            ("https://example.org/lizenz", true), ("http://example.org", true), ("HTTPS://EXAMPLE.ORG/a?b=c", true),
            ("javascript:alert(1)", false), ("data:text/html,x", false), ("/relative", false),
            ("ftp://example.org", false), ("https://", false), ("https://exa mple.org", false),
            ("https://example.org/\u{7}", false), ("mailto:presse@example.org", false), ("", false),
            // Characters RFC 3986 allows nowhere, and broken percent-encoding: refused, not escaped.
            ("https://example.org/\"onmouseover=x", false), ("https://example.org/<script>", false),
            ("https://example.org/a>b", false), ("https://example.org/{x}", false), ("https://example.org/a|b", false),
            ("https://example.org/100%", false), ("https://example.org/%zz", false),
            ("https://example.org/a%20b?q=x&y=1#frag", true), ("https://www.land.nrw/lizenz(2019)!", true),
            ("HtTps://\u{1F60D}\u{ED}", false), ("https://düsseldorf.de/", false),
            ("https://xn--dsseldorf-q9a.de/", true),
        ])
    func webAddress(_ text: String, _ accepted: Bool) {
        #expect((RightsTerms.webAddress(text) != nil) == accepted)
    }

    @Test("a Digital Source Type is a URI or a code of the IPTC vocabulary; the AI kinds are told apart")
    func digitalSourceType() throws {
        let code = try #require(DigitalSourceType(validating: "trainedAlgorithmicMedia"))
        #expect(code.uri == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
        #expect(code.aiDisclosure == .generated)
        let https = try #require(
            DigitalSourceType(validating: "https://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"))
        #expect(https.uri == DigitalSourceType.vocabulary + "compositeSynthetic")
        #expect(https.aiDisclosure == .edited)
        #expect(DigitalSourceType(validating: "compositeWithTrainedAlgorithmicMedia")?.aiDisclosure == .edited)
        #expect(DigitalSourceType(validating: "algorithmicMedia")?.aiDisclosure == .generated)
        #expect(DigitalSourceType(validating: "digitalCapture")?.aiDisclosure == nil)
        for refused in [
            "not a uri", "javascript:alert(1)", "trained-algorithmic", "KI", "aiGenerated", "", "<x>", "</script>",
            "https://example.org/own-vocabulary/x", "http://cv.iptc.org/newscodes/digitalsourcetype/madeUp",
            "http://cv.iptc.org/newscodes/digitalsourcetype/</script>",
        ] {
            #expect(DigitalSourceType(validating: refused) == nil, "\(refused)")
        }
    }

    @Test("usage terms decode from a string or an object of languages; x-default comes first for XMP")
    func languageAlternative() throws {
        let plain = try JSONDecoder().decode(LanguageAlternative.self, from: Data(#""Nur redaktionell""#.utf8))
        #expect(plain.alternatives.map(\.language) == ["x-default"])
        let both = try JSONDecoder().decode(
            LanguageAlternative.self, from: Data(#"{"en": "Editorial use", "DE": "Redaktionell", "b@d": "x"}"#.utf8))
        #expect(both.values == ["de": "Redaktionell", "en": "Editorial use"])
        #expect(both.alternatives.map(\.language) == ["x-default", "de", "en"])
        #expect(both.alternatives[0].text == "Redaktionell")
        #expect(both.text(for: "en") == "Editorial use")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LanguageAlternative.self, from: Data("{}".utf8))
        }
    }

    @Test("rights: admin › sidecar › file › gallery › site, field by field")
    func precedence() {
        var metadata = EmbeddedMetadata()
        metadata.xmp.webStatement = "https://file.example/license"
        metadata.xmp.licensorName = "Datei-Lizenzgeber"
        let gallery = RightsTerms(acquireLicensePage: "https://gallery.example/buy", licensor: "Galerie")
        var bound = binder.bind(
            embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil, galleryRights: gallery)
        #expect(bound.license == "https://file.example/license")
        #expect(bound.acquireLicensePage == "https://gallery.example/buy")
        #expect(bound.licensor == "Datei-Lizenzgeber")
        #expect(bound.usageTerms?.text(for: "en") == "Editorial use only")

        let sidecar = TextOverrides(license: "https://sidecar.example/l", usageTerms: LanguageAlternative("Frei"))
        let admin = TextOverrides(license: "https://admin.example/l")
        bound = binder.bind(
            embedded: metadata, sidecar: sidecar, admin: admin, galleryCredit: nil, galleryRights: gallery)
        #expect(bound.license == "https://admin.example/l")
        #expect(bound.usageTerms?.text(for: "de") == "Frei")
        #expect(bound.embeddedRights.webStatement == "https://admin.example/l")
        #expect(bound.embeddedRights.licensorURL == "https://gallery.example/buy")
    }

    @Test("a file's address that is no http(s) URL is ignored with a warning; the next source wins")
    func hostileFileValues() {
        var metadata = EmbeddedMetadata()
        metadata.xmp.webStatement = "javascript:alert(document.cookie)"
        metadata.xmp.licensorURL = "data:text/html,<script>"
        metadata.xmp.digitalSourceType = "KI generiert"
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.license == site.license)
        #expect(bound.acquireLicensePage == site.acquireLicensePage)
        #expect(bound.digitalSourceType == nil)
        #expect(bound.aiGenerated == false)
        #expect(
            MetadataBinder.ignoredRights(in: metadata) == [
                "xmpRights:WebStatement ignored: not an http(s) address",
                "plus:LicensorURL ignored: not an http(s) address",
                "Iptc4xmpExt:DigitalSourceType ignored: not a URI",
            ])
    }

    @Test("a sidecar's unusable rights values are named, for the log, and not taken")
    func sidecarProblems() {
        var sidecar = GallerySidecar(
            items: [
                "b.jpg": TextOverrides(license: "javascript:alert(1)", digitalSourceType: "KI"),
                "a.jpg": TextOverrides(acquireLicensePage: "https://ok.example/buy"),
            ])
        sidecar.license = "data:text/html,x"
        sidecar.acquireLicensePage = "https://ok.example/lizenz"
        #expect(
            sidecar.rightsProblems == [
                "license ignored: not an http(s) address", "b.jpg: license ignored: not an http(s) address",
                "b.jpg: digitalSourceType ignored: not a URI or IPTC code",
            ])
        #expect(sidecar.rights.validated().terms.license == nil)
        #expect(sidecar.rights.validated().terms.acquireLicensePage == "https://ok.example/lizenz")
    }

    @Test("the Digital Source Type makes an item AI-generated; a person's word overrides it")
    func aiGenerated() {
        var metadata = EmbeddedMetadata()
        metadata.xmp.digitalSourceType = DigitalSourceType.vocabulary + "compositeWithTrainedAlgorithmicMedia"
        var bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.aiGenerated == true)
        #expect(bound.aiDisclosure == .edited)
        bound = binder.bind(
            embedded: metadata, sidecar: TextOverrides(aiGenerated: true), admin: TextOverrides(aiGenerated: false),
            galleryCredit: nil)
        #expect(bound.aiGenerated == false)
        #expect(bound.aiDisclosure == nil)
        bound = binder.bind(
            embedded: EmbeddedMetadata(), sidecar: nil, admin: TextOverrides(aiGenerated: true), galleryCredit: nil)
        #expect(bound.aiDisclosure == .generated)
    }

    @Test("a changed right makes a new rendition variant (new URLs), an unchanged one does not")
    func variantKey() {
        let rights = EmbeddedRights(artist: "A", copyright: "© B", credit: "© B", webStatement: "https://x.example/1")
        var changed = rights
        changed.usageTerms = LanguageAlternative("Nur redaktionell")
        let settings = RenditionSettings()
        let hash = String(repeating: "a", count: 64)
        #expect(
            RenditionVariant(sourceHash: hash, settings: settings, rights: rights).key
                == RenditionVariant(sourceHash: hash, settings: settings, rights: rights).key)
        #expect(
            RenditionVariant(sourceHash: hash, settings: settings, rights: rights).key
                != RenditionVariant(sourceHash: hash, settings: settings, rights: changed).key)
    }

    @Test("download file names: slug, two-digit position, credit; safe in any header and file system")
    func downloadNames() throws {
        #expect(
            DownloadName.fileName(slug: "kabinett", position: 3, credit: "© MWIDE NRW/E. Lichtenscheidt")
                == "kabinett-03-MWIDE-NRW-E.-Lichtenscheidt.jpg")
        let hostile = DownloadName.fileName(slug: "x", position: 12, credit: "\"; filename=evil.exe\r\nSet-Cookie: a")
        #expect(hostile == "x-12-filename-evil.exe-Set-Cookie-a.jpg")
        #expect(DownloadName.asciiFallback("Düsseldorf-Straße.jpg") == "Dusseldorf-Stra-e.jpg")
        let variant = try #require(RenditionVariant(sourceHash: String(repeating: "b", count: 64), key: "0123456789ab"))
        let path = DownloadName.urlPath(of: variant, width: 5120, fileName: "kabinett-01-Müller.jpg")
        #expect(path.hasSuffix("/5120/kabinett-01-M%C3%BCller.jpg"))
        let resolved = try #require(DownloadName.resolve(urlPath: String(path.dropFirst("/downloads/".count))))
        #expect(resolved.fileName == "kabinett-01-Müller.jpg")
        #expect(resolved.diskPath == "bb/\(variant.sourceHash)/0123456789ab/download-5120.jpg")
        for bad in [
            "\(variant.sourceHash)/0123456789ab/05120/x.jpg", "\(variant.sourceHash)/0123456789ab/..%2F/x.jpg",
            "\(variant.sourceHash)/../5120/x.jpg", "\(variant.sourceHash)/0123456789ab/5120",
        ] {
            #expect(DownloadName.resolve(urlPath: bad) == nil, "\(bad)")
        }
        // One letter with 7,990 combining marks is one character but 16 KB: names are
        // bounded in bytes, so the URL stays short enough for any proxy.
        let marks = "a" + String(repeating: "\u{301}", count: 7990)
        let bounded = DownloadName.fileName(slug: "termin", position: 1, credit: "Foto " + marks + " Ende")
        #expect(bounded.utf8.count <= DownloadName.maximumNameBytes + 4, "\(bounded.utf8.count) bytes")
        #expect(DownloadName.urlPath(of: variant, width: 5120, fileName: bounded).utf8.count < 1024)
        let longName = String(repeating: "Düsseldorf-", count: 40)
        #expect(DownloadName.fileName(slug: "s", position: 1, credit: longName).utf8.count <= 154)
        let marksInURL =
            "\(variant.sourceHash)/0123456789ab/5120/"
            + (marks.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        #expect(
            (DownloadName.resolve(urlPath: marksInURL)?.fileName.utf8.count ?? 0) <= DownloadName.maximumNameBytes + 4)
    }

    @Test("the download is the original size unless a longest side is configured; never upscaled")
    func downloadSize() {
        let original = DownloadSettings().spec(sourceWidth: 5120, sourceHeight: 3200)
        #expect(original?.width == 5120 && original?.height == 3200 && original?.role == .download)
        let capped = DownloadSettings(maxLongSide: 2560).spec(sourceWidth: 3200, sourceHeight: 5120)
        #expect(capped?.width == 1600 && capped?.height == 2560)
        #expect(DownloadSettings(maxLongSide: 9000).spec(sourceWidth: 800, sourceHeight: 600)?.width == 800)
    }
}
