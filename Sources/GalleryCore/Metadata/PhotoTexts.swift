/// The ten texts a person can set on a photo (``EditableAssetField``), as one value: what a
/// sidecar entry or an admin sets (``TextOverrides``) and what is published (``BoundText``)
/// hold them alike. `nil`: not set (or, bound, not known).
///
/// Encoded flat, beside the other fields of the value that holds it, so the JSON of both (in
/// the catalog, sidecars and the admin API) is as it was before this value existed.
public struct PhotoTexts: Hashable, Sendable, Codable {
    public var caption: String?
    public var alt: String?
    public var headline: String?
    public var credit: String?
    public var creator: String?
    /// Web Statement of Rights (`xmpRights:WebStatement`): the licence's URL (schema.org
    /// `license`).
    public var license: String?
    /// Where a licence can be had (`plus:LicensorURL`).
    public var acquireLicensePage: String?
    /// The licensor's name (`plus:LicensorName`).
    public var licensor: String?
    /// Extended Description for accessibility (`Iptc4xmpCore:ExtDescrAccessibility`).
    public var longDescription: String?
    /// A Digital Source Type URI or vocabulary code (``DigitalSourceType``).
    public var digitalSourceType: String?

    public init(
        caption: String? = nil, alt: String? = nil, headline: String? = nil, credit: String? = nil,
        creator: String? = nil, license: String? = nil, acquireLicensePage: String? = nil, licensor: String? = nil,
        longDescription: String? = nil, digitalSourceType: String? = nil
    ) {
        self.caption = caption
        self.alt = alt
        self.headline = headline
        self.credit = credit
        self.creator = creator
        self.license = license
        self.acquireLicensePage = acquireLicensePage
        self.licensor = licensor
        self.longDescription = longDescription
        self.digitalSourceType = digitalSourceType
    }

    /// Named as in the JSON (so the holders can name `credit` in their errors).
    enum CodingKeys: String, CodingKey {
        case caption, alt, headline, credit, creator, license, acquireLicensePage, licensor, longDescription
        case digitalSourceType
    }

    /// One field by its name in the admin API.
    public subscript(field: EditableAssetField) -> String? {
        get { self[keyPath: Self.keyPath(of: field)] }
        set { self[keyPath: Self.keyPath(of: field)] = newValue }
    }

    static func keyPath(of field: EditableAssetField) -> WritableKeyPath<PhotoTexts, String?> {
        switch field {
        case .caption: \.caption
        case .alt: \.alt
        case .headline: \.headline
        case .credit: \.credit
        case .creator: \.creator
        case .license: \.license
        case .acquireLicensePage: \.acquireLicensePage
        case .licensor: \.licensor
        case .longDescription: \.longDescription
        case .digitalSourceType: \.digitalSourceType
        }
    }
}
