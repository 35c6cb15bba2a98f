import Crypto

/// The content-addressed location of an asset's renditions: the source's SHA-256 plus a
/// short key of everything else that shapes the bytes (encoder settings and the credit
/// written into the EXIF). Same key, same bytes: the URLs are immutable.
public struct RenditionVariant: Hashable, Sendable {
    public let sourceHash: String
    public let key: String

    public init(sourceHash: String, settings: RenditionSettings, rights: EmbeddedRights) {
        self.sourceHash = sourceHash
        let material = ([settings.fingerprint] + rights.fingerprintParts).joined(separator: "\u{1F}")
        self.key = String(SHA256.hash(data: Array(material.utf8)).hexString.prefix(12))
    }

    public init?(sourceHash: String, key: String) {
        guard Self.isSourceHash(sourceHash), key.utf8.count == 12, key.utf8.allSatisfy(Self.isLowerHex) else {
            return nil
        }
        self.sourceHash = sourceHash
        self.key = key
    }

    /// Path relative to the renditions root, also the URL path after `/renditions/`.
    public func relativePath(of spec: RenditionSpec) -> String {
        "\(sourceHash)/\(key)/\(spec.fileName)"
    }

    /// The folder on disk, fanned out by the first two hex digits so no folder grows huge.
    public var directoryComponents: [String] { [String(sourceHash.prefix(2)), sourceHash, key] }

    public static func isSourceHash(_ value: String) -> Bool {
        value.utf8.count == 64 && value.utf8.allSatisfy(isLowerHex)
    }

    /// On bytes, not characters: every rendition request checks 76 of them.
    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

/// The credit and rights written into every rendition's fresh EXIF (Artist, Copyright)
/// and XMP (the IPTC Photo Metadata Standard's rights properties; nothing else).
public struct EmbeddedRights: Hashable, Sendable {
    /// EXIF Artist and `dc:creator`.
    public var artist: String?
    /// EXIF Copyright and `dc:rights`.
    public var copyright: String?
    /// `photoshop:Credit` (Credit Line).
    public var credit: String?
    /// `xmpRights:WebStatement`.
    public var webStatement: String?
    /// `xmpRights:UsageTerms`.
    public var usageTerms: LanguageAlternative?
    /// `plus:Licensor` with `plus:LicensorName` and `plus:LicensorURL`.
    public var licensorName: String?
    public var licensorURL: String?
    /// `Iptc4xmpExt:DigitalSourceType`.
    public var digitalSourceType: String?

    public init(
        artist: String?, copyright: String?, credit: String? = nil, webStatement: String? = nil,
        usageTerms: LanguageAlternative? = nil, licensorName: String? = nil, licensorURL: String? = nil,
        digitalSourceType: String? = nil
    ) {
        self.artist = artist
        self.copyright = copyright
        self.credit = credit
        self.webStatement = webStatement
        self.usageTerms = usageTerms
        self.licensorName = licensorName
        self.licensorURL = licensorURL
        self.digitalSourceType = digitalSourceType
    }

    /// Every value, so that a changed right makes new renditions (new URLs).
    var fingerprintParts: [String] {
        let terms = usageTerms?.alternatives.map { "\($0.language)=\($0.text)" }.joined(separator: "\u{1E}")
        return [artist, copyright, credit, webStatement, terms, licensorName, licensorURL, digitalSourceType]
            .map { $0 ?? "" }
    }
}

/// Where rendition files live below the renditions folder, shared by the writer (ingest)
/// and the reader (HTTP). URL paths are `<sha256>/<key>/<role>-<width>.<ext>`; on disk
/// they sit one level deeper, under the first two hex digits of the hash.
public enum RenditionLayout {
    /// The path on disk (relative to the renditions folder) for a URL path after
    /// `/renditions/`, or `nil` unless the URL path has exactly the shape galleryd writes.
    /// Nothing else can name a file: no `..`, no encoded separators, no other names.
    public static func diskPath(forURLPath urlPath: String) -> String? {
        let parts = urlPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, RenditionVariant(sourceHash: parts[0], key: parts[1]) != nil,
            isRenditionFileName(parts[2])
        else { return nil }
        return "\(parts[0].prefix(2))/\(urlPath)"
    }

    /// The original's SHA-256 in a rendition's or download's URL path whose shape is
    /// checked: its first 64 bytes.
    public static func sourceHash(ofURLPath urlPath: String) -> String {
        String(decoding: urlPath.utf8.prefix(64), as: UTF8.self)
    }

    /// The path on disk for a URL path known to be valid (from the catalog).
    public static func diskPath(of variant: RenditionVariant, spec: RenditionSpec) -> String {
        (variant.directoryComponents + [spec.fileName]).joined(separator: "/")
    }

    /// `role-width.ext` with a known role and format.
    static func isRenditionFileName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), let dash = name.lastIndex(of: "-"), dash < dot else { return false }
        let role = String(name[..<dash])
        let width = name[name.index(after: dash)..<dot]
        let ext = String(name[name.index(after: dot)...])
        return RenditionRole(rawValue: role) != nil && OutputFormat(fileExtension: ext) != nil
            && !width.isEmpty && width.count <= 5 && width.allSatisfy { $0.isASCII && $0.isNumber }
            && width.first != "0"
    }
}
