/// A third-party embed in the gallery JSON (API.md, "Embeds"). While withheld it carries
/// no third-party URL except `externalLink`; `embed` is filled only when the request holds
/// a valid consent for its service.
public struct EmbedDocument: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case withheld, granted
    }

    public var id: String
    public var service: String
    public var kind: EmbedKind
    public var state: State
    public var title: String?
    public var preview: PreviewImage?
    public var notice: LocalizedText
    public var externalLink: String
    public var consent: GrantedConsent?
    public var embed: EmbedFrame?

    public init(
        id: String, service: String, kind: EmbedKind, state: State, title: String?, preview: PreviewImage?,
        notice: LocalizedText, externalLink: String, consent: GrantedConsent? = nil, embed: EmbedFrame? = nil
    ) {
        self.id = id
        self.service = service
        self.kind = kind
        self.state = state
        self.title = title
        self.preview = preview
        self.notice = notice
        self.externalLink = externalLink
        self.consent = consent
        self.embed = embed
    }

    // `embed` is written as an explicit null while withheld, as API.md shows.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(service, forKey: .service)
        try container.encode(kind, forKey: .kind)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(preview, forKey: .preview)
        try container.encode(notice, forKey: .notice)
        try container.encode(externalLink, forKey: .externalLink)
        try container.encodeIfPresent(consent, forKey: .consent)
        try container.encode(embed, forKey: .embed)
    }
}

/// What kind of third-party content an embed shows.
public enum EmbedKind: String, Codable, Sendable, CaseIterable {
    case video, post, feed
}

/// A locally served preview image (fetched once at publish time, metadata stripped).
public struct PreviewImage: Codable, Sendable, Equatable {
    public var url: String
    public var width: Int
    public var height: Int

    public init(url: String, width: Int, height: Int) {
        self.url = url
        self.width = width
        self.height = height
    }
}

/// German and English variants of a text.
public struct LocalizedText: Codable, Sendable, Hashable {
    public var de: String
    public var en: String

    public init(de: String, en: String) {
        self.de = de
        self.en = en
    }

    public func text(for locale: String) -> String { locale.lowercased().hasPrefix("en") ? en : de }
}

/// The consent under which an embed was revealed.
public struct GrantedConsent: Codable, Sendable, Equatable {
    public var scope: ConsentScope
    public var expiresAt: String?

    public init(scope: ConsentScope, expiresAt: String?) {
        self.scope = scope
        self.expiresAt = expiresAt
    }
}

/// `once` (this page view) or `permanent` (a first-party cookie until it expires).
public enum ConsentScope: String, Codable, Sendable {
    case once, permanent
}

/// The iframe data of a granted embed.
public struct EmbedFrame: Codable, Sendable, Equatable {
    public var type: String
    public var src: String
    public var width: Int
    public var height: Int
    public var allow: String
    public var sandbox: String
    /// A same-origin page that frames `src`: its own Content-Security-Policy allows exactly
    /// this service, so the portal page itself never needs a third-party frame source.
    public var frame: String

    public init(src: String, width: Int, height: Int, allow: String, sandbox: String, frame: String) {
        self.type = "iframe"
        self.src = src
        self.width = width
        self.height = height
        self.allow = allow
        self.sandbox = sandbox
        self.frame = frame
    }
}
