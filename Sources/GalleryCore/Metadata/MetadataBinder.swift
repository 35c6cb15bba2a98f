/// Where a bound caption or credit came from; shown in the JSON as `creditSource`.
public enum TextSource: String, Codable, Sendable, CaseIterable {
    case house, gallery, exif, iptc, xmp, sidecar, admin
}

/// Caption, alt text, credit and rights values set by a person (a sidecar entry or an
/// admin), each of which overrides what the file carries. `nil` means "not set here". The
/// ten texts are a ``PhotoTexts`` (`overrides.caption` reads `overrides.texts.caption`).
@dynamicMemberLookup
public struct TextOverrides: Hashable, Sendable {
    public var texts: PhotoTexts
    public var usageTerms: LanguageAlternative?
    /// A person's word that the image is AI-generated (or, `false`, that it is not).
    public var aiGenerated: Bool?
    /// A sidecar entry's embargo and expiry, as written (``GallerySidecar/schedule``); not
    /// a text, so never bound.
    public var publishAt: String?
    public var unpublishAt: String?
    /// Who and what is shown, and where (IPTC Keywords, Person Shown, Location Shown,
    /// Event): each replaces the file's as a whole.
    public var keywords: [String]?
    public var persons: [String]?
    public var location: PhotoLocation?
    public var event: String?

    public init(
        caption: String? = nil, alt: String? = nil, headline: String? = nil, credit: String? = nil,
        creator: String? = nil, license: String? = nil, acquireLicensePage: String? = nil,
        usageTerms: LanguageAlternative? = nil, licensor: String? = nil, longDescription: String? = nil,
        digitalSourceType: String? = nil, aiGenerated: Bool? = nil
    ) {
        self.texts = PhotoTexts(
            caption: caption, alt: alt, headline: headline, credit: credit, creator: creator, license: license,
            acquireLicensePage: acquireLicensePage, licensor: licensor, longDescription: longDescription,
            digitalSourceType: digitalSourceType)
        self.usageTerms = usageTerms
        self.aiGenerated = aiGenerated
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<PhotoTexts, Value>) -> Value {
        get { texts[keyPath: field] }
        set { texts[keyPath: field] = newValue }
    }

    public var isEmpty: Bool { self == TextOverrides() }
}

extension TextOverrides: Codable {
    private enum CodingKeys: String, CodingKey {
        case usageTerms, aiGenerated, publishAt, unpublishAt, keywords, persons, location, event
    }

    public init(from decoder: any Decoder) throws {
        texts = try PhotoTexts(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        usageTerms = try container.decodeIfPresent(LanguageAlternative.self, forKey: .usageTerms)
        aiGenerated = try container.decodeIfPresent(Bool.self, forKey: .aiGenerated)
        publishAt = try container.decodeIfPresent(String.self, forKey: .publishAt)
        unpublishAt = try container.decodeIfPresent(String.self, forKey: .unpublishAt)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords)
        persons = try container.decodeIfPresent([String].self, forKey: .persons)
        location = try container.decodeIfPresent(PhotoLocation.self, forKey: .location)
        event = try container.decodeIfPresent(String.self, forKey: .event)
    }

    public func encode(to encoder: any Encoder) throws {
        try texts.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(usageTerms, forKey: .usageTerms)
        try container.encodeIfPresent(aiGenerated, forKey: .aiGenerated)
        try container.encodeIfPresent(publishAt, forKey: .publishAt)
        try container.encodeIfPresent(unpublishAt, forKey: .unpublishAt)
        try container.encodeIfPresent(keywords, forKey: .keywords)
        try container.encodeIfPresent(persons, forKey: .persons)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(event, forKey: .event)
    }
}

/// The texts published with an asset, each with the source that won. The ten texts are a
/// ``PhotoTexts`` (`bound.caption` reads `bound.texts.caption`); the credit is always bound.
@dynamicMemberLookup
public struct BoundText: Hashable, Sendable {
    public var texts: PhotoTexts
    public var captionSource: TextSource?
    public var creditSource: TextSource
    public var copyright: String?
    public var usageTerms: LanguageAlternative?
    /// `nil` in catalogs written before rights were bound: not AI-generated.
    public var aiGenerated: Bool?
    /// IPTC Keywords (`dc:subject`, IIM 2:25), in order, each once.
    public var keywords: [String]?
    /// IPTC Person Shown (`Iptc4xmpExt:PersonInImage`).
    public var persons: [String]?
    /// IPTC Location Shown, else the legacy location fields.
    public var location: PhotoLocation?
    /// IPTC Event.
    public var event: String?

    public init(
        caption: String? = nil, captionSource: TextSource? = nil, alt: String? = nil, headline: String? = nil,
        credit: String, creditSource: TextSource, creator: String? = nil, copyright: String? = nil,
        license: String? = nil, acquireLicensePage: String? = nil, usageTerms: LanguageAlternative? = nil,
        licensor: String? = nil, longDescription: String? = nil, digitalSourceType: String? = nil,
        aiGenerated: Bool? = nil
    ) {
        self.texts = PhotoTexts(
            caption: caption, alt: alt, headline: headline, credit: credit, creator: creator, license: license,
            acquireLicensePage: acquireLicensePage, licensor: licensor, longDescription: longDescription,
            digitalSourceType: digitalSourceType)
        self.captionSource = captionSource
        self.creditSource = creditSource
        self.copyright = copyright
        self.usageTerms = usageTerms
        self.aiGenerated = aiGenerated
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<PhotoTexts, Value>) -> Value {
        get { texts[keyPath: field] }
        set { texts[keyPath: field] = newValue }
    }

    /// The bound credit: always one (the house credit at least).
    public var credit: String {
        get { texts.credit ?? "" }
        set { texts.credit = newValue }
    }

    /// The label the portal shows beside the credit, if any: an admin's or sidecar's
    /// `aiGenerated`, else what the Digital Source Type says.
    public var aiDisclosure: AIDisclosure? {
        Self.disclosure(aiGenerated: aiGenerated == true, sourceType: texts.digitalSourceType)
    }

    /// "Edited" for the composite kinds of Digital Source Type, else "generated".
    public static func disclosure(aiGenerated: Bool, sourceType: String?) -> AIDisclosure? {
        guard aiGenerated else { return nil }
        return sourceType.flatMap(DigitalSourceType.init(validating:))?.aiDisclosure ?? .generated
    }

    /// What goes into each rendition's fresh EXIF and XMP: the bound credit as Copyright
    /// (`dc:rights`) and Credit Line, the creator (or, without one, the credit) as Artist
    /// (`dc:creator`), and the rights terms.
    public var embeddedRights: EmbeddedRights {
        EmbeddedRights(
            artist: texts.creator ?? credit, copyright: credit, credit: credit, webStatement: texts.license,
            usageTerms: usageTerms, licensorName: texts.licensor, licensorURL: texts.acquireLicensePage,
            digitalSourceType: texts.digitalSourceType)
    }
}

extension BoundText: Codable {
    private enum CodingKeys: String, CodingKey {
        case captionSource, creditSource, copyright, usageTerms, aiGenerated, keywords, persons, location, event
    }

    public init(from decoder: any Decoder) throws {
        texts = try PhotoTexts(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard texts.credit != nil else {
            throw DecodingError.keyNotFound(
                PhotoTexts.CodingKeys.credit,
                .init(codingPath: decoder.codingPath, debugDescription: "a bound text has a credit"))
        }
        captionSource = try container.decodeIfPresent(TextSource.self, forKey: .captionSource)
        creditSource = try container.decode(TextSource.self, forKey: .creditSource)
        copyright = try container.decodeIfPresent(String.self, forKey: .copyright)
        usageTerms = try container.decodeIfPresent(LanguageAlternative.self, forKey: .usageTerms)
        aiGenerated = try container.decodeIfPresent(Bool.self, forKey: .aiGenerated)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords)
        persons = try container.decodeIfPresent([String].self, forKey: .persons)
        location = try container.decodeIfPresent(PhotoLocation.self, forKey: .location)
        event = try container.decodeIfPresent(String.self, forKey: .event)
    }

    public func encode(to encoder: any Encoder) throws {
        try texts.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(captionSource, forKey: .captionSource)
        try container.encode(creditSource, forKey: .creditSource)
        try container.encodeIfPresent(copyright, forKey: .copyright)
        try container.encodeIfPresent(usageTerms, forKey: .usageTerms)
        try container.encodeIfPresent(aiGenerated, forKey: .aiGenerated)
        try container.encodeIfPresent(keywords, forKey: .keywords)
        try container.encodeIfPresent(persons, forKey: .persons)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(event, forKey: .event)
    }
}

/// Binds captions and credits by the precedence rules of DESIGN.md:
///
/// - caption: admin › sidecar › embedded (EXIF ImageDescription unless camera
///   boilerplate › XMP `dc:description` or IIM 2:120 by the MWG digest rule, see
///   ``reconcile(xmp:iim:limit:iptc:)`` › XPComment/XPTitle) › none; EXIF UserComment never;
/// - credit: admin › sidecar › IPTC/XMP Credit Line › EXIF Copyright, else Artist ›
///   gallery default › house credit;
/// - rights (licence, licence page, usage terms, licensor): admin › sidecar › the file's
///   XMP (IPTC Photo Metadata Standard) › gallery › site; addresses that are no http(s)
///   URL are never taken (``RightsTerms/webAddress(_:)``);
/// - Digital Source Type and long description: admin › sidecar › XMP; `aiGenerated`:
///   admin › sidecar › the Digital Source Type (``DigitalSourceType/aiDisclosure``).
///
/// ```swift
/// let bound = MetadataBinder(houseCredit: "© MWIDE NRW/E. Lichtenscheidt")
///     .bind(embedded: metadata, sidecar: nil, admin: nil, galleryCredit: nil)
/// bound.creditSource  // .house when the file names no one
/// ```
public struct MetadataBinder: Sendable {
    public var houseCredit: String
    /// The site's rights defaults (config `rights.*`), below every other source.
    public var siteRights: RightsTerms

    public init(houseCredit: String, siteRights: RightsTerms = RightsTerms()) {
        self.houseCredit = houseCredit
        self.siteRights = siteRights
    }

    public func bind(
        embedded: EmbeddedMetadata, sidecar: TextOverrides?, admin: TextOverrides?, galleryCredit: String?,
        galleryRights: RightsTerms? = nil
    ) -> BoundText {
        let exif = embedded.exif
        // People outrank files: the admin's override first, then the sidecar entry.
        let candidates: [(TextOverrides?, TextSource)] = [(admin, .admin), (sidecar, .sidecar)]
        let people = candidates.compactMap { overrides, source in overrides.map { ($0, source) } }
        let caption = personal(\.caption, from: people) ?? embeddedCaption(embedded)
        let iptc = embedded.iptc
        let creditLine = reconcile(xmp: embedded.xmp.credit, iim: iptc.credit, limit: 32, iptc: iptc)
        let exifCredit = exif.copyright.map { ($0, TextSource.exif) } ?? exif.artist.map { ($0, TextSource.exif) }
        let credit =
            personal(\.credit, from: people)
            ?? creditLine ?? exifCredit
            ?? galleryCredit.flatMap(TextNormalizer.clean).map { ($0, TextSource.gallery) }
            ?? (houseCredit, .house)

        let creator =
            personal(\.creator, from: people)?.0
            ?? exif.artist
            ?? reconcile(xmp: embedded.xmp.creator, iim: iptc.byline, limit: 32, iptc: iptc)?.0
            ?? exif.xpAuthor
        let copyright =
            exif.copyright
            ?? reconcile(xmp: embedded.xmp.rights, iim: iptc.copyrightNotice, limit: 128, iptc: iptc)?.0
        let headline =
            personal(\.headline, from: people)?.0
            ?? reconcile(xmp: embedded.xmp.headline, iim: iptc.headline, limit: 256, iptc: iptc)?.0
        let alt =
            personal(\.alt, from: people)?.0 ?? embedded.xmp.altText ?? headline ?? caption.map { Self.shortAlt($0.0) }

        let below = (galleryRights ?? RightsTerms()).over(siteRights)
        let xmp = embedded.xmp
        func address(_ field: KeyPath<TextOverrides, String?>, file: String?, below: String?) -> String? {
            for (overrides, _) in people {
                if let value = overrides[keyPath: field], let address = RightsTerms.webAddress(value) { return address }
            }
            return file.flatMap(RightsTerms.webAddress) ?? below.flatMap(RightsTerms.webAddress)
        }
        let sourceType =
            people.lazy.compactMap { $0.0.digitalSourceType.flatMap(DigitalSourceType.init(validating:)) }.first
            ?? xmp.digitalSourceType.flatMap(DigitalSourceType.init(validating:))
        let aiGenerated = people.lazy.compactMap(\.0.aiGenerated).first ?? (sourceType?.aiDisclosure != nil)
        var bound = BoundText(
            caption: caption?.0, captionSource: caption?.1, alt: alt, headline: headline,
            credit: credit.0, creditSource: credit.1, creator: creator, copyright: copyright,
            license: address(\.license, file: xmp.webStatement, below: below.license),
            acquireLicensePage: address(\.acquireLicensePage, file: xmp.licensorURL, below: below.acquireLicensePage),
            usageTerms: people.lazy.compactMap(\.0.usageTerms).first ?? xmp.usageTerms ?? below.usageTerms,
            licensor: personal(\.licensor, from: people)?.0 ?? xmp.licensorName ?? below.licensor,
            longDescription: personal(\.longDescription, from: people)?.0 ?? xmp.longDescription,
            digitalSourceType: sourceType?.uri, aiGenerated: aiGenerated)
        // Who, what and where: a person's list or place replaces the file's as a whole.
        bound.keywords = people.lazy.compactMap { NameList.cleaned($0.0.keywords) }.first ?? embeddedKeywords(embedded)
        bound.persons =
            people.lazy.compactMap { NameList.cleaned($0.0.persons) }.first
            ?? NameList.cleaned(embedded.xmp.personsInImage)
        bound.location = people.lazy.compactMap { $0.0.location?.cleaned }.first ?? embeddedLocation(embedded)
        bound.event = personal(\.event, from: people)?.0 ?? embedded.xmp.event.flatMap(TextNormalizer.clean)
        return bound
    }

    /// Rights values in the file that are not taken, for the file's warnings: addresses
    /// that are no http(s) URL, a Digital Source Type that is no URI.
    public static func ignoredRights(in embedded: EmbeddedMetadata) -> [String] {
        let xmp = embedded.xmp
        var problems: [String] = []
        if let value = xmp.webStatement, RightsTerms.webAddress(value) == nil {
            problems.append("xmpRights:WebStatement ignored: not an http(s) address")
        }
        if let value = xmp.licensorURL, RightsTerms.webAddress(value) == nil {
            problems.append("plus:LicensorURL ignored: not an http(s) address")
        }
        if let value = xmp.digitalSourceType, DigitalSourceType(validating: value) == nil {
            problems.append("Iptc4xmpExt:DigitalSourceType ignored: not a URI")
        }
        return problems
    }

    /// Alt text derived from a caption: its first sentence (``SentenceBoundary``: not cut
    /// at "Prof." or "3. Oktober"), whole up to ``maximumAltLength`` characters — a press
    /// caption's first sentence says who and where, and one cut off says neither — and
    /// beyond that cut at a word (screen readers read the caption beside the image anyway).
    static func shortAlt(_ caption: String) -> String {
        let firstLine = caption.split(separator: "\n").first.map(String.init) ?? caption
        var sentence = SentenceBoundary.firstSentence(of: firstLine)
        // A very short first sentence ("Düsseldorf.") says too little alone.
        if sentence.count < 20 { sentence = firstLine }
        guard sentence.count > maximumAltLength else { return sentence }
        let cut = sentence.prefix(maximumAltLength)
        let space = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<space]) + "…"
    }

    /// Characters of a derived alt text at most (the seed's first sentence has 212).
    static let maximumAltLength = 250

    func embeddedCaption(_ embedded: EmbeddedMetadata) -> (String, TextSource)? {
        let exif = embedded.exif
        if let description = exif.imageDescription,
            !CameraBoilerplate.matches(description, make: exif.make, model: exif.model)
        {
            return (description, .exif)
        }
        let iptc = embedded.iptc
        if let reconciled = reconcile(xmp: embedded.xmp.description, iim: iptc.captionAbstract, limit: 2000, iptc: iptc)
        {
            return reconciled
        }
        // The Windows XP fields are typed by people. EXIF UserComment is not a source: cameras
        // fill it with settings and codes, and MWG never takes a description from it.
        let windowsTexts = [exif.xpComment, exif.xpTitle].compactMap { $0 }
        return windowsTexts.first { !CameraBoilerplate.matches($0, make: exif.make, model: exif.model) }
            .map { ($0, .exif) }
    }

    /// IPTC Keywords: XMP `dc:subject` against IIM 2:25 by the MWG digest rule, as a
    /// whole list (exiftool's `MWG:Keywords`).
    func embeddedKeywords(_ embedded: EmbeddedMetadata) -> [String]? {
        let xmp = NameList.cleaned(embedded.xmp.subjects)
        let iim = NameList.cleaned(embedded.iptc.keywords)
        if let xmp, embedded.iptc.changedSinceXMP != true { return xmp }
        return iim ?? xmp
    }

    /// The place shown: the first `Iptc4xmpExt:LocationShown` when it names anything; else,
    /// field by field, the IPTC Core XMP fields against IIM by the MWG digest rule (as
    /// exiftool's `MWG:City`, `MWG:State`, `MWG:Country`, `MWG:Location`), the IIM limits
    /// (32, 32, 32, 64, 3 bytes) telling a value IIM cut short.
    func embeddedLocation(_ embedded: EmbeddedMetadata) -> PhotoLocation? {
        if let shown = embedded.xmp.locationShown?.cleaned { return shown }
        let xmp = embedded.xmp.location?.cleaned
        let iim = embedded.iptc.location?.cleaned
        let iptc = embedded.iptc
        func field(_ path: KeyPath<PhotoLocation, String?>, limit: Int) -> String? {
            reconcile(xmp: xmp?[keyPath: path], iim: iim?[keyPath: path], limit: limit, iptc: iptc)?.0
        }
        return PhotoLocation(
            sublocation: field(\.sublocation, limit: 32), city: field(\.city, limit: 32),
            region: field(\.region, limit: 32), country: field(\.country, limit: 64),
            countryCode: field(\.countryCode, limit: 3)
        ).cleaned
    }

    /// The Metadata Working Group's rule for a value XMP and IIM may both hold (Guidelines
    /// for Handling Image Metadata 2.0, §4.1.2; exiftool's `MWG` composite tags): XMP when it
    /// has the value and IIM was not changed since XMP was synchronised with it (no digest
    /// stored, or the digest matches); else IIM — a tool that does not know XMP edited it
    /// last — unless the IIM value fills its dataset's `limit` (bytes) and XMP continues it
    /// (IIM cut it short). "Fills" allows 4 bytes less: the stored text is cleaned, which
    /// drops a trailing space and a character cut in the middle of its UTF-8 bytes.
    func reconcile(xmp: String?, iim: String?, limit: Int, iptc: IPTCFields) -> (String, TextSource)? {
        if let xmp, iptc.changedSinceXMP != true { return (xmp, .xmp) }
        guard let iim else { return nil }
        if let xmp, iim.utf8.count >= limit - 4, xmp.utf8.count > limit, xmp.hasPrefix(iim) { return (xmp, .xmp) }
        return (iim, .iptc)
    }

    private func personal(
        _ field: KeyPath<TextOverrides, String?>, from people: [(TextOverrides, TextSource)]
    ) -> (String, TextSource)? {
        for (overrides, source) in people {
            if let value = overrides[keyPath: field], let text = TextNormalizer.clean(value) { return (text, source) }
        }
        return nil
    }
}
