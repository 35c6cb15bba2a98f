import Archive
import Crypto
import Foundation
import GalleryCore

/// What goes into a gallery's ZIP, decided when the gallery's document is built: for every
/// item its print download (or, where downloads are off or not yet made, its largest JPEG
/// rendition) under its download name, then `LIESMICH.txt` and `README.txt`.
///
/// The plan knows the archive's length without reading a photo (sizes come from the
/// catalog), so the gallery JSON can say it; the CRCs the headers need are read once, on
/// the first download (``GalleryZipLayouts``).
struct GalleryZipPlan: Sendable {
    enum Source: Sendable, Hashable {
        /// A file under the renditions folder (relative path).
        case file(String)
        case text([UInt8])
    }

    struct Member: Sendable, Hashable {
        var name: String
        var source: Source
        var byteCount: Int
    }

    let slug: String
    let members: [Member]
    let photoCount: Int
    let modified: Date
    let forceZip64: Bool
    /// Strong: a digest of every name, size, file and text (captions, credits and rights
    /// are in the texts; a remade photo has another file path).
    let etag: String
    /// Bytes of the archive.
    let byteCount: Int

    /// `nil` for a gallery without photos.
    init?(document: GalleryDocument, pageURL: String?, forceZip64: Bool) {
        var members: [Member] = []
        var names: [String] = []
        var shown = document
        shown.items = []
        for item in document.items {
            if let download = item.download, download.url.hasPrefix(Self.downloadPrefix),
                let (relative, _) = DownloadName.resolve(
                    urlPath: String(download.url.dropFirst(Self.downloadPrefix.count)))
            {
                members.append(Member(name: download.fileName, source: .file(relative), byteCount: download.bytes))
            } else if let rendition = item.renditions.filter({ $0.format == .jpeg }).max(by: { $0.width < $1.width }),
                rendition.url.hasPrefix(Self.renditionPrefix),
                let relative = RenditionLayout.diskPath(
                    forURLPath: String(rendition.url.dropFirst(Self.renditionPrefix.count)))
            {
                let name = DownloadName.fileName(slug: document.slug, position: item.position, credit: item.credit)
                members.append(Member(name: name, source: .file(relative), byteCount: rendition.bytes))
            } else {
                continue
            }
            names.append(members[members.count - 1].name)
            shown.items.append(item)
        }
        guard !members.isEmpty else { return nil }
        for (name, labels) in GalleryReadme.files {
            let text = GalleryReadme.text(shown, names: names, pageURL: pageURL, labels: labels)
            let bytes = Array(text.utf8)
            members.append(Member(name: name, source: .text(bytes), byteCount: bytes.count))
        }
        self.slug = document.slug
        self.members = members
        self.photoCount = names.count
        self.modified = document.updatedAt
        self.forceZip64 = forceZip64
        var hasher = SHA256()
        hasher.update(data: Array("\(forceZip64)\n".utf8))
        for member in members {
            hasher.update(data: Array("\(member.name)\u{0}\(member.byteCount)\u{0}".utf8))
            switch member.source {
            case .file(let path): hasher.update(data: Array("f\(path)\n".utf8))
            case .text(let bytes): hasher.update(data: bytes)
            }
        }
        etag = "\"zip-" + hasher.finalize().hexString.prefix(32) + "\""
        byteCount =
            (try? ZipLayout(entries: Self.entries(members, crcs: nil, modified: modified), forceZip64: forceZip64))?
            .byteCount ?? 0
    }

    static let downloadPrefix = "/downloads/"
    static let renditionPrefix = "/renditions/"

    var url: String { "/downloads/galleries/\(slug).zip" }

    var summary: GalleryZipDocument { GalleryZipDocument(url: url, bytes: byteCount, count: photoCount) }

    /// Bytes held in memory (the texts, the names).
    var ownBytes: Int {
        members.reduce(0) { total, member in
            if case .text(let bytes) = member.source { return total + bytes.count + 64 }
            return total + member.name.utf8.count + 96
        }
    }

    static func entries(_ members: [Member], crcs: [UInt32]?, modified: Date) -> [ZipEntry] {
        members.enumerated().map { index, member in
            ZipEntry(name: member.name, byteCount: member.byteCount, crc32: crcs?[index] ?? 0, modified: modified)
        }
    }
}
