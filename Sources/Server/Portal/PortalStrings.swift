import Foundation

/// Every text of the portal pages in German and English. The server renders them into the
/// page and hands the whole table to portal.js as a JSON data block, so each text exists
/// once. Placeholders are written `{name}`.
struct PortalStrings: Sendable {
    let locale: PortalLocale

    subscript(_ key: Key) -> String {
        let pair = Self.table[key] ?? (key.rawValue, key.rawValue)
        return locale == .de ? pair.de : pair.en
    }

    /// The text with `{name}` placeholders filled in.
    func format(_ key: Key, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacing("{" + name + "}", with: value) }
        return text
    }

    /// A file size as people read it: `4,2 MB` (German) or `4.2 MB`, `850 kB`, `2.1 GB`
    /// (SI units; a gallery's ZIP reaches gigabytes).
    func fileSize(_ bytes: Int) -> String {
        let megabytes = Double(bytes) / 1_000_000
        if megabytes < 1 { return "\(max(1, Int((Double(bytes) / 1000).rounded()))) kB" }
        let (value, unit) = megabytes < 1000 ? (megabytes, "MB") : (megabytes / 1000, "GB")
        let tenths = Int((value * 10).rounded())
        let text = "\(tenths / 10)" + (locale == .de ? "," : ".") + "\(tenths % 10)"
        return text + " " + unit
    }

    /// The table in this locale as a JSON object, for portal.js.
    func json() -> String {
        var object: [String: String] = [:]
        for key in Key.allCases { object[key.rawValue] = self[key] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    enum Key: String, CaseIterable, Sendable {
        case siteName, skipToContent, galleries, galleryLabel, imageCount, languageName, languageSwitchLabel
        case carousel, slide, previous, next, position, thumbnails, showImage
        case consentOpen, consentTitle, consentIntro, consentHint, consentPermanent, consentPermanentHint
        case consentLifetime, recipient, storage, hosts, privacyPolicy, rejectAll, withdrawAll, close
        case statusNone, statusOnce, statusPermanent, unavailable, reask, rateLimited, failed, saved
        case embedsHeading, loadOnce, allowAlways, viewOn, newWindow, noPreview, hideEmbed, withdrawService
        case embedLoaded, embedRemoved, noscript, notFoundTitle, notFoundText, noGalleries, backToList
        case footerNote, adminTitle, share, shareOn, shareByEmail, moreGalleries
        case aiGenerated, aiEdited, download, galleryZip, usageTerms, license, listDescription
        case search, searchLabel, searchButton, searchFound, searchNone, searchHint, searchRefine, searchGallery
        case searchPersons, searchKeywords, searchYears, searchFilters, searchRemoveFilter, searchMore, searchInGallery
    }

    // swift-format-ignore
    static let table: [Key: (de: String, en: String)] = [
        .siteName: ("Pressefotos", "Press photos"),
        .skipToContent: ("Zum Inhalt springen", "Skip to content"),
        .galleries: ("Galerien", "Galleries"),
        .galleryLabel: ("Galerie", "Gallery"),
        .imageCount: ("{count} Bilder", "{count} images"),
        .languageName: ("English", "Deutsch"),
        .languageSwitchLabel: ("Sprache: English", "Language: Deutsch"),
        .carousel: ("Karussell", "carousel"),
        .slide: ("Bild", "slide"),
        .previous: ("Vorheriges Bild", "Previous image"),
        .next: ("Nächstes Bild", "Next image"),
        .position: ("{position} von {count}", "{position} of {count}"),
        .thumbnails: ("Bildauswahl", "Choose an image"),
        .showImage: ("Bild {position} anzeigen", "Show image {position}"),
        .consentOpen: ("Social-Media-Einstellungen", "Social media settings"),
        .consentTitle: ("\"Social Media\"-Einstellungen", "\"Social media\" settings"),
        .consentIntro: (
            "Wenn Sie diese Felder durch einen Klick aktivieren, werden Informationen an die nachfolgenden Dienste übertragen und dort gespeichert:",
            "When you activate these fields with a click, information is transferred to the following services and stored there:"
        ),
        .consentHint: (
            "Bitte beachten Sie unsere Informationen und Hinweise zum Datenschutz und zur Netiquette bevor Sie die einzelnen Sozialen Medien aktivieren.",
            "Please read our information on data protection and netiquette before you activate the individual social media."
        ),
        .consentPermanent: (
            "Datenfeeds von sozialen Netzwerken dauerhaft aktivieren und Datenübertragung zustimmen",
            "Activate data feeds from social networks permanently and consent to the data transfer"
        ),
        .consentPermanentHint: (
            "Ohne diese Zustimmung gilt Ihre Auswahl nur für diesen Seitenaufruf; es wird nichts gespeichert.",
            "Without this consent your choice applies to this page view only; nothing is stored."
        ),
        .consentLifetime: (
            "Mit dieser Zustimmung speichert diese Website Ihre Auswahl {days} Tage lang in einem Cookie.",
            "With this consent, this website keeps your choice in a cookie for {days} days."
        ),
        .recipient: ("Empfänger", "Recipient"),
        .storage: ("Speicherdauer", "Storage"),
        .hosts: ("Kontaktierte Server", "Servers contacted"),
        .privacyPolicy: ("Datenschutzerklärung von {service}", "{service} privacy policy"),
        .rejectAll: ("Alle ablehnen", "Reject all"),
        .withdrawAll: ("Alle Einwilligungen widerrufen", "Withdraw all consents"),
        .close: ("Schließen", "Close"),
        .statusNone: ("Derzeit ist kein Dienst aktiviert.", "No service is active."),
        .statusOnce: ("Für diesen Seitenaufruf aktiviert: {services}", "Active for this page view: {services}"),
        .statusPermanent: ("Dauerhaft aktiviert bis {date}: {services}", "Active until {date}: {services}"),
        .unavailable: (
            "Die Social-Media-Einstellungen sind derzeit nicht verfügbar.",
            "The social media settings are not available right now."
        ),
        .reask: (
            "Die Datenschutzhinweise haben sich geändert. Bitte entscheiden Sie erneut.",
            "The privacy information has changed. Please decide again."
        ),
        .rateLimited: (
            "Zu viele Anfragen. Bitte versuchen Sie es in einer Minute erneut.",
            "Too many requests. Please try again in a minute."
        ),
        .failed: ("Das hat nicht geklappt. Bitte versuchen Sie es erneut.", "That did not work. Please try again."),
        .saved: ("Ihre Auswahl ist gespeichert.", "Your choice is saved."),
        .embedsHeading: ("Beiträge in sozialen Medien", "Social media posts"),
        .loadOnce: ("Einmal laden", "Load once"),
        .allowAlways: ("Immer für {service} erlauben", "Always allow {service}"),
        .viewOn: ("Auf {service} ansehen", "View on {service}"),
        .newWindow: ("öffnet ein neues Fenster", "opens a new window"),
        .noPreview: ("Keine Vorschau: Inhalt von {service}", "No preview: content from {service}"),
        .hideEmbed: ("Ausblenden", "Hide"),
        .withdrawService: ("Einwilligung für {service} widerrufen", "Withdraw consent for {service}"),
        .embedLoaded: ("Inhalt von {service} geladen.", "Content from {service} loaded."),
        .embedRemoved: ("Inhalt von {service} entfernt.", "Content from {service} removed."),
        .noscript: (
            "Zum Aktivieren von Inhalten sozialer Netzwerke wird JavaScript benötigt. Über die Links können Sie die Beiträge direkt bei den Anbietern ansehen.",
            "Activating social network content needs JavaScript. The links open the posts on the platforms themselves."
        ),
        .notFoundTitle: ("Galerie nicht gefunden", "Gallery not found"),
        .notFoundText: (
            "Unter dieser Adresse ist keine Galerie veröffentlicht.", "No gallery is published at this address."
        ),
        .noGalleries: ("Es ist noch keine Galerie veröffentlicht.", "No gallery has been published yet."),
        .backToList: ("Alle Galerien", "All galleries"),
        .moreGalleries: ("Weitere Galerien", "More galleries"),
        // EU AI Act Art. 50: visible beside the credit, read by screen readers with it.
        .aiGenerated: ("KI-generiert", "AI-generated"),
        .aiEdited: ("mit KI bearbeitet", "AI-edited"),
        .download: (
            "Herunterladen (Druckqualität, {width} × {height} px, {size})",
            "Download (print quality, {width} × {height} px, {size})"
        ),
        .galleryZip: (
            "Alle {count} Fotos als ZIP herunterladen ({size}, mit Bildunterschriften und Nutzungsbedingungen)",
            "Download all {count} photos as one ZIP ({size}, with captions and usage terms)"
        ),
        .usageTerms: ("Nutzungsbedingungen", "Terms of use"),
        .license: ("Lizenz", "Licence"),
        .listDescription: (
            "Pressefotos zur freien redaktionellen Verwendung, mit Bildunterschriften und Bildnachweisen.",
            "Press photos for editorial use, with captions and credits."
        ),
        .footerNote: (
            "Bilder und Texte dieser Seite kommen von diesem Server. Inhalte sozialer Netzwerke werden erst nach Ihrer Zustimmung geladen.",
            "Images and texts on this page come from this server. Social network content loads only after you consent."
        ),
        .adminTitle: ("Redaktion", "Editorial"),
        .share: ("Teilen", "Share"),
        .shareOn: ("Auf {service} teilen", "Share on {service}"),
        .shareByEmail: ("Per E-Mail teilen", "Share by e-mail"),
        .search: ("Suche", "Search"),
        .searchLabel: ("Fotos suchen", "Search photos"),
        .searchButton: ("Suchen", "Search"),
        .searchFound: ("{count} Fotos gefunden", "{count} photos found"),
        .searchNone: ("Keine Fotos gefunden.", "No photos found."),
        .searchHint: (
            "Namen, Orte, Anlässe oder Stichwörter; \"in Anführungszeichen\" für genau diese Wortfolge.",
            "Names, places, events or keywords; \"in quotes\" for exactly these words in this order."
        ),
        .searchRefine: ("Eingrenzen", "Refine"),
        .searchGallery: ("Galerie", "Gallery"),
        .searchPersons: ("Personen", "People"),
        .searchKeywords: ("Stichwörter", "Keywords"),
        .searchYears: ("Jahre", "Years"),
        .searchFilters: ("Eingegrenzt auf", "Narrowed to"),
        .searchRemoveFilter: ("{value} entfernen", "Remove {value}"),
        .searchMore: ("Weitere Fotos", "More photos"),
        .searchInGallery: ("aus „{title}“", "from “{title}”"),
    ]
}
