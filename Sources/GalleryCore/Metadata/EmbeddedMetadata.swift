/// The caption- and credit-related fields read from one image file, by source. Values are
/// already decoded to Swift strings; empty strings are stored as `nil`.
public struct EmbeddedMetadata: Hashable, Sendable, Codable {
    public var exif: ExifFields
    public var iptc: IPTCFields
    public var xmp: XMPFields

    public init(exif: ExifFields = .init(), iptc: IPTCFields = .init(), xmp: XMPFields = .init()) {
        self.exif = exif
        self.iptc = iptc
        self.xmp = xmp
    }
}

/// EXIF fields galleryd uses (read through libexif).
public struct ExifFields: Hashable, Sendable, Codable {
    public var imageDescription: String?
    public var artist: String?
    /// Copyright, with the photographer and editor parts joined as EXIF defines them.
    public var copyright: String?
    public var userComment: String?
    public var xpTitle: String?
    public var xpComment: String?
    public var xpAuthor: String?
    public var make: String?
    public var model: String?
    /// `DateTimeOriginal` as written, e.g. `2019:03:12 10:31:00`.
    public var dateTimeOriginal: String?
    /// `OffsetTimeOriginal`, e.g. `+01:00`, when the camera wrote it.
    public var offsetTimeOriginal: String?
    /// `SubSecTimeOriginal`, the fraction of a second as digits (`"111"` is .111 s).
    public var subSecTimeOriginal: String?
    public var orientation: Int?
    public var hasGPS: Bool

    public init(
        imageDescription: String? = nil, artist: String? = nil, copyright: String? = nil,
        userComment: String? = nil, xpTitle: String? = nil, xpComment: String? = nil, xpAuthor: String? = nil,
        make: String? = nil, model: String? = nil, dateTimeOriginal: String? = nil,
        offsetTimeOriginal: String? = nil, subSecTimeOriginal: String? = nil, orientation: Int? = nil,
        hasGPS: Bool = false
    ) {
        self.imageDescription = imageDescription
        self.artist = artist
        self.copyright = copyright
        self.userComment = userComment
        self.xpTitle = xpTitle
        self.xpComment = xpComment
        self.xpAuthor = xpAuthor
        self.make = make
        self.model = model
        self.dateTimeOriginal = dateTimeOriginal
        self.offsetTimeOriginal = offsetTimeOriginal
        self.subSecTimeOriginal = subSecTimeOriginal
        self.orientation = orientation
        self.hasGPS = hasGPS
    }
}

/// IPTC IIM fields from the Photoshop APP13 block.
public struct IPTCFields: Hashable, Sendable, Codable {
    public var captionAbstract: String?
    public var headline: String?
    public var byline: String?
    public var credit: String?
    public var copyrightNotice: String?
    public var source: String?
    /// 2:55 Date Created, `CCYYMMDD`.
    public var dateCreated: String?
    /// 2:60 Time Created, `HHMMSS±HHMM`.
    public var timeCreated: String?
    /// 2:25 Keywords, every one, in order.
    public var keywords: [String]?
    /// 2:92 Sub-location, 2:90 City, 2:95 Province/State, 2:101 Country, 2:100 Country Code.
    public var location: PhotoLocation?
    /// True when the block was changed after XMP was last synchronised with it: the digest
    /// XMP-aware tools store in Photoshop image resource 0x0425 differs from the MD5 of the
    /// IIM block as it is now (MWG, Guidelines for Handling Image Metadata 2.0, §4.1.2).
    /// Then IIM, not XMP, holds the latest values. `nil`: no stored digest, or it matches.
    public var changedSinceXMP: Bool?

    public init(
        captionAbstract: String? = nil, headline: String? = nil, byline: String? = nil, credit: String? = nil,
        copyrightNotice: String? = nil, source: String? = nil, dateCreated: String? = nil,
        timeCreated: String? = nil, keywords: [String]? = nil, location: PhotoLocation? = nil,
        changedSinceXMP: Bool? = nil
    ) {
        self.keywords = keywords
        self.location = location
        self.captionAbstract = captionAbstract
        self.headline = headline
        self.byline = byline
        self.credit = credit
        self.copyrightNotice = copyrightNotice
        self.source = source
        self.dateCreated = dateCreated
        self.timeCreated = timeCreated
        self.changedSinceXMP = changedSinceXMP
    }

    public var isEmpty: Bool {
        captionAbstract == nil && headline == nil && byline == nil && credit == nil && copyrightNotice == nil
            && source == nil && dateCreated == nil && changedSinceXMP == nil && keywords == nil && location == nil
    }
}

/// XMP fields (language alternatives already resolved: `de`, then `x-default`).
public struct XMPFields: Hashable, Sendable, Codable {
    public var description: String?
    public var creator: String?
    public var rights: String?
    public var credit: String?
    public var headline: String?
    /// `xmpRights:WebStatement`, as written (checked when bound).
    public var webStatement: String?
    public var altText: String?
    /// `photoshop:DateCreated` (ISO 8601, as precise as the writer knew it).
    public var dateCreated: String?
    /// `xmpRights:UsageTerms`, every language.
    public var usageTerms: LanguageAlternative?
    /// The first `plus:Licensor`'s `plus:LicensorName` and `plus:LicensorURL`.
    public var licensorName: String?
    public var licensorURL: String?
    /// `Iptc4xmpCore:ExtDescrAccessibility`.
    public var longDescription: String?
    /// `Iptc4xmpExt:DigitalSourceType`, as written (checked when bound).
    public var digitalSourceType: String?
    /// `dc:subject`: the keywords, in order.
    public var subjects: [String]?
    /// `Iptc4xmpExt:PersonInImage`: every person shown.
    public var personsInImage: [String]?
    /// `Iptc4xmpExt:Event`.
    public var event: String?
    /// The first `Iptc4xmpExt:LocationShown`.
    public var locationShown: PhotoLocation?
    /// The IPTC Core location fields: `Iptc4xmpCore:Location` (the sublocation),
    /// `photoshop:City`, `photoshop:State`, `photoshop:Country`, `Iptc4xmpCore:CountryCode`.
    public var location: PhotoLocation?

    public init(
        description: String? = nil, creator: String? = nil, rights: String? = nil, credit: String? = nil,
        headline: String? = nil, webStatement: String? = nil, altText: String? = nil, dateCreated: String? = nil,
        usageTerms: LanguageAlternative? = nil, licensorName: String? = nil, licensorURL: String? = nil,
        longDescription: String? = nil, digitalSourceType: String? = nil, subjects: [String]? = nil,
        personsInImage: [String]? = nil, event: String? = nil, locationShown: PhotoLocation? = nil,
        location: PhotoLocation? = nil
    ) {
        self.subjects = subjects
        self.personsInImage = personsInImage
        self.event = event
        self.locationShown = locationShown
        self.location = location
        self.usageTerms = usageTerms
        self.licensorName = licensorName
        self.licensorURL = licensorURL
        self.longDescription = longDescription
        self.digitalSourceType = digitalSourceType
        self.dateCreated = dateCreated
        self.description = description
        self.creator = creator
        self.rights = rights
        self.credit = credit
        self.headline = headline
        self.webStatement = webStatement
        self.altText = altText
    }
}
