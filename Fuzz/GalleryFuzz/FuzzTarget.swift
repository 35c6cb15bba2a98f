import Foundation
import GalleryCore
import Yams

@testable import Imaging

/// Feeds one input to one of galleryd's readers of untrusted bytes, chosen by its first
/// byte: the IPTC, XMP, EXIF (libexif) and container readers (TIFF IFDs, PNG chunks), the
/// sidecar's YAML, and the rendition path parser. A reader may reject anything; it must never crash, hang or read
/// out of bounds (AddressSanitizer watches in the fuzzing build).
enum FuzzTarget {
    static let readers = ["iptc", "xmp", "exif", "tiff", "sidecar", "rendition-path"]

    static func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let bytes = Array(input.dropFirst())
        switch Int(selector) % readers.count {
        case 0: _ = IPTCReader.read(bytes)
        case 1: _ = XMPReader.read(bytes)
        case 2: _ = ExifReader.read(bytes)
        case 3:
            // Both walk a container's structure; a PNG input starts with its signature.
            _ = bytes.withUnsafeBytes { TIFFTagReader.read($0) }
            _ = (PNGMetadataReader.signature + bytes).withUnsafeBytes { PNGMetadataReader.read($0) }
        case 4:
            // As galleryd reads a sidecar: the syntax gate first (no anchors, aliases, tags or
            // deep nesting), then the YAML library.
            guard let text = String(validating: bytes, as: UTF8.self), SidecarSyntax.problem(in: text) == nil
            else { return }
            _ = try? YAMLDecoder().decode(GallerySidecar.self, from: text)
        default:
            _ = RenditionLayout.diskPath(forURLPath: String(decoding: bytes, as: UTF8.self))
        }
    }
}
