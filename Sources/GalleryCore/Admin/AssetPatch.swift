public import Foundation

/// The asset texts an editor may override: captions and credits, and the rights fields
/// (`license` and `acquireLicensePage` must be http(s) URLs, `digitalSourceType` a URI or
/// a code of the IPTC vocabulary).
public enum EditableAssetField: String, CaseIterable, Sendable, Codable {
    case caption, alt, headline, credit, creator
    case license, acquireLicensePage, licensor, longDescription, digitalSourceType

    /// Where the override is kept in ``TextOverrides``.
    public var keyPath: WritableKeyPath<TextOverrides, String?> { \TextOverrides.texts[self] }

    /// Rights fields are kept apart from the caption and credit columns.
    public var isRight: Bool {
        switch self {
        case .caption, .alt, .headline, .credit, .creator: false
        default: true
        }
    }
}

/// A validated change to an asset: per field a new override (`String`) or its removal
/// (`nil`); fields not mentioned stay as they are.
public struct AssetPatch: Sendable, Equatable {
    public var texts: [EditableAssetField: String?]
    public var usageTerms: LanguageAlternative??
    public var aiGenerated: Bool??
    public var hidden: Bool?
    /// A new embargo or expiry (`nil` inside: none), over the window the photo has now.
    public var publishAt: Date??
    public var unpublishAt: Date??
    /// Why (a withdrawal's licence end, a person's request): kept in the audit entry of a
    /// withdrawal or its reversal; not part of the photo.
    public var reason: String?
    /// Who and what is shown, and where: a new list or place (`nil` inside: the override
    /// removed, the file's shows again).
    public var keywords: [String]??
    public var persons: [String]??
    public var location: PhotoLocation??
    public var event: String??

    public init(
        texts: [EditableAssetField: String?] = [:], usageTerms: LanguageAlternative?? = nil,
        aiGenerated: Bool?? = nil, hidden: Bool? = nil, publishAt: Date?? = nil, unpublishAt: Date?? = nil
    ) {
        self.texts = texts
        self.usageTerms = usageTerms
        self.aiGenerated = aiGenerated
        self.hidden = hidden
        self.publishAt = publishAt
        self.unpublishAt = unpublishAt
    }

    public var isEmpty: Bool {
        texts.isEmpty && usageTerms == nil && aiGenerated == nil && hidden == nil && publishAt == nil
            && unpublishAt == nil && keywords == nil && persons == nil && location == nil && event == nil
    }
}

/// A validated change to a gallery's settings; `nil` inside an entry removes the override.
public struct GalleryPatch: Sendable, Equatable {
    public var title: String??
    public var summary: String??
    public var defaultCredit: String??
    public var order: [String]??
    public var published: Bool??
    public var license: String??
    public var acquireLicensePage: String??
    public var usageTerms: LanguageAlternative??
    public var licensor: String??
    public var downloads: Bool??
    public var publishAt: Date??
    public var unpublishAt: Date??

    public init(
        title: String?? = nil, summary: String?? = nil, defaultCredit: String?? = nil, order: [String]?? = nil,
        published: Bool?? = nil, license: String?? = nil, acquireLicensePage: String?? = nil,
        usageTerms: LanguageAlternative?? = nil, licensor: String?? = nil, downloads: Bool?? = nil,
        publishAt: Date?? = nil, unpublishAt: Date?? = nil
    ) {
        self.publishAt = publishAt
        self.unpublishAt = unpublishAt
        self.license = license
        self.acquireLicensePage = acquireLicensePage
        self.usageTerms = usageTerms
        self.licensor = licensor
        self.downloads = downloads
        self.title = title
        self.summary = summary
        self.defaultCredit = defaultCredit
        self.order = order
        self.published = published
    }
}

extension PublicationWindow {
    /// This window with a patch's `publishAt` and `unpublishAt` applied; refused when
    /// `unpublishAt` would not come after `publishAt`.
    public func patched(publishAt: Date??, unpublishAt: Date??) throws(PublicationTimeError) -> PublicationWindow {
        var window = self
        if let publishAt { window.publishAt = publishAt }
        if let unpublishAt { window.unpublishAt = unpublishAt }
        if let start = window.publishAt, let end = window.unpublishAt, end <= start {
            throw PublicationTimeError(
                field: unpublishAt != nil ? "unpublishAt" : "publishAt",
                message: unpublishAt != nil ? "must come after publishAt" : "must come before unpublishAt")
        }
        return window
    }
}
