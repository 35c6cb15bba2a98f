import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

/// Metadata as MWG reconciles it (Guidelines for Handling Image Metadata 2.0; exiftool's
/// `-use MWG` composites are the reference), read from files the tests build.
@Suite("MWG reconciliation, capture time, metadata outside JPEG")
struct MetadataWorkingGroupTests {
    let probe = ImageProbe(limits: IngestLimits())
    let binder = MetadataBinder(houseCredit: "© MWIDE NRW/E. Lichtenscheidt")
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func jpeg(iptcCaption: String?, xmpCaption: String?, digest: IPTCBlock.Digest) -> Data {
        var iptc: IPTCBlock?
        if let iptcCaption {
            var block = IPTCBlock(utf8: true)
            block.add(120, iptcCaption)
            block.digest = digest
            iptc = block
        }
        let xmp = xmpCaption.map { XMPPacket.standard(descriptions: [("x-default", $0)]) }
        return FixtureJPEG(iptc: iptc, xmp: xmp).data
    }

    func caption(_ data: Data) throws -> String? {
        binder.bind(embedded: try probe.probe(data).metadata, sidecar: nil, admin: nil, galleryCredit: nil).caption
    }

    @Test("the IPTC digest (resource 0x0425) decides between XMP and IIM, as exiftool -use MWG does")
    func digestVariants() throws {
        let (iim, xmp) = ("IPTC caption", "XMP-Beschreibung Köln")
        #expect(try caption(jpeg(iptcCaption: iim, xmpCaption: xmp, digest: .none)) == xmp)
        #expect(try caption(jpeg(iptcCaption: iim, xmpCaption: xmp, digest: .matching)) == xmp)
        #expect(try caption(jpeg(iptcCaption: iim, xmpCaption: xmp, digest: .stale)) == iim)
        #expect(try caption(jpeg(iptcCaption: iim, xmpCaption: nil, digest: .none)) == iim)
        #expect(try caption(jpeg(iptcCaption: nil, xmpCaption: xmp, digest: .none)) == xmp)
        // IIM cut at its 2,000-byte limit, changed since: XMP's longer text is the whole one.
        let long = String(repeating: "Empfang im Rathaus. ", count: 120)
        let cut = String(long.utf8.prefix(2000))!
        #expect(try caption(jpeg(iptcCaption: cut, xmpCaption: long, digest: .stale)) == TextNormalizer.clean(long))
        #expect(
            try probe.probe(jpeg(iptcCaption: iim, xmpCaption: xmp, digest: .stale)).metadata.iptc.changedSinceXMP
                == true)
        #expect(
            try probe.probe(jpeg(iptcCaption: iim, xmpCaption: xmp, digest: .matching)).metadata.iptc.changedSinceXMP
                == nil)
    }

    func taken(_ data: Data) throws -> Date? {
        CaptureTime.taken(try probe.probe(data).metadata, defaultZone: berlin)
    }

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func precision(_ data: Data) throws -> CaptureTime.Precision? {
        CaptureTime.precision(try probe.probe(data).metadata)
    }

    @Test(
        "capture time: EXIF DateTimeOriginal with sub-seconds › XMP photoshop:DateCreated › IIM 2:55/2:60; never DateTime"
    )
    func captureTime() throws {
        var exif = ExifBlock()
        exif.ascii(0x9003, "2001:01:01 01:11:11", in: .exif)
        exif.ascii(0x9291, "111", in: .exif)
        exif.ascii(0x9011, "+02:00", in: .exif)
        let withSubSeconds = try #require(try taken(FixtureJPEG(exif: exif).data))
        #expect(abs(withSubSeconds.timeIntervalSince(date("2000-12-31T23:11:11Z")) - 0.111) < 0.001)

        var iptc = IPTCBlock(utf8: true)
        iptc.add(55, "20040226")
        iptc.add(60, "143000+0100")
        #expect(try taken(FixtureJPEG(iptc: iptc).data) == date("2004-02-26T13:30:00Z"))
        var dateOnly = IPTCBlock(utf8: true)
        dateOnly.add(55, "20061029")
        #expect(try taken(FixtureJPEG(iptc: dateOnly).data) == date("2006-10-28T22:00:00Z"), "midnight in Berlin")
        // A date alone is a day, not a midnight: its precision says so, and its day is kept.
        #expect(try precision(FixtureJPEG(iptc: dateOnly).data) == .day)
        #expect(CaptureTime.day(of: date("2006-10-28T22:00:00Z")) == "2006-10-29")
        #expect(CaptureTime.day(of: date("2004-02-25T23:00:00Z")) == "2004-02-26")
        #expect(try precision(FixtureJPEG(iptc: iptc).data) == .second)
        #expect(try precision(FixtureJPEG(exif: exif).data) == .second)
        #expect(try precision(FixtureJPEG(xmp: XMPPacket.standard(dateCreated: "2019-03-12")).data) == .day)
        #expect(
            try precision(FixtureJPEG(xmp: XMPPacket.standard(dateCreated: "2019-03-12T10:31+01:00")).data) == .minute)
        #expect(
            try precision(FixtureJPEG(xmp: XMPPacket.standard(dateCreated: "2019-03-12T10:31:00Z")).data) == .second)

        let xmp = XMPPacket.standard(dateCreated: "2019-03-12T10:31:00+01:00")
        #expect(try taken(FixtureJPEG(xmp: xmp).data) == date("2019-03-12T09:31:00Z"))
        // Both: XMP while in sync, IIM when IIM changed since.
        iptc.digest = .stale
        #expect(try taken(FixtureJPEG(iptc: iptc, xmp: xmp).data) == date("2004-02-26T13:30:00Z"))
        iptc.digest = .matching
        #expect(try taken(FixtureJPEG(iptc: iptc, xmp: xmp).data) == date("2019-03-12T09:31:00Z"))

        // IFD0 DateTime is when the file was last edited: no capture time.
        var modified = ExifBlock()
        modified.ascii(0x0132, "2023:02:08 12:24:35")
        #expect(try taken(FixtureJPEG(exif: modified).data) == nil)
        #expect(try taken(Data(FixtureEncoder.encode(.gradient(width: 32, height: 24), as: .tiff))) == nil)
    }

    @Test("PNG (eXIf, iTXt XMP) and WebP (EXIF, XMP chunks) give the readers their metadata")
    func otherContainers() throws {
        var exif = ExifBlock()
        exif.ascii(0x013B, "me")
        exif.ascii(0x9003, "2020:05:04 12:00:00", in: .exif)
        let xmp = XMPPacket.standard(creator: ["Phil Harvey"], rights: "© Land NRW")
        let image = RGBImage.gradient(width: 40, height: 30)
        for (name, bytes) in [
            ("png", FixtureContainer.png(image, exif: exif, xmp: xmp)),
            ("webp", FixtureContainer.webp(image, exif: exif, xmp: xmp)),
        ] {
            let probed = try probe.probe(Data(bytes))
            #expect(probed.width == 40 && probed.height == 30, "\(name) still decodes")
            #expect(probed.metadata.exif.artist == "me", "\(name): EXIF Artist")
            #expect(probed.metadata.xmp.creator == "Phil Harvey", "\(name): XMP dc:creator")
            #expect(probed.metadata.xmp.rights == "© Land NRW", "\(name): XMP dc:rights")
            #expect(
                CaptureTime.taken(probed.metadata, defaultZone: berlin) == date("2020-05-04T10:00:00Z"),
                "\(name): DateTimeOriginal")
        }
        // Only XMP in a PNG: the creator is XMP's.
        let png = FixtureContainer.png(image, xmp: XMPPacket.standard(creator: ["Phil Harvey"]))
        let bound = binder.bind(
            embedded: try probe.probe(Data(png)).metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.creator == "Phil Harvey")
    }

    @Test("IPTC in a big-endian TIFF (tag 33723 as LONGs) and XMP in UTF-16 are read")
    func tiffIPTCAndWideXMP() throws {
        var iptc = IPTCBlock(utf8: true)
        iptc.add(120, "The picture caption")
        iptc.add(80, "I'm the author")
        iptc.add(55, "20040220")
        let tiff = FixtureContainer.bigEndianTIFF(width: 16, height: 12, iptc: iptc)
        let probed = try probe.probe(Data(tiff))
        #expect(probed.width == 16 && probed.format == .tiff)
        #expect(probed.metadata.iptc.captionAbstract == "The picture caption")
        #expect(probed.metadata.iptc.byline == "I'm the author")
        #expect(CaptureTime.taken(probed.metadata, defaultZone: berlin) == date("2004-02-19T23:00:00Z"))

        let packet = XMPPacket.standard(descriptions: [("x-default", "UTF-16 (big-endian) encoded XMP")])
        for encoding in [String.Encoding.utf16BigEndian, .utf16LittleEndian, .utf32BigEndian] {
            let wide = try #require(packet.data(using: encoding))
            let jpeg = JPEGSegments.insert(
                into: FixtureEncoder.encode(.gradient(width: 16, height: 12)),
                app1: [Array("http://ns.adobe.com/xap/1.0/\0".utf8) + Array(wide)])
            #expect(
                try probe.probe(Data(jpeg)).metadata.xmp.description == "UTF-16 (big-endian) encoded XMP",
                "\(encoding)")
        }
    }
}
