/// The language of a portal page: German by default, English with `?lang=en`.
///
/// The choice lives in the URL (no cookie, nothing stored), so every link the page makes
/// carries it on.
enum PortalLocale: String, Sendable, CaseIterable {
    case de, en

    init(query lang: String?) {
        self = lang?.lowercased().hasPrefix("en") == true ? .en : .de
    }

    /// `?lang=en` for English, nothing for the default.
    var query: String { self == .de ? "" : "?lang=" + rawValue }

    var other: PortalLocale { self == .de ? .en : .de }
}
