import GalleryCore
import Testing

@Suite("Caption and credit binding")
struct MetadataBinderTests {
    let house = "© MWIDE NRW/E. Lichtenscheidt"
    var binder: MetadataBinder { MetadataBinder(houseCredit: house) }

    @Test("a file that names no one gets the house credit")
    func houseCredit() {
        let bound = binder.bind(embedded: EmbeddedMetadata(), sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.credit == house)
        #expect(bound.creditSource == .house)
        #expect(bound.caption == nil)
    }

    @Test("the gallery's default credit beats the house credit")
    func galleryCredit() {
        let bound = binder.bind(embedded: EmbeddedMetadata(), sidecar: nil, admin: nil, galleryCredit: "Foto: Land NRW")
        #expect(bound.credit == "Foto: Land NRW")
        #expect(bound.creditSource == .gallery)
    }

    @Test("EXIF Copyright beats the gallery default; Artist stands in when Copyright is missing")
    func exifCredit() {
        var metadata = EmbeddedMetadata()
        metadata.exif.artist = "E. Lichtenscheidt"
        var bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: "Foto: Land NRW")
        #expect(bound.credit == "E. Lichtenscheidt")
        #expect(bound.creditSource == .exif)
        metadata.exif.copyright = "© E. Lichtenscheidt"
        bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: "Foto: Land NRW")
        #expect(bound.credit == "© E. Lichtenscheidt")
        #expect(bound.creator == "E. Lichtenscheidt")
    }

    @Test("the IPTC/XMP credit line beats EXIF; sidecar beats the file; admin beats everything")
    func precedenceTable() {
        var metadata = EmbeddedMetadata()
        metadata.exif.copyright = "EXIF"
        metadata.iptc.credit = "IPTC"
        #expect(binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: "G").creditSource == .iptc)
        metadata.xmp.credit = "IPTC"
        #expect(binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: "G").creditSource == .xmp)
        let sidecar = TextOverrides(caption: "Sidecar caption", credit: "Sidecar")
        let sidecarBound = binder.bind(embedded: metadata, sidecar: sidecar, admin: nil, galleryCredit: "G")
        #expect(sidecarBound.credit == "Sidecar")
        #expect(sidecarBound.creditSource == .sidecar)
        #expect(sidecarBound.caption == "Sidecar caption")
        let admin = TextOverrides(credit: "Admin")
        let adminBound = binder.bind(embedded: metadata, sidecar: sidecar, admin: admin, galleryCredit: "G")
        #expect(adminBound.credit == "Admin")
        #expect(adminBound.creditSource == .admin)
        // The admin set only the credit: the sidecar's caption still applies.
        #expect(adminBound.caption == "Sidecar caption")
        #expect(adminBound.captionSource == .sidecar)
    }

    @Test("camera boilerplate is not a caption; the XMP/IPTC description is used instead")
    func boilerplateCaption() {
        var metadata = EmbeddedMetadata()
        metadata.exif.imageDescription = "OLYMPUS DIGITAL CAMERA         "
        metadata.iptc.captionAbstract = "Minister Pinkwart in Düsseldorf"
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "Minister Pinkwart in Düsseldorf")
        #expect(bound.captionSource == .iptc)
    }

    @Test("MWG: XMP unless IIM changed since XMP was synchronised; then IIM, unless XMP continues a full IIM value")
    func metadataWorkingGroupReconciliation() {
        var metadata = EmbeddedMetadata()
        metadata.iptc.captionAbstract = "IPTC caption"
        metadata.xmp.description = "XMP-Beschreibung Köln"
        // No digest stored, or a matching one (nil): XMP.
        var bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "XMP-Beschreibung Köln")
        #expect(bound.captionSource == .xmp)
        // A stale digest: an IIM-only tool edited the caption last.
        metadata.iptc.changedSinceXMP = true
        bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "IPTC caption")
        #expect(bound.captionSource == .iptc)
        // ... unless the IIM value fills its 2,000 bytes and XMP goes on where it was cut.
        let long = String(repeating: "Landtag NRW, ", count: 200)
        metadata.xmp.description = long
        metadata.iptc.captionAbstract = String(long.utf8.prefix(2000))!
        bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == long)
        // Stale, and IIM has no caption: none (as exiftool's MWG:Description).
        metadata.iptc.captionAbstract = nil
        #expect(binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil).caption == nil)
        // The same rule for creator, copyright and credit line.
        var credits = EmbeddedMetadata()
        credits.iptc.byline = "IIM Fotograf"
        credits.xmp.creator = "XMP Fotografin"
        credits.iptc.copyrightNotice = "WRONG-IPTC-Copyright"
        credits.xmp.rights = "RIGHT-XMP-Copyright"
        credits.iptc.credit = "IIM Credit"
        credits.xmp.credit = "XMP Credit"
        bound = binder.bind(embedded: credits, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(
            [bound.creator, bound.copyright, bound.credit] == ["XMP Fotografin", "RIGHT-XMP-Copyright", "XMP Credit"])
        credits.iptc.changedSinceXMP = true
        bound = binder.bind(embedded: credits, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(
            [bound.creator, bound.copyright, bound.credit] == ["IIM Fotograf", "WRONG-IPTC-Copyright", "IIM Credit"])
    }

    @Test("EXIF ImageDescription, when it is a real caption, comes first among embedded sources")
    func exifCaptionFirst() {
        var metadata = EmbeddedMetadata()
        metadata.exif.imageDescription = "Von links: Manfred Müller"
        metadata.xmp.description = "something else"
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "Von links: Manfred Müller")
        #expect(bound.captionSource == .exif)
    }

    @Test(
        "an EXIF UserComment is never a caption: cameras fill it with settings",
        arguments: ["R:  139 G:  255 B:  189 X:39852 Y:40000", "curve: fotogenics point and shoot", "GCM_TAG"])
    func userCommentIsNoCaption(comment: String) {
        var metadata = EmbeddedMetadata()
        metadata.exif.userComment = comment
        metadata.exif.make = "NIKON CORPORATION"
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == nil)
        #expect(bound.captionSource == nil)
        #expect(bound.alt == nil)
    }

    @Test("a Windows XP comment or title typed by a person is still a caption; a UserComment beside it is not")
    func windowsCaption() {
        var metadata = EmbeddedMetadata()
        metadata.exif.userComment = "GCM_TAG"
        metadata.exif.xpComment = "Empfang im Kölner Rathaus"
        metadata.exif.xpTitle = "Empfang"
        var bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "Empfang im Kölner Rathaus")
        #expect(bound.captionSource == .exif)
        metadata.exif.xpComment = nil
        bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.caption == "Empfang")
    }

    @Test("alt text derived from a long caption is its first sentence, bounded")
    func derivedAlt() throws {
        var metadata = EmbeddedMetadata()
        metadata.exif.imageDescription =
            "Zu Beginn der Förderphase hat sich der Minister mit den Regionen getroffen. Von links: "
            + String(repeating: "Name Nachname, Funktion, ", count: 30)
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(bound.alt == "Zu Beginn der Förderphase hat sich der Minister mit den Regionen getroffen.")
        // The ministry's own caption: not cut at "Prof." (it was: "… Digitalminister Prof.").
        metadata.exif.imageDescription =
            "Zu Beginn hat sich Digitalminister Prof. Dr. Andreas Pinkwart am 3. Oktober mit den Regionen getroffen. Von links: XY."
        #expect(
            binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil).alt
                == "Zu Beginn hat sich Digitalminister Prof. Dr. Andreas Pinkwart am 3. Oktober mit den Regionen getroffen."
        )
        metadata.exif.imageDescription = String(repeating: "Wort ", count: 100)
        let long = try #require(binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil).alt)
        #expect(long.count <= 251 && long.hasSuffix("…"))
    }

    @Test("the credit written into renditions is the bound credit")
    func embeddedCredit() {
        var metadata = EmbeddedMetadata()
        metadata.exif.artist = "E. Lichtenscheidt"
        let bound = binder.bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(
            bound.embeddedRights
                == EmbeddedRights(
                    artist: "E. Lichtenscheidt", copyright: "E. Lichtenscheidt", credit: "E. Lichtenscheidt"))
        let house = binder.bind(embedded: EmbeddedMetadata(), sidecar: nil, admin: nil, galleryCredit: nil)
        #expect(house.embeddedRights.copyright == self.house)
    }
}

@Suite("Camera boilerplate")
struct CameraBoilerplateTests {
    @Test(
        "what cameras write by default is recognised",
        arguments: [
            "OLYMPUS DIGITAL CAMERA", "SONY DSC", "  KONICA MINOLTA DIGITAL CAMERA ", "DSC01234.JPG", "IMG_1234",
            "", "   ", "----", "a5cb01550dbb9a6bf732f87e413f6e231cc4581e6a5be800fb0871dce0760cd5",
            #"DCIM\100GOPRO\GOPR0482.JPG"#, "DCIM/100CANON/IMG_0001.JPG", "DCF 1.0",
        ])
    func boilerplate(text: String) {
        #expect(CameraBoilerplate.matches(text))
    }

    @Test(
        "captions written by people are kept",
        arguments: [
            "Von links: Andreas Mucke, Oberbürgermeister Wuppertal", "Minister Pinkwart", "IMG wall at the DSC",
            "NRW-Delegation in Brüssel",
        ])
    func realCaption(text: String) {
        #expect(!CameraBoilerplate.matches(text))
    }

    @Test("a description that repeats the camera model is boilerplate")
    func modelName() {
        #expect(
            CameraBoilerplate.matches(
                "<Digimax i50 MP3, Samsung #1 MP3>", make: "Samsung Techwin", model: "<Digimax i50 MP3, Samsung #1 MP3>"
            ))
        #expect(CameraBoilerplate.matches("GC-X1E Image", make: "JVC", model: "GC-X1E"))
        #expect(!CameraBoilerplate.matches("Empfang mit der GC-X1E", make: "JVC", model: "GC-X1E"))
    }
}
