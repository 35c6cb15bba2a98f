internal import CVips

/// An embedded ICC colour profile, judged by its header before libvips is asked to apply it.
///
/// Tools leave profiles behind that do not fit the pixels (an sRGB profile on a photo
/// converted to grey, a CMYK profile on an RGB file), cut them short or write versions
/// lcms does not read. Such a profile is ignored with a warning: the pixels still decode.
struct ColourProfile {
    /// The colour space of pixels or of a profile, as far as galleryd tells them apart.
    enum Space: Equatable {
        case grey, rgb, cmyk, other

        /// The space of decoded pixels, from the image header.
        init(interpretation: VipsInterpretation, bands: Int) {
            switch interpretation {
            case VIPS_INTERPRETATION_CMYK: self = .cmyk
            case VIPS_INTERPRETATION_B_W, VIPS_INTERPRETATION_GREY16: self = .grey
            case VIPS_INTERPRETATION_sRGB, VIPS_INTERPRETATION_RGB, VIPS_INTERPRETATION_RGB16,
                VIPS_INTERPRETATION_scRGB:
                self = bands >= 3 ? .rgb : .grey
            default:
                self = bands <= 2 ? .grey : .other
            }
        }

        /// The data colour space field of an ICC header (bytes 16–19).
        init(signature: ArraySlice<UInt8>) {
            switch String(decoding: signature, as: UTF8.self) {
            case "GRAY": self = .grey
            case "RGB ": self = .rgb
            case "CMYK": self = .cmyk
            default: self = .other
            }
        }

        /// "an RGB", "a CMYK", "a greyscale".
        var withArticle: String { (self == .rgb ? "an " : "a ") + name }

        var name: String {
            switch self {
            case .grey: "greyscale"
            case .rgb: "RGB"
            case .cmyk: "CMYK"
            case .other: "other"
            }
        }
    }

    static let headerSize = 128

    let bytes: [UInt8]

    /// Why this profile cannot be applied to pixels in `imageSpace`, or `nil` when it looks
    /// usable (libvips may still refuse it; the renderer then ignores it all the same).
    func problem(forImageIn imageSpace: Space) -> String? {
        // Header plus the tag count.
        guard bytes.count >= Self.headerSize + 4 else {
            return "the profile is truncated (\(bytes.count) bytes, less than an ICC header)"
        }
        guard bytes[36..<40].elementsEqual(Array("acsp".utf8)) else { return "not an ICC profile" }
        let declared = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        if declared > bytes.count { return "the profile is truncated (\(bytes.count) of \(declared) bytes)" }
        let major = Int(bytes[8])
        if major > 4 { return "ICC version \(major).\(bytes[9] >> 4) is not supported" }
        if !hasSoundTagTable(size: declared) { return "the profile's tag table is corrupt" }
        let profileSpace = Space(signature: bytes[16..<20])
        if profileSpace != .other, imageSpace != .other, profileSpace != imageSpace {
            return "\(profileSpace.withArticle) profile on \(imageSpace.withArticle) image"
        }
        return nil
    }

    /// Every tag (signature, offset, size) lies inside the declared profile size.
    private func hasSoundTagTable(size: Int) -> Bool {
        func u32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let count = u32(Self.headerSize)
        guard count <= (size - Self.headerSize - 4) / 12 else { return false }
        for index in 0..<count {
            let entry = Self.headerSize + 4 + index * 12
            let (offset, length) = (u32(entry + 4), u32(entry + 8))
            guard offset >= Self.headerSize, length <= size - offset else { return false }
        }
        return true
    }
}
