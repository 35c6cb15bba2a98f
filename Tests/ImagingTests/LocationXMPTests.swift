import Foundation
import GalleryCore
import Testing

@testable import Imaging

/// The IPTC Extension's Location structure in its XMP forms (IPTC Photo Metadata Standard
/// 2023.2, "Location Shown in the Image"; XMP Part 1 §7.9 short forms): only the first
/// LocationShown counts, never LocationCreated or a field outside both.
@Suite("Location Shown in XMP")
struct LocationXMPTests {
    static func packet(_ body: String) -> [UInt8] {
        Array(
            """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" \
            xmlns:dc="http://purl.org/dc/elements/1.1/">\(body)</rdf:Description></rdf:RDF></x:xmpmeta>
            """.utf8)
    }

    @Test("short forms: attributes on rdf:li and on a nested rdf:Description; the first structure only")
    func shortForms() throws {
        let fields = try #require(
            XMPReader.read(
                Self.packet(
                    """
                    <Iptc4xmpExt:LocationCreated><rdf:Bag><rdf:li Iptc4xmpExt:City="Erstellt"/></rdf:Bag>\
                    </Iptc4xmpExt:LocationCreated>\
                    <Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li Iptc4xmpExt:City="Paderborn" \
                    Iptc4xmpExt:CountryCode="DE"/><rdf:li><rdf:Description Iptc4xmpExt:City="Zweite"/></rdf:li>\
                    </rdf:Bag></Iptc4xmpExt:LocationShown><Iptc4xmpExt:City>Außerhalb</Iptc4xmpExt:City>
                    """)))
        #expect(fields.locationShown == PhotoLocation(city: "Paderborn", countryCode: "DE"))
    }

    @Test("long form after another LocationShown-free property; subjects and persons in order")
    func longForm() throws {
        let fields = try #require(
            XMPReader.read(
                Self.packet(
                    """
                    <dc:subject><rdf:Bag><rdf:li>Kommune</rdf:li><rdf:li>Konferenz</rdf:li></rdf:Bag></dc:subject>\
                    <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Andreas Pinkwart</rdf:li>\
                    <rdf:li>Nadja Boschin-Heinz</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>\
                    <Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType="Resource">\
                    <Iptc4xmpExt:Sublocation>Heinz Nixdorf MuseumsForum</Iptc4xmpExt:Sublocation>\
                    <Iptc4xmpExt:City>Paderborn</Iptc4xmpExt:City></rdf:li>\
                    <rdf:li rdf:parseType="Resource"><Iptc4xmpExt:City>Zweite</Iptc4xmpExt:City></rdf:li>\
                    </rdf:Bag></Iptc4xmpExt:LocationShown>\
                    <Iptc4xmpExt:Event><rdf:Alt><rdf:li xml:lang="x-default">Auftakt</rdf:li></rdf:Alt>\
                    </Iptc4xmpExt:Event>
                    """)))
        #expect(fields.subjects == ["Kommune", "Konferenz"])
        #expect(fields.personsInImage == ["Andreas Pinkwart", "Nadja Boschin-Heinz"])
        #expect(fields.locationShown == PhotoLocation(sublocation: "Heinz Nixdorf MuseumsForum", city: "Paderborn"))
        #expect(fields.event == "Auftakt")
    }
}
