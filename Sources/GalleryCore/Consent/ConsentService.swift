import Crypto
public import Foundation

/// A third-party service whose embeds are withheld until the visitor consents: who
/// receives the data, why, for how long, which hosts the embed contacts, how its URLs look
/// and how it is embedded.
public struct ConsentService: Codable, Sendable, Equatable {
    public var id: String
    public var enabled: Bool
    public var name: String
    /// The legal entity that receives the data.
    public var recipient: String
    public var purpose: LocalizedText
    /// How long the recipient keeps data.
    public var storage: LocalizedText
    public var privacyPolicy: String
    /// Hosts the embed contacts once granted (shown to the visitor; allowed as frame
    /// sources only where granted).
    public var hosts: [String]
    /// Embed URL template, with `{id}` (and `{url}`, percent-encoded).
    public var embed: String
    /// Regular expressions for the service's public URLs, with a named group `id`.
    public var urlPatterns: [String]
    /// oEmbed endpoint template with `{url}`, for the preview image.
    public var oembed: String?
    /// Hosts the server may fetch previews from (oEmbed and thumbnails).
    public var previewHosts: [String]
    public var kinds: [EmbedKind]
    /// Frame size and permissions of the embed.
    public var width: Int
    public var height: Int
    public var allow: String
    public var sandbox: String

    public init(
        id: String, enabled: Bool = true, name: String, recipient: String, purpose: LocalizedText,
        storage: LocalizedText, privacyPolicy: String, hosts: [String], embed: String, urlPatterns: [String],
        oembed: String? = nil, previewHosts: [String] = [], kinds: [EmbedKind], width: Int = 560, height: Int = 315,
        allow: String = "", sandbox: String = "allow-scripts allow-same-origin allow-popups allow-presentation"
    ) {
        self.id = id
        self.enabled = enabled
        self.name = name
        self.recipient = recipient
        self.purpose = purpose
        self.storage = storage
        self.privacyPolicy = privacyPolicy
        self.hosts = hosts
        self.embed = embed
        self.urlPatterns = urlPatterns
        self.oembed = oembed
        self.previewHosts = previewHosts
        self.kinds = kinds
        self.width = width
        self.height = height
        self.allow = allow
        self.sandbox = sandbox
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        name = try container.decode(String.self, forKey: .name)
        recipient = try container.decode(String.self, forKey: .recipient)
        purpose = try container.decode(LocalizedText.self, forKey: .purpose)
        storage = try container.decode(LocalizedText.self, forKey: .storage)
        privacyPolicy = try container.decode(String.self, forKey: .privacyPolicy)
        hosts = try container.decode([String].self, forKey: .hosts)
        embed = try container.decode(String.self, forKey: .embed)
        urlPatterns = try container.decode([String].self, forKey: .urlPatterns)
        oembed = try container.decodeIfPresent(String.self, forKey: .oembed)
        previewHosts = try container.decodeIfPresent([String].self, forKey: .previewHosts) ?? []
        kinds = try container.decodeIfPresent([EmbedKind].self, forKey: .kinds) ?? [.post]
        width = try container.decodeIfPresent(Int.self, forKey: .width) ?? 560
        height = try container.decodeIfPresent(Int.self, forKey: .height) ?? 315
        allow = try container.decodeIfPresent(String.self, forKey: .allow) ?? ""
        sandbox =
            try container.decodeIfPresent(String.self, forKey: .sandbox)
            ?? "allow-scripts allow-same-origin allow-popups allow-presentation"
    }

    /// The id the service's URL names (video id, post id), if the URL is one of the
    /// service's: https only, no user info, matching one of its patterns.
    public func externalID(of url: String) -> String? {
        guard url.utf8.count <= 2048, let parsed = URLComponents(string: url), parsed.scheme == "https",
            parsed.user == nil, parsed.password == nil, parsed.host != nil
        else { return nil }
        for pattern in urlPatterns {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(url.startIndex..., in: url)
            guard let match = expression.firstMatch(in: url, range: range),
                let idRange = Range(match.range(withName: "id"), in: url)
            else { continue }
            let id = String(url[idRange])
            guard !id.isEmpty, id.count <= 200,
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_/.".contains($0)) }),
                !id.contains("..")
            else { continue }
            return id
        }
        return nil
    }

    /// The iframe source for an embed of this service.
    public func embedSource(id: String, url: String) -> String {
        let encodedURL = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return embed.replacing("{id}", with: id).replacing("{url}", with: encodedURL)
    }
}

/// The consent settings in force: the services offered, the policy version the admin set,
/// and how long a permanent consent lasts.
public struct ConsentSettings: Codable, Sendable, Equatable {
    public var policyVersion: String
    public var lifetimeDays: Int
    public var services: [ConsentService] {
        didSet { catalogHash = Self.catalogHash(of: services) }
    }
    /// A fingerprint of everything the visitor was shown (services, recipients, texts,
    /// hosts). When it or the policy version changes, earlier consents no longer count.
    /// Computed once per change of `services` (every consent request compares it).
    public private(set) var catalogHash: String

    private enum CodingKeys: String, CodingKey {
        case policyVersion, lifetimeDays, services
    }

    /// The longest a consent cookie may live (13 months, as data-protection authorities
    /// accept for consent records).
    public static let maximumLifetimeDays = 395

    public init(policyVersion: String, lifetimeDays: Int, services: [ConsentService]) {
        self.policyVersion = policyVersion
        self.lifetimeDays = lifetimeDays
        self.services = services
        self.catalogHash = Self.catalogHash(of: services)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            policyVersion: try container.decode(String.self, forKey: .policyVersion),
            lifetimeDays: try container.decode(Int.self, forKey: .lifetimeDays),
            services: try container.decode([ConsentService].self, forKey: .services))
    }

    public var enabledServices: [ConsentService] { services.filter(\.enabled) }

    /// What makes settings unusable, wherever they come from (config file, admin, catalog):
    /// a lifetime outside 1...``maximumLifetimeDays`` or two services with one id. `nil` when
    /// they are fine.
    public var problem: String? {
        guard (1...Self.maximumLifetimeDays).contains(lifetimeDays) else {
            return "lifetimeDays must be 1 to \(Self.maximumLifetimeDays)"
        }
        var seen: Set<String> = []
        if let twice = services.first(where: { !seen.insert($0.id).inserted }) {
            return "service id \"\(twice.id)\" is listed twice"
        }
        return nil
    }

    /// Every enabled service's id with a flag (the decisions of one consent event).
    public func decisions(granting granted: Set<String>) -> [String: Bool] {
        Dictionary(enabledServices.map { ($0.id, granted.contains($0.id)) }, uniquingKeysWith: { first, _ in first })
    }

    public func service(_ id: String) -> ConsentService? { enabledServices.first { $0.id == id } }

    private static func catalogHash(of services: [ConsentService]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let shown = services.filter(\.enabled).map { service in
            [
                service.id, service.name, service.recipient, service.purpose.de, service.purpose.en,
                service.storage.de, service.storage.en, service.privacyPolicy, service.hosts.joined(separator: " "),
            ]
        }
        let data = (try? encoder.encode(shown)) ?? Data()
        return String(SHA256.hash(data: data).hexString.prefix(16))
    }

    public var lifetime: TimeInterval { TimeInterval(lifetimeDays) * 86_400 }

    /// The settings as a catalog stores them: JSON with sorted keys.
    public var storedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Settings a catalog stored (``storedJSON``), checked again as the admin API checks
    /// them — the catalog is not trusted blindly; `fallback` when there are none or they are
    /// unusable.
    public static func saved(_ json: String?, fallback: ConsentSettings) -> ConsentSettings {
        guard let json, let saved = try? JSONDecoder().decode(ConsentSettings.self, from: Data(json.utf8)),
            saved.problem == nil
        else { return fallback }
        return saved
    }

    /// The fields that differ from `previous`, as the audit log names them.
    public func changes(from previous: ConsentSettings) -> [(field: String, old: String, new: String)] {
        [
            ("policyVersion", previous.policyVersion, policyVersion),
            ("lifetimeDays", String(previous.lifetimeDays), String(lifetimeDays)),
            (
                "services", previous.enabledServices.map(\.id).joined(separator: ","),
                enabledServices.map(\.id).joined(separator: ",")
            ),
            ("catalogHash", previous.catalogHash, catalogHash),
        ].filter { $0.1 != $0.2 }.map { (field: $0.0, old: $0.1, new: $0.2) }
    }
}
