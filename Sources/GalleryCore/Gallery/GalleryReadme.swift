public import Foundation

/// The text files that travel in a gallery's ZIP beside the photos: `LIESMICH.txt`
/// (German) and `README.txt` (English), naming for every file its caption, credit,
/// creator, usage terms and licence URL, so the rights stay with photos once unpacked.
///
/// Plain UTF-8 with CRLF line ends (Windows' editors are where most of them are opened).
public struct GalleryReadme: Sendable {
    public struct Labels: Sendable {
        var language: String
        var gallery, photos, caption, credit, creator, usageTerms, license, source, updated: String
    }

    public static let german = Labels(
        language: "de", gallery: "Galerie", photos: "Fotos", caption: "Bildunterschrift", credit: "Credit",
        creator: "Urheber/in", usageTerms: "Nutzungsbedingungen", license: "Lizenz", source: "Quelle",
        updated: "Stand")
    public static let english = Labels(
        language: "en", gallery: "Gallery", photos: "Photos", caption: "Caption", credit: "Credit",
        creator: "Creator", usageTerms: "Usage terms", license: "Licence", source: "Source", updated: "Updated")

    /// The file names in the archive, with the labels of their language.
    public static let files: [(name: String, labels: Labels)] = [("LIESMICH.txt", german), ("README.txt", english)]

    /// The text of one file. `names[i]` is the name `document.items[i]` has in the archive;
    /// `pageURL` the gallery's page, when the site's public address is known.
    public static func text(
        _ document: GalleryDocument, names: [String], pageURL: String?, labels: Labels
    ) -> String {
        var lines: [String] = []
        lines.append("\(labels.gallery): \(document.title)")
        if let summary = document.summary, !summary.isEmpty { lines += Self.wrapped(summary, indent: "") }
        if let pageURL { lines.append("\(labels.source): \(pageURL)") }
        lines.append("\(labels.updated): \(Self.day(document.updatedAt))")
        lines.append("\(labels.photos): \(document.items.count)")
        for (item, name) in zip(document.items, names) {
            lines.append("")
            lines.append(name)
            let usageTerms = item.usageTermsByLanguage?[labels.language] ?? item.usageTerms
            let fields: [(String, String?)] = [
                (labels.caption, item.caption), (labels.credit, item.credit), (labels.creator, item.creator),
                (labels.usageTerms, usageTerms), (labels.license, item.license),
            ]
            for (label, value) in fields {
                guard let value, !value.isEmpty else { continue }
                lines += Self.wrapped("\(label): \(value)", indent: "    ")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Line breaks inside a value stay, each continued line indented like the first.
    static func wrapped(_ text: String, indent: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { indent + $0 }
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
