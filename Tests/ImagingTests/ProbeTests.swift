import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

@Suite("Probing headers and metadata")
struct ProbeTests {
    let probe = ImageProbe(limits: IngestLimits())

    @Test("upright size follows the EXIF orientation", arguments: 1...8)
    func uprightSize(orientation: Int) throws {
        var exif = ExifBlock()
        exif.short(0x0112, UInt16(orientation))
        let upright = RGBImage.orientationCard(width: 300, height: 200)
        let file = FixtureJPEG(image: upright.stored(forOrientation: orientation), exif: exif)
        let probed = try probe.probe(file.data)
        #expect(probed.width == 300)
        #expect(probed.height == 200)
        #expect(probed.orientation == orientation)
    }

    @Test("EXIF text in Latin-1 and UTF-8 is decoded with its umlauts")
    func exifText() throws {
        var exif = ExifBlock()
        exif.ascii(
            0x010E, Array("Oberb".utf8) + [0xFC] + Array("rgermeister in D".utf8) + [0xFC] + Array("sseldorf".utf8))
        exif.ascii(0x013B, "Jürgen Weiß")
        exif.ascii(0x8298, Array("Foto: E. Lichtenscheidt".utf8) + [0] + Array("Redaktion: MWIDE".utf8))
        exif.ascii(0x010F, "NIKON CORPORATION")
        exif.ascii(0x9003, "2019:03:12 10:31:00", in: .exif)
        exif.gps(latitude: 51.2277, longitude: 6.7735)
        let metadata = try probe.probe(FixtureJPEG(exif: exif).data).metadata
        #expect(metadata.exif.imageDescription == "Oberbürgermeister in Düsseldorf")
        #expect(metadata.exif.artist == "Jürgen Weiß")
        #expect(metadata.exif.copyright == "Foto: E. Lichtenscheidt / Redaktion: MWIDE")
        #expect(metadata.exif.make == "NIKON CORPORATION")
        #expect(metadata.exif.dateTimeOriginal == "2019:03:12 10:31:00")
        #expect(metadata.exif.hasGPS)
    }

    @Test("EXIF text in Windows-1252 keeps „ “ – € and …: description, artist, copyright, UserComment")
    func exifWindows1252() throws {
        var exif = ExifBlock()
        exif.ascii(0x010E, [0x84] + Array("Gr".utf8) + [0xFC, 0xDF, 0x65, 0x93, 0x20, 0x96, 0x20, 0x85])
        exif.ascii(0x013B, Array("J".utf8) + [0xF6] + Array("rg M".utf8) + [0xFC] + Array("ller".utf8))
        exif.ascii(0x8298, Array("Foto: Land NRW ".utf8) + [0x96] + [0] + Array("Preis 5 ".utf8) + [0x80])
        exif.bytes(0x9286, Array("ASCII\0\0\0".utf8) + [0x84] + Array("Zitat".utf8) + [0x93], type: 7, in: .exif)
        let metadata = try probe.probe(FixtureJPEG(exif: exif).data).metadata
        #expect(metadata.exif.imageDescription == "„Grüße“ – …")
        #expect(metadata.exif.artist == "Jörg Müller")
        #expect(metadata.exif.copyright == "Foto: Land NRW – / Preis 5 €")
        #expect(metadata.exif.userComment == "„Zitat“")
    }

    @Test("UserComment with its charset prefix and Windows XP tags are read")
    func windowsAndUserComment() throws {
        var exif = ExifBlock()
        exif.userComment("Grüße aus Münster", unicode: true)
        exif.windowsText(0x9C9B, "Titel äöü")
        exif.windowsText(0x9C9D, "Björn")
        let metadata = try probe.probe(FixtureJPEG(exif: exif).data).metadata
        #expect(metadata.exif.userComment == "Grüße aus Münster")
        #expect(metadata.exif.xpTitle == "Titel äöü")
        #expect(metadata.exif.xpAuthor == "Björn")
    }

    @Test("a looping IFD chain is read once, without hanging")
    func loopingIFD() throws {
        var exif = ExifBlock()
        exif.ascii(0x010E, "Schleife")
        let bytes = JPEGSegments.insert(
            into: FixtureEncoder.encode(.gradient(width: 32, height: 32)), app1: [exif.encoded(loopingIFD: true)])
        let metadata = try probe.probe(Data(bytes)).metadata
        #expect(metadata.exif.imageDescription == "Schleife")
    }

    @Test("files that are not acceptable images are refused with a clear reason")
    func badInputs() throws {
        let jpeg = FixtureEncoder.encode(.gradient(width: 64, height: 48))
        let cases: [(String, Data, String)] = [
            ("empty", Data(), "empty-file"),
            ("text named .jpg", Data("Das ist kein Bild.\n".utf8), "unsupported-format"),
            ("truncated JPEG header", Data(jpeg.prefix(40)), "undecodable"),
            (
                "SVG",
                Data(
                    #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#
                        .utf8),
                "unsupported-format"
            ),
            (
                "claims 65000×65000", Data(JPEGSegments.claimingSize(jpeg, width: 65000, height: 65000)),
                "too-many-pixels"
            ),
        ]
        for (name, data, code) in cases {
            #expect(throws: QuarantineReason.self, "\(name)") { try probe.probe(data) }
            do {
                _ = try probe.probe(data)
            } catch {
                #expect(error.code == code, "\(name): \(error.message)")
            }
        }
    }

    @Test("formats can be switched off by configuration")
    func allowedFormats() {
        let pngOnly = ImageProbe(limits: IngestLimits(allowedFormats: [.png]))
        let jpeg = Data(FixtureEncoder.encode(.gradient(width: 16, height: 16)))
        #expect(throws: QuarantineReason.unsupportedFormat(loader: "VipsForeignLoadJpegBuffer")) {
            try pngOnly.probe(jpeg)
        }
    }

    @Test("PNG, WebP, TIFF and GIF sources are probed", arguments: [FixtureEncoder.Format.png, .webp, .tiff, .gif])
    func otherFormats(format: FixtureEncoder.Format) throws {
        let probed = try probe.probe(Data(FixtureEncoder.encode(.gradient(width: 40, height: 30), as: format)))
        #expect(probed.width == 40 && probed.height == 30)
    }
}
