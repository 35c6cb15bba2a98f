import Foundation

/// Text as search compares it, the same for what is indexed and what is asked: lower case,
/// no diacritics (`Müller` → `muller`, `é` → `e`), `ß` → `ss`, split into words of letters
/// and digits at anything else — so a hyphenated name is its parts (`Boschin-Heinz` →
/// `boschin`, `heinz`), in order.
public enum SearchText {
    /// The words of `text`, folded, in order.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func finish() {
            if !current.isEmpty { words.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for scalar in fold(text).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(scalar)
            } else {
                finish()
            }
        }
        finish()
        return words
    }

    /// Lower case, `ß` as `ss`, and every combining mark of the canonical decomposition
    /// dropped (`Ü` = `U` + U+0308 → `u`); letters without a decomposition (`ø`, `ł`) stay.
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.lowercased().replacingOccurrences(of: "ß", with: "ss").decomposedStringWithCanonicalMapping
            .unicodeScalars where scalar.properties.generalCategory != .nonspacingMark
        {
            folded.append(scalar)
        }
        return String(folded)
    }
}
