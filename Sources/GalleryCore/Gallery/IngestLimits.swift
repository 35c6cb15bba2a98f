/// Source formats galleryd accepts, by the libvips loader that recognised the bytes (never
/// by file name). Vector and document formats (SVG, PDF) are refused: they can reference
/// external resources and take unbounded time to render.
public enum SourceFormat: String, Codable, Sendable, CaseIterable {
    case jpeg, png, webp, heif, tiff, gif

    /// Maps a libvips loader, by class name (`VipsForeignLoadJpegBuffer`) or nickname
    /// (`jpegload_buffer`), to a format.
    public init?(loader: String) {
        switch Self.loaderKind(loader) {
        case "jpeg": self = .jpeg
        case "png", "spng": self = .png
        case "webp": self = .webp
        case "heif": self = .heif
        case "tiff": self = .tiff
        case "gif", "nsgif": self = .gif
        default: return nil
        }
    }

    /// The format part of a loader name: `VipsForeignLoadSvgBuffer` → `svg`.
    public static func loaderKind(_ loader: String) -> String {
        var name = loader.lowercased()
        if name.hasPrefix("vipsforeignload") { name.removeFirst("vipsforeignload".count) }
        for suffix in ["_buffer", "_source", "buffer", "source", "file", "load"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name
    }
}

/// Limits checked on the header, before any pixel is decoded.
public struct IngestLimits: Sendable, Hashable {
    public var maxPixels: Int
    public var maxBytes: Int
    public var maxFrames: Int
    public var allowedFormats: Set<SourceFormat>

    public init(
        maxPixels: Int = 100_000_000, maxBytes: Int = 256 * 1024 * 1024, maxFrames: Int = 1_000,
        allowedFormats: Set<SourceFormat> = Set(SourceFormat.allCases)
    ) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
        self.maxFrames = maxFrames
        self.allowedFormats = allowedFormats
    }

    /// Why a file of this size may not be read at all, or `nil`.
    public func check(fileSize: Int) -> QuarantineReason? {
        if fileSize == 0 { return .emptyFile }
        if fileSize > maxBytes { return .tooLarge(bytes: fileSize, limit: maxBytes) }
        return nil
    }

    /// Why a file with this header may not be decoded, or `nil`.
    public func check(format: SourceFormat?, loader: String, width: Int, height: Int, frames: Int)
        -> QuarantineReason?
    {
        guard let format, allowedFormats.contains(format) else { return .unsupportedFormat(loader: loader) }
        if width <= 0 || height <= 0 { return .undecodable(detail: "image has no pixels") }
        if width * height > maxPixels { return .tooManyPixels(width: width, height: height, limit: maxPixels) }
        if frames > maxFrames { return .tooManyFrames(frames: frames, limit: maxFrames) }
        return nil
    }
}

/// Why a file was not published. `code` is stable for machines; `message` is for people.
public enum QuarantineReason: Error, Hashable, Sendable {
    case emptyFile
    case tooLarge(bytes: Int, limit: Int)
    case unsupportedFormat(loader: String)
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case tooManyFrames(frames: Int, limit: Int)
    /// The pixels themselves do not decode (truncated, corrupt). Never for metadata such as
    /// an unusable colour profile, which is ignored with a warning.
    case undecodable(detail: String)
    /// The pixels decoded but a rendition could not be resized or encoded.
    case renderFailed(detail: String)
    case symlinkOutsideMediaRoot(target: String)
    /// A folder on the way to the file is a symbolic link, and `watch.followSymlinks` is off.
    case symlinkedFolder(folder: String)
    case notInGallery
    case unreadable(detail: String)
    case slugCollision(slug: String, folder: String)
    /// The same bytes were erased by an admin (``erased`` is the tombstone's sentence): they
    /// are not published again until the tombstone is lifted.
    case erased(String)
    /// A reason recorded earlier, for a file that has not changed since.
    case recorded(code: String, message: String)

    public var code: String {
        switch self {
        case .emptyFile: "empty-file"
        case .tooLarge: "too-large"
        case .unsupportedFormat: "unsupported-format"
        case .tooManyPixels: "too-many-pixels"
        case .tooManyFrames: "too-many-frames"
        case .undecodable: "undecodable"
        case .renderFailed: "render-failed"
        case .symlinkOutsideMediaRoot: "symlink-outside-media"
        case .symlinkedFolder: "symlinked-folder"
        case .notInGallery: "not-in-gallery"
        case .unreadable: "unreadable"
        case .slugCollision: "slug-collision"
        case .erased: "erased"
        case .recorded(let code, _): code
        }
    }

    public var message: String {
        switch self {
        case .emptyFile:
            "the file is empty (0 bytes)"
        case .tooLarge(let bytes, let limit):
            "the file has \(bytes) bytes, more than the limit of \(limit)"
        case .unsupportedFormat(let loader):
            loader.isEmpty
                ? "not an image galleryd can read (JPEG, PNG, WebP, HEIC/AVIF, TIFF, GIF)"
                : "format \(SourceFormat.loaderKind(loader).uppercased()) is not accepted (JPEG, PNG, WebP, HEIC/AVIF, TIFF, GIF only)"
        case .tooManyPixels(let width, let height, let limit):
            "the image claims \(width)×\(height) pixels, more than the limit of \(limit / 1_000_000) MP"
        case .tooManyFrames(let frames, let limit):
            "the image has \(frames) frames, more than the limit of \(limit)"
        case .undecodable(let detail):
            "the image cannot be decoded: \(detail)"
        case .renderFailed(let detail):
            "the image decoded, but its renditions could not be made: \(detail)"
        case .symlinkOutsideMediaRoot(let target):
            "symbolic link to \(target), outside the media folder"
        case .symlinkedFolder(let folder):
            "the folder \(folder) is a symbolic link, and watch.followSymlinks is off"
        case .notInGallery:
            "the file is not inside a gallery folder (media/<gallery>/<file>)"
        case .unreadable(let detail):
            "the file cannot be read: \(detail)"
        case .slugCollision(let slug, let folder):
            "the folder maps to slug \"\(slug)\", which folder \"\(folder)\" already uses"
        case .erased(let tombstone):
            tombstone
        case .recorded(_, let message):
            message
        }
    }
}
