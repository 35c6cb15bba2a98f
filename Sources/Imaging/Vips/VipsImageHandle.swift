internal import CVips

/// Owns one `VipsImage` reference and releases it when it goes away.
///
/// libvips images are immutable once built, so a handle may be read from several threads
/// at once (several encodes of one decoded image run in parallel).
final class VipsImageHandle: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) {
        self.pointer = pointer
    }

    /// Runs a libvips operation that writes a new image to its out-parameter.
    static func make(
        _ operation: String, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws(VipsError) -> VipsImageHandle {
        var out: UnsafeMutablePointer<VipsImage>?
        guard body(&out) == 0, let out else { throw VipsError(operation) }
        return VipsImageHandle(out)
    }

    deinit { gd_object_unref(pointer) }

    /// The header of an encoded image, pixels not decoded; `nil` when libvips cannot read it.
    static func header(of buffer: UnsafeRawBufferPointer) -> VipsImageHandle? {
        guard let pointer = gd_image_new_from_buffer(buffer.baseAddress, buffer.count, VIPS_FAIL_ON_NONE) else {
            vips_error_clear()
            return nil
        }
        return VipsImageHandle(pointer)
    }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    var bandFormat: VipsBandFormat { vips_image_get_format(pointer) }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(pointer) }
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    var isSRGB: Bool { interpretation == VIPS_INTERPRETATION_sRGB }

    func hasField(_ field: String) -> Bool { gd_image_has_field(pointer, field) != 0 }

    func int(_ field: String) -> Int? {
        guard gd_image_has_field(pointer, field) != 0 else { return nil }
        var value: Int32 = 0
        guard vips_image_get_int(pointer, field, &value) == 0 else {
            vips_error_clear()
            return nil
        }
        return Int(value)
    }

    func blob(_ field: String) -> [UInt8]? {
        guard gd_image_has_field(pointer, field) != 0 else { return nil }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(pointer, field, &data, &length) == 0, let data, length > 0 else {
            vips_error_clear()
            return nil
        }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    var loader: String { gd_image_loader(pointer).map { String(cString: $0) } ?? "" }

    /// Decodes the whole pipeline into memory once, so that several outputs can be derived
    /// without decoding the source again.
    func copyToMemory() throws(VipsError) -> VipsImageHandle {
        guard let copy = vips_image_copy_memory(pointer) else { throw VipsError("copy_memory") }
        return VipsImageHandle(copy)
    }

    /// A shallow copy whose metadata may be changed without touching this image.
    func copy() throws(VipsError) -> VipsImageHandle {
        try .make("copy") { gd_copy(pointer, $0) }
    }

    /// Removes every metadata field (EXIF, XMP, IPTC, ICC, orientation, …) and sets a fresh
    /// EXIF block and XMP packet instead (none when empty). Call on a private copy only.
    func replaceMetadata(exif: [UInt8], xmp: [UInt8] = []) {
        if let fields = vips_image_get_fields(pointer) {
            var index = 0
            while let field = fields[index] {
                let name = String(cString: field)
                // Built-in header fields (width, bands, …) are not metadata and cannot be removed.
                if !Self.headerFields.contains(name) { vips_image_remove(pointer, field) }
                index += 1
            }
            g_strfreev(fields)
        }
        exif.withUnsafeBytes { bytes in
            vips_image_set_blob_copy(pointer, "exif-data", bytes.baseAddress, bytes.count)
        }
        guard !xmp.isEmpty else { return }
        // libvips writes it as JPEG APP1 (`http://ns.adobe.com/xap/1.0/`), the WebP `XMP `
        // chunk and the HEIF/AVIF `mime` item.
        xmp.withUnsafeBytes { bytes in
            vips_image_set_blob_copy(pointer, "xmp-data", bytes.baseAddress, bytes.count)
        }
    }

    private static let headerFields: Set<String> = [
        "width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset",
        "xres", "yres", "filename", "mode", "scale", "offset", "demand",
    ]
}
