internal import CVips
import Imaging

/// JPEGs whose embedded colour profile does not fit their pixels, as tools leave them: a
/// photo converted to grey that kept its sRGB profile, a profile cut short.
extension FixtureEncoder {
    /// The bytes of one of libvips' built-in profiles: "srgb", "cmyk" or "p3".
    public static func builtInProfile(_ name: String) -> [UInt8] {
        VipsRuntime.start()
        var blob: UnsafeMutablePointer<VipsBlob>?
        guard gd_profile_load(name, &blob) == 0, let blob else { fatalError("no built-in profile \(name)") }
        defer { vips_area_unref(UnsafeMutableRawPointer(blob).assumingMemoryBound(to: VipsArea.self)) }
        var length = 0
        guard let data = vips_blob_get(blob, &length) else { fatalError("empty profile \(name)") }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// A one-channel (greyscale) JPEG of the image's luminance, without any profile.
    public static func greyJPEG(_ image: RGBImage) -> [UInt8] {
        VipsRuntime.start()
        let rgb = image.pixels.withUnsafeBytes { bytes in
            vips_image_new_from_memory_copy(
                bytes.baseAddress, bytes.count, Int32(image.width), Int32(image.height), 3, VIPS_FORMAT_UCHAR)
        }!
        defer { gd_object_unref(rgb) }
        var grey: UnsafeMutablePointer<VipsImage>?
        guard gd_colourspace(rgb, &grey, VIPS_INTERPRETATION_B_W) == 0, let grey else {
            fatalError("grey conversion failed")
        }
        defer { gd_object_unref(grey) }
        return save(grey, as: .jpeg(quality: 90))
    }
}

extension JPEGSegments {
    /// Embeds `profile` as APP2 `ICC_PROFILE` segments (split in chunks as the ICC spec
    /// says), right after SOI/APP0; the pixels are unchanged.
    public static func withProfile(_ jpeg: [UInt8], _ profile: [UInt8]) -> [UInt8] {
        precondition(jpeg.starts(with: [0xFF, 0xD8]), "not a JPEG")
        var position = 2
        if jpeg.count > 4, jpeg[2] == 0xFF, jpeg[3] == 0xE0 {
            position = 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5]))
        }
        let chunkSize = 65_519 - 14
        let chunks = stride(from: 0, to: max(profile.count, 1), by: chunkSize).map {
            Array(profile[$0..<min($0 + chunkSize, profile.count)])
        }
        var segments: [UInt8] = []
        for (index, chunk) in chunks.enumerated() {
            segments += segment(0xE2, Array("ICC_PROFILE\0".utf8) + [UInt8(index + 1), UInt8(chunks.count)] + chunk)
        }
        return Array(jpeg[..<position]) + segments + Array(jpeg[position...])
    }
}
