internal import CExif
import GalleryCore

/// Reads the EXIF fields galleryd uses from an EXIF block (as libvips hands it over,
/// `Exif\0\0` header optional), through libexif.
///
/// libexif bounds every offset and count it reads and stops at IFD loops; on top of that
/// every string is decoded by ``TextNormalizer`` (UTF-8, else Windows-1252) and bounded.
enum ExifReader {
    static func read(_ block: [UInt8]) -> ExifFields? {
        guard !block.isEmpty, let data = exif_data_new() else { return nil }
        defer { exif_data_unref(data) }
        // Load as written: FOLLOW_SPECIFICATION would "fix" the data by adding default tags.
        exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        // WebP, PNG (eXIf) and HEIF carry the TIFF structure without JPEG's `Exif\0\0`
        // header, which libexif needs to find it.
        let tiffStart: [[UInt8]] = [[0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A]]
        let loadable = tiffStart.contains { block.starts(with: $0) } ? Array("Exif\0\0".utf8) + block : block
        loadable.withUnsafeBufferPointer { exif_data_load_data(data, $0.baseAddress, UInt32($0.count)) }
        let document = ExifDocument(data: data)
        var fields = ExifFields()
        fields.imageDescription = document.ascii(EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION)
        fields.artist = document.ascii(EXIF_IFD_0, EXIF_TAG_ARTIST)
        fields.copyright = document.copyright()
        fields.make = document.ascii(EXIF_IFD_0, EXIF_TAG_MAKE)
        fields.model = document.ascii(EXIF_IFD_0, EXIF_TAG_MODEL)
        // Never IFD0 DateTime: that is when the file was last changed (MWG ModifyDate).
        fields.dateTimeOriginal = document.ascii(EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL)
        fields.offsetTimeOriginal = document.ascii(EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL)
        fields.subSecTimeOriginal = document.ascii(EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL)
        fields.orientation = document.short(EXIF_IFD_0, EXIF_TAG_ORIENTATION).map(Int.init)
        fields.userComment = document.userComment()
        fields.xpTitle = document.utf16(EXIF_IFD_0, EXIF_TAG_XP_TITLE)
        fields.xpComment = document.utf16(EXIF_IFD_0, EXIF_TAG_XP_COMMENT)
        fields.xpAuthor = document.utf16(EXIF_IFD_0, EXIF_TAG_XP_AUTHOR)
        fields.hasGPS = (gd_exif_ifd(data, EXIF_IFD_GPS)?.pointee.count ?? 0) > 0
        return fields
    }
}

/// Typed access to the entries of a loaded `ExifData`; valid while the data lives.
private struct ExifDocument {
    let data: UnsafeMutablePointer<ExifData>

    var byteOrder: ExifByteOrder { exif_data_get_byte_order(data) }

    func bytes(_ ifd: ExifIfd, _ tag: ExifTag) -> [UInt8]? {
        guard let entry = gd_exif_get_entry(data, ifd, tag), let raw = entry.pointee.data,
            entry.pointee.size > 0
        else { return nil }
        return Array(UnsafeBufferPointer(start: raw, count: Int(entry.pointee.size)))
    }

    func ascii(_ ifd: ExifIfd, _ tag: ExifTag) -> String? {
        bytes(ifd, tag).flatMap(TextNormalizer.decode)
    }

    func short(_ ifd: ExifIfd, _ tag: ExifTag) -> UInt16? {
        guard let entry = gd_exif_get_entry(data, ifd, tag), entry.pointee.format == EXIF_FORMAT_SHORT,
            let raw = entry.pointee.data, entry.pointee.size >= 2
        else { return nil }
        return exif_get_short(raw, byteOrder)
    }

    /// Windows XP tags: UCS-2 little-endian in a BYTE array, whatever the file's byte order.
    func utf16(_ ifd: ExifIfd, _ tag: ExifTag) -> String? {
        bytes(ifd, tag).flatMap(TextNormalizer.decodeUTF16LE)
    }

    /// EXIF Copyright holds "photographer\0editor"; both parts are kept.
    func copyright() -> String? {
        guard let raw = bytes(EXIF_IFD_0, EXIF_TAG_COPYRIGHT) else { return nil }
        let parts = raw.split(separator: 0, omittingEmptySubsequences: true).compactMap(TextNormalizer.decode)
        return parts.isEmpty ? nil : parts.joined(separator: " / ")
    }

    /// UserComment starts with an 8-byte character code: ASCII, UNICODE (UCS-2 in the
    /// file's byte order), JIS, or zeros for "undefined".
    func userComment() -> String? {
        guard let raw = bytes(EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT), raw.count > 8 else { return nil }
        let code = raw.prefix(8)
        let text = raw.dropFirst(8)
        switch Array(code) {
        case Array("UNICODE\0".utf8):
            if byteOrder == EXIF_BYTE_ORDER_INTEL { return TextNormalizer.decodeUTF16LE(text) }
            var swapped = Array(text)
            var index = 0
            while index + 1 < swapped.count {
                swapped.swapAt(index, index + 1)
                index += 2
            }
            return TextNormalizer.decodeUTF16LE(swapped)
        case Array("JIS\0\0\0\0\0".utf8):
            return nil
        default:
            return TextNormalizer.decode(text)
        }
    }
}
