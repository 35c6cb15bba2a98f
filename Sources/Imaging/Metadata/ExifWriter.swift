internal import CExif
import Foundation
import GalleryCore

/// Builds the only EXIF a published rendition carries: Artist and Copyright from the bound
/// credit. Nothing else of the original survives (no GPS, no maker notes, no serials).
enum ExifWriter {
    static func block(for credit: EmbeddedRights) -> [UInt8] {
        guard let data = exif_data_new() else { return [] }
        defer { exif_data_unref(data) }
        exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        exif_data_set_byte_order(data, EXIF_BYTE_ORDER_INTEL)
        exif_data_set_data_type(data, EXIF_DATA_TYPE_COMPRESSED)
        if let artist = credit.artist { addASCII(artist, tag: EXIF_TAG_ARTIST, to: data) }
        if let copyright = credit.copyright { addASCII(copyright, tag: EXIF_TAG_COPYRIGHT, to: data) }
        // ColorSpace 1 = sRGB: what every rendition is.
        addShort(1, tag: EXIF_TAG_COLOR_SPACE, ifd: EXIF_IFD_EXIF, to: data)
        var buffer: UnsafeMutablePointer<UInt8>?
        var length: UInt32 = 0
        exif_data_save_data(data, &buffer, &length)
        guard let buffer else { return [] }
        defer { free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    private static func addShort(
        _ value: UInt16, tag: ExifTag, ifd: ExifIfd, to data: UnsafeMutablePointer<ExifData>
    ) {
        guard let entry = exif_entry_new(), let content = gd_exif_ifd(data, ifd) else { return }
        defer { exif_entry_unref(entry) }
        guard let storage = calloc(2, 1)?.assumingMemoryBound(to: UInt8.self) else { return }
        exif_set_short(storage, EXIF_BYTE_ORDER_INTEL, value)
        entry.pointee.tag = tag
        entry.pointee.format = EXIF_FORMAT_SHORT
        entry.pointee.components = 1
        entry.pointee.size = 2
        entry.pointee.data = storage
        exif_content_add_entry(content, entry)
    }

    /// EXIF ASCII fields hold UTF-8 here (EXIF 3.0 allows it; exiftool reads it as such),
    /// so "©" and umlauts survive.
    private static func addASCII(_ text: String, tag: ExifTag, to data: UnsafeMutablePointer<ExifData>) {
        guard let entry = exif_entry_new(), let ifd = gd_exif_ifd(data, EXIF_IFD_0) else { return }
        defer { exif_entry_unref(entry) }
        let bytes = Array(text.utf8) + [0]
        // exif_entry_new uses libexif's default allocator (calloc/free), which frees this.
        guard let storage = calloc(bytes.count, 1)?.assumingMemoryBound(to: UInt8.self) else { return }
        storage.initialize(from: bytes, count: bytes.count)
        entry.pointee.tag = tag
        entry.pointee.format = EXIF_FORMAT_ASCII
        entry.pointee.components = UInt(bytes.count)
        entry.pointee.size = UInt32(bytes.count)
        entry.pointee.data = storage
        exif_content_add_entry(ifd, entry)
    }
}
