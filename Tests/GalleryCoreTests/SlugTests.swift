import GalleryCore
import Testing

@Suite("Gallery slugs")
struct SlugTests {
    @Test(
        "folder names become slugs as API.md specifies",
        arguments: [
            ("probe", "probe"),
            ("Auftaktkonferenz Modellkommunen", "auftaktkonferenz-modellkommunen"),
            ("Übergabe in Düsseldorf – Straße", "uebergabe-in-duesseldorf-strasse"),
            ("  --Mehr   Bilder!!  ", "mehr-bilder"),
            ("2019_03 Förderbescheide", "2019-03-foerderbescheide"),
        ])
    func folderNameToSlug(folder: String, slug: String) {
        #expect(Slug(folderName: folder).value == slug)
    }

    @Test("decomposed umlauts (as macOS writes file names) give the same slug")
    func decomposedUmlauts() {
        let decomposed = "Mu\u{0308}nster"
        #expect(Slug(folderName: decomposed).value == "muenster")
    }

    @Test("a slug from a sidecar is accepted only in canonical form")
    func validatingSlug() {
        #expect(Slug(validating: "digitale-modellkommunen")?.value == "digitale-modellkommunen")
        #expect(Slug(validating: "Digitale Modellkommunen") == nil)
        #expect(Slug(validating: "../etc") == nil)
        #expect(Slug(validating: "") == nil)
    }
}
