/// Where the first sentence of a caption ends, in German or English press text.
///
/// A full stop ends a sentence only when whitespace and a capital letter, a digit or an
/// opening quote follow, and the word before it is no abbreviation: not one of the titles
/// and shortenings a press caption uses (`Prof.`, `Dr.`, `Nr.`, `St.`, `bzw.`, `ca.`,
/// `Abs.`, `stv.`, `Mr.` …), not a single letter (initials such as `E. Lichtenscheidt`, the
/// parts of `z. B.` and `u. a.`), not a one- or two-digit number (ordinals such as
/// `3. Oktober`), and not a word with a full stop inside (`z.B.`, `i.e.`). `!` and `?`
/// end a sentence before whitespace and a capital letter.
///
/// ICU's sentence break iterator was measured first (Debian's ICU 72 and Foundation's,
/// locale `de@ss=standard`): it ends the sentence after `Prof.`, `z.`, `E.` and `3.` in the
/// ministry's own captions, so the rules are written here, with the abbreviations of
/// CLDR's German and English suppression lists that press captions use, plus those it lacks.
public enum SentenceBoundary {
    /// The first sentence of `text`, with its closing punctuation; the whole text when it
    /// has one sentence only.
    public static func firstSentence(of text: String) -> String {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "." || character == "!" || character == "?" || character == "…",
                endsSentence(characters, at: index)
            {
                // With the quotes and brackets that close it.
                var end = index + 1
                while end < characters.count, closers.contains(characters[end]) { end += 1 }
                return String(characters[..<end])
            }
            index += 1
        }
        return text
    }

    private static func endsSentence(_ characters: [Character], at index: Int) -> Bool {
        // Whitespace, then the start of a sentence.
        var next = index + 1
        // Closing quotes and brackets belong to the sentence they close.
        while next < characters.count, closers.contains(characters[next]) { next += 1 }
        guard next < characters.count, characters[next].isWhitespace else { return false }
        while next < characters.count, characters[next].isWhitespace { next += 1 }
        guard next < characters.count else { return false }
        let start = characters[next]
        guard start.isUppercase || start.isNumber || "\"'„“»«(".contains(start) else { return false }
        guard characters[index] == "." else { return true }
        // The word before the full stop.
        var first = index
        while first > 0, !characters[first - 1].isWhitespace, !"(\"'„“»«/".contains(characters[first - 1]) {
            first -= 1
        }
        let word = String(characters[first..<index])
        if word.isEmpty { return true }
        if word.contains(".") { return false }  // z.B., i.e., o.ä.
        if word.count == 1 && word.first!.isLetter { return false }  // E. Lichtenscheidt, z. B.
        if word.allSatisfy(\.isNumber) {
            // 3. Oktober, 24. Juni: an ordinal; a year (2019.) ends a sentence.
            return word.count > 2
        }
        return !abbreviations.contains(word.lowercased())
    }

    private static let closers: Set<Character> = ["\"", "'", "»", "«", "”", "“", ")", "]"]

    /// Lower case, without the full stop.
    static let abbreviations: Set<String> = [
        // Titles and forms of address.
        "prof", "dr", "dres", "dipl", "ing", "mag", "med", "jur", "phil", "rer", "nat", "oec", "pol", "habil",
        "hon", "h.c", "em", "sen", "jun", "jr", "sr", "mr", "mrs", "ms", "hr", "fr", "frl", "st", "sts", "hl",
        "stv", "stellv", "vors", "präs", "min", "abg", "gen", "lt", "kapt", "rev",
        // Shortenings of a caption.
        "nr", "no", "bzw", "ca", "abs", "art", "bd", "bde", "bsp", "vgl", "usw", "etc", "inkl", "exkl", "ggf",
        "evtl", "zzgl", "abzgl", "gem", "geb", "gest", "verh", "str", "tel", "fax", "mio", "mrd", "tsd", "jh",
        "jhd", "jhdt", "lfd", "ff", "sog", "bspw", "insb", "u.a", "allg", "ehem", "einschl", "entspr", "erg",
        "gegr", "jan", "feb", "febr", "mär", "apr", "aug", "sept", "sep", "okt", "nov", "dez", "mo", "di", "mi",
        "do", "sa", "so", "vs", "approx", "dept", "est", "fig", "inc", "ltd", "co", "corp", "vol", "pp", "ed",
        "eds", "rd", "ave", "incl", "excl", "resp", "cf", "viz", "esp", "dt", "engl", "franz", "frz", "ital", "mt",
        "ft", "kl", "gr", "ggü", "zw", "ugs", "urspr", "usf", "vorm", "nachm",
    ]
}
