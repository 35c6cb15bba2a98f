/// What a rendition is for: the thumbnail strip or the carousel.
public enum RenditionRole: String, Codable, Sendable, CaseIterable, Comparable {
    case thumbnail
    case carousel

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An encoded web format galleryd publishes.
public enum OutputFormat: String, Codable, Sendable, CaseIterable {
    case avif
    case webp
    case jpeg

    public var mime: String {
        switch self {
        case .avif: "image/avif"
        case .webp: "image/webp"
        case .jpeg: "image/jpeg"
        }
    }

    public var fileExtension: String {
        switch self {
        case .avif: "avif"
        case .webp: "webp"
        case .jpeg: "jpg"
        }
    }

    public init?(fileExtension: String) {
        guard let format = Self.allCases.first(where: { $0.fileExtension == fileExtension }) else { return nil }
        self = format
    }
}

/// One rendition to make: a role, a target width (never above the source's) and a format.
public struct RenditionSpec: Hashable, Sendable, Codable {
    public var role: RenditionRole
    public var width: Int
    public var format: OutputFormat

    public init(role: RenditionRole, width: Int, format: OutputFormat) {
        self.role = role
        self.width = width
        self.format = format
    }

    /// The file name inside the asset's rendition folder, e.g. `carousel-1024.webp`.
    public var fileName: String { "\(role.rawValue)-\(width).\(format.fileExtension)" }
}

/// The configured rendition set: sizes, formats and encoder settings.
///
/// Defaults follow what responsive-image tools produce: a 320 px thumbnail and carousel
/// widths of 640, 1024, 1600 and 2048 px, in WebP and JPEG (AVIF is opt-in: it encodes
/// about ten times slower).
public struct RenditionSettings: Hashable, Sendable, Codable {
    public var thumbnailWidth: Int
    public var carouselWidths: [Int]
    public var formats: [OutputFormat]
    public var jpegQuality: Int
    public var webpQuality: Int
    public var avifQuality: Int
    /// libwebp's effort (0 fastest … 6 smallest). 2 encodes about twice as fast as 4 for
    /// files a few percent larger: a photo is online within half a second.
    public var webpEffort: Int
    /// Burn the credit as a visible line into carousel renditions (off by default; for
    /// sites whose images are reused where captions are lost).
    public var burnCredit: Bool

    public init(
        thumbnailWidth: Int = 320,
        carouselWidths: [Int] = [640, 1024, 1600, 2048],
        formats: [OutputFormat] = [.webp, .jpeg],
        jpegQuality: Int = 80,
        webpQuality: Int = 78,
        avifQuality: Int = 55,
        webpEffort: Int = 2,
        burnCredit: Bool = false
    ) {
        self.thumbnailWidth = thumbnailWidth
        self.carouselWidths = carouselWidths
        self.formats = formats
        self.jpegQuality = jpegQuality
        self.webpQuality = webpQuality
        self.avifQuality = avifQuality
        self.webpEffort = min(6, max(0, webpEffort))
        self.burnCredit = burnCredit
    }

    /// The renditions for a source of the given upright width. Widths above the source are
    /// replaced by one rendition at the source's own width, so nothing is ever upscaled and
    /// the largest size available is still offered.
    public func plan(sourceWidth: Int) -> [RenditionSpec] {
        let roles: [(RenditionRole, [Int])] = [(.thumbnail, [thumbnailWidth]), (.carousel, carouselWidths)]
        var specs: [RenditionSpec] = []
        for (role, configured) in roles {
            var widths = Set(configured.filter { $0 > 0 && $0 <= sourceWidth })
            if configured.contains(where: { $0 > sourceWidth }) && sourceWidth > 0 {
                widths.insert(sourceWidth)
            }
            for width in widths.sorted() {
                for format in formats {
                    specs.append(RenditionSpec(role: role, width: width, format: format))
                }
            }
        }
        return specs
    }

    /// Identifies the encoder settings in rendition paths: a change makes new URLs.
    public var fingerprint: String {
        let parts = [
            "t\(thumbnailWidth)", "c" + carouselWidths.map(String.init).joined(separator: ","),
            "f" + formats.map(\.rawValue).joined(separator: ","),
            "q\(jpegQuality),\(webpQuality),\(avifQuality)", "e\(webpEffort)", burnCredit ? "burn" : "", "v1",
        ]
        return parts.joined(separator: ";")
    }
}
