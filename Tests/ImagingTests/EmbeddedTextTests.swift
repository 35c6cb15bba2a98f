import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

@Suite("IPTC and XMP")
struct EmbeddedTextTests {
    let probe = ImageProbe(limits: IngestLimits())

    @Test("IPTC IIM datasets are read: UTF-8 when valid, else Windows-1252 (Latin-1 included)")
    func iptc() throws {
        var latin = IPTCBlock(utf8: false)
        latin.add(120, Array("Gespr".utf8) + [0xE4] + Array("ch in M".utf8) + [0xFC] + Array("nster".utf8))
        latin.add(110, "Foto: Land NRW")
        latin.add(80, "Anna Schmidt")
        latin.add(80, "Ben Ott")
        latin.add(116, "© 2019 MWIDE")
        latin.add(105, "Auftaktkonferenz")
        let metadata = try probe.probe(FixtureJPEG(iptc: latin).data).metadata
        #expect(metadata.iptc.captionAbstract == "Gespräch in Münster")
        #expect(metadata.iptc.credit == "Foto: Land NRW")
        #expect(metadata.iptc.byline == "Anna Schmidt; Ben Ott")
        #expect(metadata.iptc.copyrightNotice == "© 2019 MWIDE")
        #expect(metadata.iptc.headline == "Auftaktkonferenz")

        var utf8 = IPTCBlock(utf8: true)
        utf8.add(120, "Grüße – „Zitat“")
        #expect(try probe.probe(FixtureJPEG(iptc: utf8).data).metadata.iptc.captionAbstract == "Grüße – „Zitat“")
    }

    @Test("IPTC without 1:90 written as Windows-1252 keeps its quotes, dashes and euro signs")
    func iptcWindows1252() throws {
        var block = IPTCBlock(utf8: false)
        // „Grüße“ – Empfang im Kölner Rathaus
        block.add(
            120,
            [0x84] + Array("Gr".utf8) + [0xFC, 0xDF] + Array("e".utf8) + [0x93, 0x20, 0x96]
                + Array(" Empfang im K".utf8) + [0xF6] + Array("lner Rathaus".utf8))
        block.add(
            110,
            Array("Foto: J".utf8) + [0xF6] + Array("rg M".utf8) + [0xFC] + Array("ller ".utf8) + [0x96]
                + Array(" Land NRW".utf8))
        block.add(116, Array("Eintritt 5 ".utf8) + [0x80, 0x85])
        block.add(105, Array("a".utf8) + [0x81] + Array("b".utf8))
        let metadata = try probe.probe(FixtureJPEG(iptc: block).data).metadata
        #expect(metadata.iptc.captionAbstract == "„Grüße“ – Empfang im Kölner Rathaus")
        #expect(metadata.iptc.credit == "Foto: Jörg Müller – Land NRW")
        #expect(metadata.iptc.copyrightNotice == "Eintritt 5 €…")
        #expect(metadata.iptc.headline == "a\u{FFFD}b")
    }

    @Test("an IIM record claiming more bytes than the block holds is dropped, the rest kept")
    func iptcOverrun() throws {
        var block = IPTCBlock(utf8: true)
        block.add(110, "Foto: Land NRW")
        block.add(120, "abgeschnitten")
        let bytes = JPEGSegments.insert(
            into: FixtureEncoder.encode(.gradient(width: 32, height: 32)),
            app13: [block.photoshopResource(lengthOverrun: 500)])
        let metadata = try probe.probe(Data(bytes)).metadata
        #expect(metadata.iptc.credit == "Foto: Land NRW")
        #expect(metadata.iptc.captionAbstract == nil)
    }

    @Test("XMP properties are read, preferring German, then x-default")
    func xmp() throws {
        let packet = XMPPacket.standard(
            descriptions: [
                ("en", "Minister meets the regions"), ("x-default", "Default"), ("de", "Minister trifft die Regionen"),
            ],
            creator: ["E. Lichtenscheidt"], rights: "© MWIDE NRW", credit: "MWIDE NRW/E. Lichtenscheidt",
            headline: "Auftakt", webStatement: "https://www.mwide.nrw/lizenz", altText: "Sechs Personen vor einer Wand")
        let xmp = try probe.probe(FixtureJPEG(xmp: packet).data).metadata.xmp
        #expect(xmp.description == "Minister trifft die Regionen")
        #expect(xmp.creator == "E. Lichtenscheidt")
        #expect(xmp.rights == "© MWIDE NRW")
        #expect(xmp.credit == "MWIDE NRW/E. Lichtenscheidt")
        #expect(xmp.headline == "Auftakt")
        #expect(xmp.webStatement == "https://www.mwide.nrw/lizenz")
        #expect(xmp.altText == "Sechs Personen vor einer Wand")
    }

    @Test("XMP properties written as attributes are read too")
    func xmpAttributes() throws {
        let packet = XMPPacket.wrap("", attributes: #"photoshop:Credit="Foto: Land NRW" photoshop:Headline="Kurz""#)
        let xmp = try probe.probe(FixtureJPEG(xmp: packet).data).metadata.xmp
        #expect(xmp.credit == "Foto: Land NRW")
        #expect(xmp.headline == "Kurz")
    }

    @Test("XMP with entity declarations (external entities, billion laughs) is refused, the image still probes")
    func hostileXMP() throws {
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
            """ + XMPPacket.standard(descriptions: [("x-default", "&d;")])
        let external = """
            <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
            """ + XMPPacket.standard(descriptions: [("x-default", "&e;")])
        for packet in [laughs, external] {
            let probed = try probe.probe(FixtureJPEG(xmp: packet).data)
            #expect(probed.metadata.xmp == XMPFields())
        }
    }

    @Test("a caption with markup, quotes and NUL bytes is kept as plain text")
    func hostileText() throws {
        var exif = ExifBlock()
        exif.ascii(0x010E, Array("<script>alert(\"x\")</script> \\\" '".utf8))
        let caption = try probe.probe(FixtureJPEG(exif: exif).data).metadata.exif.imageDescription
        #expect(caption == "<script>alert(\"x\")</script> \\\" '")
    }
}
