public import Foundation

/// The print-quality download: a JPEG in sRGB at `quality`, its long side at most
/// `maxLongSide` pixels (0: the original size), with the same EXIF and XMP rights as every
/// rendition and nothing else.
public struct DownloadSettings: Hashable, Sendable, Codable {
    /// The site's switch (config `downloads.enabled`); a gallery may turn it off or on.
    public var enabled: Bool
    public var quality: Int
    public var maxLongSide: Int

    public init(enabled: Bool = true, quality: Int = 92, maxLongSide: Int = 0) {
        self.enabled = enabled
        self.quality = min(100, max(1, quality))
        self.maxLongSide = max(0, maxLongSide)
    }

    /// The download of a source of the given upright size: never upscaled.
    public func spec(sourceWidth: Int, sourceHeight: Int) -> RenditionSpec? {
        guard sourceWidth > 0, sourceHeight > 0 else { return nil }
        let side = maxLongSide > 0 ? maxLongSide : max(sourceWidth, sourceHeight)
        let size = RenditionSettings.fit(sourceWidth, sourceHeight, in: (side, side))
        return RenditionSpec(role: .download, width: size.width, height: size.height, format: .jpeg)
    }

    /// Part of the rendition fingerprint: a new quality or size makes new URLs.
    var fingerprint: String { "d\(quality),\(maxLongSide)" }
}

/// Names and addresses of downloads.
///
/// The URL is `/downloads/<sha256>/<key>/<width>/<file name>`: the first three parts name
/// the file (`download-<width>.jpg` in the variant's folder, so the bytes behind a URL never
/// change); the last is the name it is saved as, percent-encoded, which the server puts into
/// `Content-Disposition` (RFC 6266) after ``DownloadName/sanitized(_:)``.
public enum DownloadName {
    /// `<slug>-<position, two digits>-<credit>.jpg`, e.g.
    /// `kabinett-03-MWIDE-NRW-E-Lichtenscheidt.jpg`.
    public static func fileName(slug: String, position: Int, credit: String) -> String {
        let number = position < 10 ? "0\(position)" : String(position)
        let creditPart = sanitized(credit.replacingOccurrences(of: "©", with: ""))
        let base = [slug, number, creditPart].filter { !$0.isEmpty }.joined(separator: "-")
        return prefix(base, utf8Bytes: maximumNameBytes) + ".jpg"
    }

    /// Bytes of a saved name at most (before `.jpg`): counted in UTF-8, not in characters,
    /// since one character can carry thousands of combining marks — a name bounded in
    /// characters made 48 KB URLs and `Content-Disposition` headers that proxies refuse.
    public static let maximumNameBytes = 150

    /// The longest prefix of `text`, in whole characters, of at most `limit` UTF-8 bytes.
    public static func prefix(_ text: String, utf8Bytes limit: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= limit else { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// Letters, digits, `.` and `_` kept (any script); every other run of characters
    /// becomes one `-`; no leading or trailing `-` or `.`. Safe in a header and as a file
    /// name on every system.
    public static func sanitized(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for character in text {
            if character.isLetter || character.isNumber || character == "_" || character == "." {
                if pendingDash, !result.isEmpty { result.append("-") }
                pendingDash = false
                result.append(character)
            } else {
                pendingDash = true
            }
        }
        while let first = result.first, first == "." || first == "-" { result.removeFirst() }
        return result
    }

    /// `name` with only ASCII letters, digits, `-`, `_` and `.`: the `filename` parameter
    /// for clients that do not read `filename*` (umlauts lose their dots: ä → a).
    public static func asciiFallback(_ name: String) -> String {
        let folded = name.folding(options: .diacriticInsensitive, locale: nil)
        let ascii = String(
            folded.unicodeScalars.map { scalar -> Character in
                let c = Character(scalar)
                return scalar.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "-"
            })
        return ascii.isEmpty ? "download.jpg" : ascii
    }

    /// The URL path of a download of `variant`.
    public static func urlPath(of variant: RenditionVariant, width: Int, fileName: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: allowed) ?? "download.jpg"
        return "/downloads/\(variant.sourceHash)/\(variant.key)/\(width)/\(encoded)"
    }

    /// For a URL path after `/downloads/`: the file on disk (relative to the renditions
    /// folder) and the sanitised name to save it as; `nil` unless the path has exactly the
    /// shape ``urlPath(of:width:fileName:)`` makes.
    public static func resolve(urlPath: String) -> (diskPath: String, fileName: String)? {
        let parts = urlPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let variant = RenditionVariant(sourceHash: parts[0], key: parts[1]),
            let width = Int(parts[2]), width > 0, width <= 1 << 20, String(width) == parts[2]
        else { return nil }
        let spec = RenditionSpec(role: .download, width: width, height: 0, format: .jpeg)
        let requested = parts[3].removingPercentEncoding ?? ""
        var name = sanitized(requested)
        if name.lowercased().hasSuffix(".jpg") { name = String(name.dropLast(4)) }
        name = prefix(name, utf8Bytes: maximumNameBytes)
        return (RenditionLayout.diskPath(of: variant, spec: spec), (name.isEmpty ? "download" : name) + ".jpg")
    }
}
