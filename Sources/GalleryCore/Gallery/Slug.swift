import Foundation

/// The URL name of a gallery, derived from its folder name as API.md specifies:
/// lower-cased, German umlauts transliterated, everything outside `a-z0-9` becomes `-`,
/// repeats and ends trimmed.
///
/// ```swift
/// Slug(folderName: "Auftaktkonferenz Modellkommunen").value  // "auftaktkonferenz-modellkommunen"
/// ```
public struct Slug: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(folderName: String) {
        var result = ""
        var lastWasDash = true
        for character in folderName.precomposedStringWithCanonicalMapping.lowercased() {
            let mapped: String
            switch character {
            case "ä": mapped = "ae"
            case "ö": mapped = "oe"
            case "ü": mapped = "ue"
            case "ß": mapped = "ss"
            case "a"..."z", "0"..."9": mapped = String(character)
            default: mapped = "-"
            }
            if mapped == "-" {
                if !lastWasDash { result.append("-") }
                lastWasDash = true
            } else {
                result.append(mapped)
                lastWasDash = false
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        self.value = result
    }

    /// A slug given verbatim (from a sidecar or a URL), accepted only if it is already in
    /// canonical form.
    public init?(validating value: String) {
        guard !value.isEmpty, value.count <= 200, Slug(folderName: value).value == value else { return nil }
        self.value = value
    }

    public var description: String { value }
}
