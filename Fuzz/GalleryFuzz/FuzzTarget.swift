import Foundation
import GalleryCore
import Stemming
import Yams

@testable import Imaging

/// Feeds one input to one of galleryd's readers of untrusted bytes, chosen by its first
/// byte: the IPTC, XMP, EXIF (libexif) and container readers (TIFF IFDs, PNG chunks), the
/// sidecar's YAML, the rendition path parser, the `publishAt` / `unpublishAt` reader and
/// the search query parser (with Snowball's German stemmer). A reader may reject anything; it must never crash, hang or read
/// out of bounds (AddressSanitizer watches in the fuzzing build).
enum FuzzTarget {
    static let readers = [
        "iptc", "xmp", "exif", "tiff", "sidecar", "rendition-path", "publication-time", "search-query",
    ]
    static let german = try? SnowballStemmer(language: "german")
    /// A few photos to run parsed queries against (the index's binary searches and phrase
    /// arithmetic see every query the parser lets through).
    static let index: SearchIndex? = german.map { german in
        var index = SearchIndex(timeZone: .gmt)
        let captions = [
            "Andreas Pinkwart in Düsseldorf: Konferenz der Modellkommunen", "Straße, Café und Bürger",
            "Nadja Boschin-Heinz spricht; ko kop kopf 2019",
        ]
        let items = captions.enumerated().map { position, caption in
            GalleryItem(
                id: AssetID(relativePath: "g/\(position).jpg"), position: position + 1, count: captions.count,
                text: BoundText(caption: caption, credit: "© MWIDE NRW", creditSource: .house), width: 1, height: 1,
                takenAt: nil, placeholder: nil, renditions: [])
        }
        index.replace(
            GalleryDocument(
                slug: "g", title: "Termine", summary: "Förderphase", updatedAt: Date(timeIntervalSince1970: 0),
                items: items, consent: ConsentState(policyVersion: "1", granted: [])),
            version: [1, 0], stemmer: german)
        index.prepare()
        return index
    }

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
        case 6:
            // A time that parses is printed and read back to the same instant.
            let text = String(decoding: bytes, as: UTF8.self)
            if case .success(let date) = PublicationTime.parse(text, field: "publishAt", zone: .gmt),
                case .success(let again) = PublicationTime.parse(
                    PublicationTime.text(date), field: "publishAt", zone: .gmt)
            {
                precondition(abs(again.timeIntervalSince(date)) < 0.001, "\(text) does not read back")
            }
        case 7:
            // Any text is a query or a problem naming `q`; every term has words.
            guard let german else { return }
            let text = String(decoding: bytes, as: UTF8.self)
            if let query = try? SearchQuery.parse(text, stemmer: german) {
                precondition(query.terms.count <= SearchQuery.maximumTerms)
                for term in query.terms {
                    if case .phrase(let stems) = term { precondition(stems.count > 1, "\(text): a phrase of one word") }
                }
                if let index {
                    let found = index.search(query, limit: 2)
                    precondition(found.total <= 3 && found.hits.count == min(2, found.total), "\(text)")
                }
            }
        default:
            _ = RenditionLayout.diskPath(forURLPath: String(decoding: bytes, as: UTF8.self))
        }
    }
}
