import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

@Suite("Rendering renditions")
struct RenditionRendererTests {
    let settings = RenditionSettings()
    var renderer: RenditionRenderer { RenditionRenderer(settings: settings) }
    let probe = ImageProbe(limits: IngestLimits())
    let credit = EmbeddedRights(
        artist: "E. Lichtenscheidt", copyright: "© MWIDE NRW/E. Lichtenscheidt", credit: "© MWIDE NRW/E. Lichtenscheidt"
    )

    @Test("every EXIF orientation is shown upright", arguments: 1...8)
    func orientation(orientation: Int) throws {
        var exif = ExifBlock()
        exif.short(0x0112, UInt16(orientation))
        let file = FixtureJPEG(
            image: RGBImage.orientationCard(width: 720, height: 480).stored(forOrientation: orientation), exif: exif)
        let plan = settings.plan(sourceWidth: 720, sourceHeight: 480)
        let rendered = try renderer.render(file.data, plan: plan, rights: credit)
        let largest = try #require(rendered.renditions.first { $0.spec.width == 720 && $0.spec.format == .jpeg })
        let decoded = DecodedImage(largest.data)
        #expect(decoded.width == 720 && decoded.height == 480)
        #expect(decoded.dominant(atEighth: 0, 0) == "red")
        #expect(decoded.dominant(atEighth: 8, 0) == "green")
        #expect(decoded.dominant(atEighth: 0, 8) == "blue")
        #expect(decoded.dominant(atEighth: 8, 8) == "grey")
    }

    @Test("renditions have the planned sizes and are never upscaled")
    func sizes() throws {
        // 2400 wide: the 2048 rendition is 1365 (1365.3) high; deriving 1600 from it would
        // give 1066, the original's aspect ratio gives 1067.
        let file = FixtureJPEG(image: .gradient(width: 2400, height: 1600))
        let plan = settings.plan(sourceWidth: 2400, sourceHeight: 1600)
        let rendered = try renderer.render(file.data, plan: plan, rights: credit)
        #expect(rendered.renditions.count == plan.count)
        for rendition in rendered.renditions {
            let decoded = DecodedImage(rendition.data)
            #expect(decoded.width == rendition.spec.width)
            #expect(decoded.width == rendition.width && decoded.height == rendition.height)
            #expect(decoded.width <= 2400)
            // Heights follow the source's own aspect ratio (as a thumbnail of the original would).
            #expect(decoded.height == Int((1600.0 * Double(decoded.width) / 2400.0).rounded()))
        }
    }

    @Test(
        "a rendition carries the credit and nothing of the original's metadata: no GPS, no maker, no IPTC, no XMP but the rights"
    )
    func metadataReset() throws {
        var exif = ExifBlock()
        exif.ascii(0x010F, "Canon")
        exif.ascii(0x0110, "Canon EOS 40D")
        exif.ascii(0x013B, "Someone Else")
        exif.ascii(0xA431, "SERIAL-1234567", in: .exif)
        exif.bytes(0x927C, Array(repeating: 0x42, count: 64), type: 7, in: .exif)
        exif.gps(latitude: 51.2277, longitude: 6.7735)
        var iptc = IPTCBlock(utf8: true)
        iptc.add(120, "IPTC caption")
        let file = FixtureJPEG(
            image: .gradient(width: 400, height: 300), exif: exif, iptc: iptc,
            xmp: XMPPacket.standard(creator: ["XMP Creator"]))
        let rendered = try renderer.render(
            file.data, plan: settings.plan(sourceWidth: 400, sourceHeight: 300), rights: credit)
        for rendition in rendered.renditions {
            let metadata = try probe.probe(rendition.data).metadata
            #expect(metadata.exif.copyright == "© MWIDE NRW/E. Lichtenscheidt")
            #expect(metadata.exif.artist == "E. Lichtenscheidt")
            #expect(!metadata.exif.hasGPS)
            #expect(metadata.exif.make == nil && metadata.exif.model == nil)
            #expect(metadata.iptc == IPTCFields())
            // The fresh XMP holds the bound credit, not the original's creator.
            #expect(
                metadata.xmp
                    == XMPFields(
                        creator: "E. Lichtenscheidt", rights: "© MWIDE NRW/E. Lichtenscheidt",
                        credit: "© MWIDE NRW/E. Lichtenscheidt"))
            let bytes = [UInt8](rendition.data)
            #expect(!bytes.contains(subsequence: Array("XMP Creator".utf8)))
            #expect(!bytes.contains(subsequence: Array("SERIAL-1234567".utf8)))
            #expect(!bytes.contains(subsequence: Array("Canon".utf8)))
            #expect(!bytes.contains(subsequence: Array("Someone Else".utf8)))
        }
    }

    @Test("a CMYK JPEG becomes 3-band sRGB")
    func cmyk() throws {
        let data = Data(FixtureEncoder.cmykJPEG(.orientationCard(width: 300, height: 200)))
        let rendered = try renderer.render(
            data, plan: settings.plan(sourceWidth: 300, sourceHeight: 200), rights: credit)
        for rendition in rendered.renditions {
            let decoded = DecodedImage(rendition.data)
            #expect(decoded.bands == 3)
            #expect(decoded.interpretation == "srgb")
            #expect(decoded.dominant(atEighth: 0, 0) == "red")
        }
    }

    @Test("an image in Display P3 is converted to sRGB; an untagged image keeps its colours exactly")
    func colourManagement() throws {
        let flat = RGBImage(width: 200, height: 100, fill: (30, 90, 160))
        for data in [Data(FixtureEncoder.displayP3JPEG(flat)), FixtureJPEG(image: flat).data] {
            let rendered = try renderer.render(
                data, plan: settings.plan(sourceWidth: 200, sourceHeight: 100), rights: credit)
            let jpeg = try #require(rendered.renditions.first { $0.spec.format == .jpeg })
            let color = DecodedImage(jpeg.data).color(atEighth: 4, 4)
            #expect(abs(color[0] - 30) <= 4 && abs(color[1] - 90) <= 4 && abs(color[2] - 160) <= 4, "\(color)")
        }
    }

    @Test(
        "PNG, WebP, TIFF and GIF sources render to the same web formats",
        arguments: [FixtureEncoder.Format.png, .webp, .tiff, .gif])
    func otherSources(format: FixtureEncoder.Format) throws {
        let data = Data(FixtureEncoder.encode(.orientationCard(width: 360, height: 240), as: format))
        let rendered = try renderer.render(
            data, plan: settings.plan(sourceWidth: 360, sourceHeight: 240), rights: credit)
        #expect(rendered.renditions.map(\.spec.format).contains(.webp))
        #expect(DecodedImage(rendered.renditions.last!.data).dominant(atEighth: 0, 0) == "red")
    }

    @Test("with burnCredit on, carousel renditions show the credit; thumbnails stay clean")
    func burnedCredit() throws {
        let file = FixtureJPEG(image: RGBImage(width: 900, height: 600, fill: (120, 130, 140)))
        let plain = try renderer.render(
            file.data, plan: settings.plan(sourceWidth: 900, sourceHeight: 600), rights: credit)
        var burning = settings
        burning.burnCredit = true
        let burned = try RenditionRenderer(settings: burning).render(
            file.data, plan: burning.plan(sourceWidth: 900, sourceHeight: 600), rights: credit)
        #expect(burning.fingerprint != settings.fingerprint)
        for (before, after) in zip(plain.renditions, burned.renditions) {
            #expect(before.spec == after.spec)
            #expect((before.data != after.data) == (after.spec.role == .carousel), "\(after.spec)")
        }
        let largest = try #require(burned.renditions.first { $0.spec.width == 900 && $0.spec.format == .jpeg })
        try largest.data.write(to: URL(fileURLWithPath: NSTemporaryDirectory() + "/galleryd-burned-credit.jpg"))
    }

    @Test("a truncated JPEG is refused rather than published half grey")
    func truncated() {
        let jpeg = FixtureEncoder.encode(.gradient(width: 800, height: 600))
        let cut = Data(jpeg.prefix(jpeg.count * 2 / 3))
        #expect(throws: (any Error).self) {
            try renderer.render(cut, plan: settings.plan(sourceWidth: 800, sourceHeight: 600), rights: credit)
        }
    }

    @Test("the placeholder's colour is the image's mean colour")
    func placeholder() throws {
        let file = FixtureJPEG(image: RGBImage(width: 200, height: 100, fill: (30, 90, 160)))
        let rendered = try renderer.render(
            file.data, plan: settings.plan(sourceWidth: 200, sourceHeight: 100), rights: credit)
        let color = rendered.placeholder.color
        let channels = stride(from: 1, to: 7, by: 2).map { Int(color.dropFirst($0).prefix(2), radix: 16)! }
        #expect(abs(channels[0] - 30) <= 4 && abs(channels[1] - 90) <= 4 && abs(channels[2] - 160) <= 4, "\(color)")
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { start in
            self[start..<(start + subsequence.count)].elementsEqual(subsequence)
        }
    }
}
