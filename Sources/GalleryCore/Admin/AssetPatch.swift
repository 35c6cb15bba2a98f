/// The asset texts an editor may override.
public enum EditableAssetField: String, CaseIterable, Sendable, Codable {
    case caption, alt, headline, credit, creator
}

/// A validated change to an asset: per field a new override (`String`) or its removal
/// (`nil`); fields not mentioned stay as they are.
public struct AssetPatch: Sendable, Equatable {
    public var texts: [EditableAssetField: String?]
    public var hidden: Bool?

    public init(texts: [EditableAssetField: String?] = [:], hidden: Bool? = nil) {
        self.texts = texts
        self.hidden = hidden
    }

    public var isEmpty: Bool { texts.isEmpty && hidden == nil }
}

/// A validated change to a gallery's settings; `nil` inside an entry removes the override.
public struct GalleryPatch: Sendable, Equatable {
    public var title: String??
    public var summary: String??
    public var defaultCredit: String??
    public var order: [String]??
    public var published: Bool??

    public init(
        title: String?? = nil, summary: String?? = nil, defaultCredit: String?? = nil, order: [String]?? = nil,
        published: Bool?? = nil
    ) {
        self.title = title
        self.summary = summary
        self.defaultCredit = defaultCredit
        self.order = order
        self.published = published
    }
}
