import Foundation
import GalleryCore
import GalleryFixtures
import Testing

@testable import Imaging

@Suite("Rights in every rendition: the XMP packet")
struct RightsXMPTests {
    static let rights = EmbeddedRights(
        artist: "Erika Muster", copyright: "© MWIDE NRW/E. Muster", credit: "© MWIDE NRW/E. Muster",
        webStatement: "https://www.example.nrw/nutzung?a=1&b=2",
        usageTerms: LanguageAlternative(["de": "Nur redaktionell", "en": "Editorial use only"]),
        licensorName: "MWIDE NRW", licensorURL: "https://www.example.nrw/lizenz",
        digitalSourceType: DigitalSourceType.vocabulary + "trainedAlgorithmicMedia")

    /// Exactly the properties galleryd writes, by namespace and name.
    static let expectedProperties: Set<String> = [
        "dc:creator", "dc:rights", "photoshop:Credit", "xmpRights:WebStatement", "xmpRights:UsageTerms",
        "plus:Licensor", "Iptc4xmpExt:DigitalSourceType",
    ]

    @Test(
        "hostile values (quotes, <, ]]>, control characters, 8,000 characters) keep the packet well-formed and round-trip"
    )
    func hostileValues() throws {
        let long = String(repeating: "Nutzung nur mit Quellenangabe. ", count: 260).prefix(8000)
        let nasty = "\"quoted\" <b>bold</b> & ]]> 'single' \u{1}\u{8}\u{B}\u{C}\u{1B}\u{7F}\u{FFFE} Ende"
        let rights = EmbeddedRights(
            artist: nasty, copyright: "©\u{0} " + nasty, credit: nasty, webStatement: "https://x.example/?q=<a>&\"",
            usageTerms: LanguageAlternative(["de": String(long), "en": nasty]), licensorName: nasty,
            licensorURL: "https://x.example/]]>", digitalSourceType: "https://x.example/'\"")
        let packet = XMPWriter.packet(for: rights)
        let parsed = try Self.parse(packet)
        #expect(parsed.properties == Self.expectedProperties)
        let read = try #require(XMPReader.read(packet))
        // The control characters and U+FFFE are dropped; the text around them stays.
        let clean = "\"quoted\" <b>bold</b> & ]]> 'single'  Ende"
        #expect(read.creator == clean)
        #expect(read.credit == clean)
        #expect(read.licensorName == clean)
        #expect(read.webStatement == "https://x.example/?q=<a>&\"")
        #expect(read.licensorURL == "https://x.example/]]>")
        #expect(read.digitalSourceType == "https://x.example/'\"")
        #expect(read.usageTerms?.values["de"]?.count == TextNormalizer.clean(String(long))?.count)
        #expect(read.usageTerms?.values["en"] == clean)
    }

    @Test("every rendition format carries one XMP packet with exactly the rights properties and their values")
    func everyFormat() throws {
        var exif = ExifBlock()
        exif.gps(latitude: 51.2277, longitude: 6.7735)
        let source = FixtureJPEG(
            image: .gradient(width: 640, height: 400), exif: exif,
            xmp: XMPPacket.wrap(
                "<dc:creator><rdf:Seq><rdf:li>Original</rdf:li></rdf:Seq></dc:creator>",
                attributes: "xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\" xmpMM:DocumentID=\"xmp.did:42\""))
        let settings = RenditionSettings(thumbnailWidth: 160, carouselWidths: [320], formats: [.jpeg, .webp, .avif])
        let rendered = try RenditionRenderer(settings: settings).render(
            source.data, plan: settings.plan(sourceWidth: 640, sourceHeight: 400), rights: Self.rights)
        #expect(rendered.renditions.count == 6)
        for rendition in rendered.renditions {
            let packets = XMPProperties.packets(in: [UInt8](rendition.data))
            #expect(packets.count == 1, "\(rendition.spec.fileName)")
            let packet = try #require(packets.first, "\(rendition.spec.fileName)")
            let parsed = try Self.parse(packet)
            #expect(parsed.properties == Self.expectedProperties, "\(rendition.spec.fileName)")
            let fields = try #require(XMPReader.read(packet))
            #expect(fields.creator == "Erika Muster")
            #expect(fields.rights == "© MWIDE NRW/E. Muster")
            #expect(fields.credit == "© MWIDE NRW/E. Muster")
            #expect(fields.webStatement == "https://www.example.nrw/nutzung?a=1&b=2")
            #expect(
                fields.usageTerms
                    == LanguageAlternative([
                        "x-default": "Nur redaktionell", "de": "Nur redaktionell", "en": "Editorial use only",
                    ]))
            #expect(fields.licensorName == "MWIDE NRW")
            #expect(fields.licensorURL == "https://www.example.nrw/lizenz")
            #expect(fields.digitalSourceType == DigitalSourceType.vocabulary + "trainedAlgorithmicMedia")
            #expect(!parsed.text.contains("xmp.did:42") && !parsed.text.contains("Original"))
        }
    }

    @Test(
        "usage terms in 20 languages × 8,000 characters: the JPEG keeps its rights XMP, the languages left out are named"
    )
    func oversizedUsageTerms() throws {
        var rights = Self.rights
        let languages = [
            "de", "en", "fr", "it", "es", "nl", "pl", "cs", "da", "sv", "fi", "pt", "el", "hu", "ro", "sk",
            "sl", "hr", "bg", "et",
        ]
        rights.usageTerms = LanguageAlternative(
            Dictionary(uniqueKeysWithValues: languages.map { ($0, String(repeating: "Nutzung \($0) ", count: 800)) }))
        let source = FixtureJPEG(image: .gradient(width: 640, height: 400))
        let settings = RenditionSettings(thumbnailWidth: 160, carouselWidths: [320], formats: [.jpeg])
        let rendered = try RenditionRenderer(settings: settings).render(
            source.data, plan: settings.plan(sourceWidth: 640, sourceHeight: 400), rights: rights)
        #expect(rendered.warnings.contains { $0.contains("left out of the renditions' XMP") }, "\(rendered.warnings)")
        for rendition in rendered.renditions {
            let packet = try #require(XMPProperties.packets(in: [UInt8](rendition.data)).first, "the XMP was lost")
            #expect(packet.count <= 65_000)
            let fields = try #require(XMPReader.read(packet))
            #expect(fields.creator == "Erika Muster" && fields.licensorName == "MWIDE NRW", "every other right kept")
            #expect(fields.usageTerms?.values["de"]?.hasPrefix("Nutzung de") == true)
        }
    }

    @Test("the print download: original size, 8-bit sRGB JPEG, the same EXIF and XMP rights, no GPS")
    func download() throws {
        var exif = ExifBlock()
        exif.gps(latitude: 51.2277, longitude: 6.7735)
        exif.ascii(0x010F, "Canon")
        exif.short(0x0112, 6)  // stored sideways: the download is upright
        let source = FixtureJPEG(image: .noisy(width: 1200, height: 800, seed: 3), exif: exif).data
        let settings = RenditionSettings(download: DownloadSettings(quality: 92))
        let spec = try #require(settings.download.spec(sourceWidth: 800, sourceHeight: 1200))
        let download = try RenditionRenderer(settings: settings).renderDownload(source, spec: spec, rights: Self.rights)
        #expect(download.width == 800 && download.height == 1200)
        let probed = try ImageProbe(limits: IngestLimits()).probe(download.data)
        #expect(probed.format == .jpeg && probed.width == 800 && probed.height == 1200)
        #expect(!probed.metadata.exif.hasGPS)
        #expect(probed.metadata.exif.make == nil)
        #expect(probed.metadata.exif.artist == "Erika Muster")
        #expect(probed.metadata.exif.copyright == "© MWIDE NRW/E. Muster")
        let packet = try #require(XMPProperties.packets(in: [UInt8](download.data)).first)
        #expect(try Self.parse(packet).properties == Self.expectedProperties)
    }

    static func parse(_ packet: [UInt8]) throws -> (properties: Set<String>, text: String) {
        (try XMPProperties.parse(packet), String(decoding: packet, as: UTF8.self))
    }
}
