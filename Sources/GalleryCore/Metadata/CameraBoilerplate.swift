/// Recognises text that cameras and tools write into description fields by default, which
/// is not a caption ("OLYMPUS DIGITAL CAMERA", "SONY DSC", a file name, the model name).
public enum CameraBoilerplate {
    static let knownPhrases: Set<String> = [
        "OLYMPUS DIGITAL CAMERA", "SONY DSC", "KONICA MINOLTA DIGITAL CAMERA", "MINOLTA DIGITAL CAMERA",
        "DIGITAL CAMERA", "SAMSUNG DIGITAL CAMERA", "SAMSUNG CAMERA PICTURES", "PENTAX DIGITAL CAMERA",
        "KODAK DIGITAL STILL CAMERA", "NIKON DIGITAL CAMERA", "CASIO DIGITAL CAMERA", "DIGITAL STILL CAMERA",
        "DCIM", "DEFAULT", "UNTITLED", "IMAGE", "PICTURE", "PHOTO", "SCREENSHOT", "EXIF_JPEG_PICTURE",
        "EXIF JPEG", "LEAD TECHNOLOGIES INC. V1.01", "CREATED WITH GIMP", "<BESCHREIBUNG>",
        "ASCII", "UNDEFINED", "UNKNOWN", "NONE", "NO DESCRIPTION", "TITLE", "DESCRIPTION",
        // The camera file system standard's version, which some cameras write as a description.
        "DCF 1.0", "DCF 2.0",
    ]

    /// True when `text` is camera boilerplate rather than a caption written by a person.
    public static func matches(_ text: String, make: String? = nil, model: String? = nil) -> Bool {
        let normalized = text.split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
        if normalized.isEmpty || knownPhrases.contains(normalized) { return true }
        if !normalized.contains(where: { $0.isLetter || $0.isNumber }) { return true }
        let cameraNames = [make, model, [make, model].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0?.uppercased().trimmingWhitespace() }
            .filter { !$0.isEmpty }
        if cameraNames.contains(normalized) { return true }
        // "GC-X1E Image": the model with a generic noun.
        for suffix in [" IMAGE", " PICTURE", " PHOTO"] where normalized.hasSuffix(suffix) {
            if cameraNames.contains(String(normalized.dropLast(suffix.count))) { return true }
        }
        let isAllCaps = !text.contains(where: \.isLowercase)
        if isAllCaps && normalized.count <= 40
            && ["CAMERA", "DSC", "DIGITAL STILL", "DIGICAM"].contains(where: normalized.contains)
        {
            return true
        }
        return looksLikeFileName(normalized) || looksLikeIdentifier(normalized)
    }

    /// A long run of hex digits or a UUID: an ID some tool wrote, not words.
    static func looksLikeIdentifier(_ normalized: String) -> Bool {
        let compact = normalized.filter { $0 != "-" }
        return compact.count >= 16 && compact.allSatisfy(\.isHexDigit)
    }

    /// `IMG_1234`, `DSC01234.JPG`, `P1010001`: a camera's file name, not a caption.
    static func looksLikeFileName(_ normalized: String) -> Bool {
        // A path on the card (`DCIM\100GOPRO\GOPR0482.JPG`) is judged by its last part.
        if let separator = normalized.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            return looksLikeFileName(String(normalized[normalized.index(after: separator)...]))
        }
        let prefixes = ["IMG", "DSC", "DSCN", "DSCF", "DCP", "PICT", "P", "CIMG", "SDC", "PXL", "GOPR", "_MG", "_DSC"]
        var rest = Substring(normalized)
        for ext in [".JPG", ".JPEG", ".HEIC", ".PNG", ".TIF", ".TIFF"] where rest.hasSuffix(ext) {
            rest = rest.dropLast(ext.count)
        }
        guard let prefix = prefixes.sorted(by: { $0.count > $1.count }).first(where: rest.hasPrefix) else {
            return false
        }
        rest = rest.dropFirst(prefix.count)
        if rest.first == "_" || rest.first == "-" { rest = rest.dropFirst() }
        return rest.count >= 3 && rest.allSatisfy { $0.isNumber || $0 == "_" }
    }
}
