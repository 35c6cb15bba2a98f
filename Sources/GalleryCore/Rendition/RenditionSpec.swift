/// What a rendition is for: the thumbnail strip, the carousel, or the print-quality
/// download (listed apart, as the item's `download`, never in its `renditions`).
public enum RenditionRole: String, Codable, Sendable, CaseIterable, Comparable {
    case thumbnail
    case carousel
    case download

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

/// One rendition to make: a role, its size in pixels (never above the source's), whether it
/// is a crop, and a format.
public struct RenditionSpec: Hashable, Sendable, Codable {
    public var role: RenditionRole
    public var width: Int
    public var height: Int
    /// A part of the source (chosen by libvips' attention strategy), not the whole picture:
    /// thumbnails of extreme strips and panoramas.
    public var crop: Bool
    public var format: OutputFormat

    public init(role: RenditionRole, width: Int, height: Int, crop: Bool = false, format: OutputFormat) {
        self.role = role
        self.width = width
        self.height = height
        self.crop = crop
        self.format = format
    }

    /// The file name inside the asset's rendition folder, e.g. `carousel-1024.webp`.
    public var fileName: String { "\(role.rawValue)-\(width).\(format.fileExtension)" }
}

/// The configured rendition set: sizes, formats and encoder settings.
///
/// Every rendition fits a box: the thumbnail 320×320, each carousel size its width and a
/// height of 1.5 times that (a 2:3 portrait keeps its width; a 150×9000 strip does not
/// become 9000 pixels tall). Defaults follow what responsive-image tools produce: carousel
/// widths of 640, 1024, 1600 and 2048 px, in WebP and JPEG (AVIF is opt-in: it encodes
/// about ten times slower).
public struct RenditionSettings: Hashable, Sendable, Codable {
    public var thumbnailWidth: Int
    public var thumbnailHeight: Int
    public var carouselWidths: [Int]
    /// How tall a carousel size may be, as a multiple of its width.
    public var carouselHeightRatio: Double
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
    /// The print-quality download.
    public var download: DownloadSettings

    public init(
        thumbnailWidth: Int = 320,
        thumbnailHeight: Int = 320,
        carouselWidths: [Int] = [640, 1024, 1600, 2048],
        carouselHeightRatio: Double = 1.5,
        formats: [OutputFormat] = [.webp, .jpeg],
        jpegQuality: Int = 80,
        webpQuality: Int = 78,
        avifQuality: Int = 55,
        webpEffort: Int = 2,
        burnCredit: Bool = false,
        download: DownloadSettings = DownloadSettings()
    ) {
        self.download = download
        self.thumbnailWidth = thumbnailWidth
        self.thumbnailHeight = thumbnailHeight
        self.carouselWidths = carouselWidths
        self.carouselHeightRatio = carouselHeightRatio
        self.formats = formats
        self.jpegQuality = jpegQuality
        self.webpQuality = webpQuality
        self.avifQuality = avifQuality
        self.webpEffort = min(6, max(0, webpEffort))
        self.burnCredit = burnCredit
    }

    /// The boxes of the carousel sizes, widest last.
    public var carouselBoxes: [(width: Int, height: Int)] {
        carouselWidths.map { ($0, max(1, Int((Double($0) * carouselHeightRatio).rounded()))) }
    }

    /// The renditions for a source of the given upright size: each fits its role's box,
    /// keeps the source's aspect ratio and is never upscaled (sizes the source cannot fill
    /// collapse into one at the source's own size). A thumbnail stays a thumbnail: when
    /// fitting would leave its short side under a quarter of the box (a panorama, a strip),
    /// it shows a part of the source at 4:1 (or 1:4) instead, chosen by the renderer's
    /// attention strategy — as large as the box allows, never upscaled.
    public func plan(sourceWidth: Int, sourceHeight: Int) -> [RenditionSpec] {
        guard sourceWidth > 0, sourceHeight > 0 else { return [] }
        var sizes: [(role: RenditionRole, width: Int, height: Int, crop: Bool)] = []
        sizes.append(thumbnail(sourceWidth: sourceWidth, sourceHeight: sourceHeight))
        var seen: Set<Int> = []
        for box in carouselBoxes.sorted(by: { $0.width < $1.width }) where box.width > 0 && box.height > 0 {
            let size = Self.fit(sourceWidth, sourceHeight, in: box)
            if seen.insert(size.width).inserted { sizes.append((.carousel, size.width, size.height, false)) }
        }
        return sizes.flatMap { size in
            formats.map {
                RenditionSpec(role: size.role, width: size.width, height: size.height, crop: size.crop, format: $0)
            }
        }
    }

    private func thumbnail(sourceWidth w: Int, sourceHeight h: Int) -> (
        role: RenditionRole, width: Int, height: Int, crop: Bool
    ) {
        let box = (width: thumbnailWidth, height: thumbnailHeight)
        let fitted = Self.fit(w, h, in: box)
        // The widest (tallest) a thumbnail may be: a quarter of the box on its short side.
        let wideLimit = Double(box.width) / (Double(box.height) / 4)
        let tallLimit = Double(box.height) / (Double(box.width) / 4)
        if Double(w) / Double(h) > wideLimit {
            let cropWidth = max(1, Int((Double(h) * wideLimit).rounded()))
            let size = Self.fit(cropWidth, h, in: box)
            return (.thumbnail, size.width, size.height, true)
        }
        if Double(h) / Double(w) > tallLimit {
            let cropHeight = max(1, Int((Double(w) * tallLimit).rounded()))
            let size = Self.fit(w, cropHeight, in: box)
            return (.thumbnail, size.width, size.height, true)
        }
        return (.thumbnail, fitted.width, fitted.height, false)
    }

    /// `width`×`height` scaled to fit `box`, never up, at least 1×1.
    public static func fit(_ width: Int, _ height: Int, in box: (width: Int, height: Int)) -> (width: Int, height: Int)
    {
        let scale = min(1, Double(box.width) / Double(width), Double(box.height) / Double(height))
        return (
            max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded()))
        )
    }

    /// Identifies the encoder settings in rendition paths: a change makes new URLs.
    public var fingerprint: String {
        let parts = [
            "t\(thumbnailWidth)x\(thumbnailHeight)",
            "c" + carouselBoxes.map { "\($0.width)x\($0.height)" }.joined(separator: ","),
            "f" + formats.map(\.rawValue).joined(separator: ","),
            "q\(jpegQuality),\(webpQuality),\(avifQuality)", "e\(webpEffort)", burnCredit ? "burn" : "",
            download.fingerprint,
            // v3: renditions carry the rights as XMP.
            "v3",
        ]
        return parts.joined(separator: ";")
    }
}
