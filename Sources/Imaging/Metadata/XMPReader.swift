import Foundation
import GalleryCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the caption, credit, rights, keyword, person, event and location properties from
/// an XMP packet.
///
/// Packets with a DTD or entity declaration are refused outright: XMP never needs one, and
/// refusing it rules out external entities and entity expansion ("billion laughs").
/// Language alternatives resolve to `de`, then `x-default`, then the first.
enum XMPReader {
    static let maximumPacketSize = 2 * 1024 * 1024

    static func read(_ packet: [UInt8]) -> XMPFields? {
        guard !packet.isEmpty, packet.count <= maximumPacketSize else { return nil }
        // Foundation's XMLParser on Linux traps on a name that is not valid UTF-8
        // (swift-corelibs-foundation #5534), so only well-formed UTF-8 is parsed; a UTF-16
        // packet (XMP allows it, with a BOM) is converted first.
        let utf8: [UInt8]
        if let encoding = unicodeEncoding(of: packet) {
            guard let text = String(bytes: packet, encoding: encoding) else { return nil }
            utf8 = Array(text.utf8)
        } else {
            guard String(validating: packet, as: UTF8.self) != nil else { return nil }
            utf8 = packet
        }
        let data = Data(withoutProcessingInstructions(utf8))
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            return nil
        }
        let collector = XMPCollector()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        _ = parser.parse()
        // A packet cut short still yields the properties read before the error.
        let fields = collector.fields
        return fields == XMPFields() ? nil : fields
    }

    /// UTF-16 or UTF-32 (XMP Part 1, §7.1 allows both): a byte-order mark, or the packet's
    /// first character `<` with the zero bytes around it that give the width and order.
    static func unicodeEncoding(of packet: [UInt8]) -> String.Encoding? {
        let head = Array(packet.prefix(4))
        switch head {
        case [0x00, 0x00, 0xFE, 0xFF], [0x00, 0x00, 0x00, 0x3C]: return .utf32BigEndian
        case [0xFF, 0xFE, 0x00, 0x00], [0x3C, 0x00, 0x00, 0x00]: return .utf32LittleEndian
        default: break
        }
        switch Array(head.prefix(2)) {
        case [0xFE, 0xFF], [0xFF, 0xFE]: return .utf16
        case [0x00, 0x3C]: return .utf16BigEndian
        case [0x3C, 0x00]: return .utf16LittleEndian
        default: return nil
        }
    }

    /// The packet with every processing instruction (`<?xpacket …?>`, `<?xml …?>`, any
    /// other) blanked out: they carry nothing galleryd reads, and Foundation's XMLParser on
    /// Linux crashes (a NULL strlen in its namespace handling) on one whose target has a
    /// prefix, such as `<?dc:x?>` — found by scripts/fuzz, kept in Fuzz/corpus.
    static func withoutProcessingInstructions(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        var index = 0
        while index + 1 < result.count {
            guard result[index] == UInt8(ascii: "<"), result[index + 1] == UInt8(ascii: "?") else {
                index += 1
                continue
            }
            var end = index + 2
            while end < result.count, !(result[end] == UInt8(ascii: ">") && result[end - 1] == UInt8(ascii: "?")) {
                end += 1
            }
            let last = min(end, result.count - 1)
            for position in index...last { result[position] = UInt8(ascii: " ") }
            index = last + 1
        }
        return result
    }
}

/// The XMP namespaces galleryd reads and writes (XMP Part 1; IPTC Photo Metadata Standard 2023.2;
/// PLUS License Data Format).
enum XMPNamespace {
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let photoshop = "http://ns.adobe.com/photoshop/1.0/"
    static let xmpRights = "http://ns.adobe.com/xap/1.0/rights/"
    static let iptcCore = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    static let iptcExtension = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    static let plus = "http://ns.useplus.org/ldf/xmp/1.0/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xml = "http://www.w3.org/XML/1998/namespace"
}

/// The properties galleryd reads, by namespace and local name.
private enum Property: CaseIterable {
    case description, creator, rights, credit, headline, webStatement, altText, dateCreated
    case usageTerms, licensorName, licensorURL, longDescription, digitalSourceType
    case subject, personInImage, event
    case location, city, state, country, countryCode
    /// Fields of a Location structure (IPTC Extension): kept only inside the first
    /// `Iptc4xmpExt:LocationShown`.
    case shownSublocation, shownCity, shownProvinceState, shownCountryName, shownCountryCode

    var isLocationShownField: Bool {
        switch self {
        case .shownSublocation, .shownCity, .shownProvinceState, .shownCountryName, .shownCountryCode: true
        default: false
        }
    }

    init?(namespace: String?, name: String) {
        switch (namespace, name) {
        case (XMPNamespace.dc, "description"): self = .description
        case (XMPNamespace.dc, "creator"): self = .creator
        case (XMPNamespace.dc, "rights"): self = .rights
        case (XMPNamespace.photoshop, "Credit"): self = .credit
        case (XMPNamespace.photoshop, "Headline"): self = .headline
        case (XMPNamespace.photoshop, "DateCreated"): self = .dateCreated
        case (XMPNamespace.xmpRights, "WebStatement"): self = .webStatement
        case (XMPNamespace.iptcCore, "AltTextAccessibility"): self = .altText
        case (XMPNamespace.iptcCore, "ExtDescrAccessibility"): self = .longDescription
        case (XMPNamespace.xmpRights, "UsageTerms"): self = .usageTerms
        // Fields of the first `plus:Licensor` structure (a Seq of them); nowhere else.
        case (XMPNamespace.plus, "LicensorName"): self = .licensorName
        case (XMPNamespace.plus, "LicensorURL"): self = .licensorURL
        case (XMPNamespace.iptcExtension, "DigitalSourceType"): self = .digitalSourceType
        case (XMPNamespace.dc, "subject"): self = .subject
        case (XMPNamespace.iptcExtension, "PersonInImage"): self = .personInImage
        case (XMPNamespace.iptcExtension, "Event"): self = .event
        case (XMPNamespace.iptcCore, "Location"): self = .location
        case (XMPNamespace.photoshop, "City"): self = .city
        case (XMPNamespace.photoshop, "State"): self = .state
        case (XMPNamespace.photoshop, "Country"): self = .country
        case (XMPNamespace.iptcCore, "CountryCode"): self = .countryCode
        case (XMPNamespace.iptcExtension, "Sublocation"): self = .shownSublocation
        case (XMPNamespace.iptcExtension, "City"): self = .shownCity
        case (XMPNamespace.iptcExtension, "ProvinceState"): self = .shownProvinceState
        case (XMPNamespace.iptcExtension, "CountryName"): self = .shownCountryName
        case (XMPNamespace.iptcExtension, "CountryCode"): self = .shownCountryCode
        default: return nil
        }
    }
}

private final class XMPCollector: NSObject, XMLParserDelegate {
    /// Values per property: (language or nil, text), in document order.
    private var values: [Property: [(language: String?, text: String)]] = [:]
    private var current: Property?
    private var currentLanguage: String?
    private var text = ""
    private var depthInProperty = 0
    private var elementCount = 0
    /// Inside `Iptc4xmpExt:LocationShown`: its element depth, and which of its `rdf:li`
    /// structures (0: the first) is being read; nil outside it.
    private var locationShown: (depth: Int, item: Int)?

    var fields: XMPFields {
        XMPFields(
            description: pick(.description), creator: list(.creator), rights: pick(.rights),
            credit: pick(.credit), headline: pick(.headline), webStatement: pick(.webStatement),
            altText: pick(.altText), dateCreated: pick(.dateCreated), usageTerms: alternatives(.usageTerms),
            licensorName: pick(.licensorName), licensorURL: pick(.licensorURL),
            longDescription: pick(.longDescription), digitalSourceType: pick(.digitalSourceType),
            subjects: names(.subject), personsInImage: names(.personInImage), event: pick(.event),
            locationShown: place(
                sublocation: .shownSublocation, city: .shownCity, region: .shownProvinceState,
                country: .shownCountryName, countryCode: .shownCountryCode),
            location: place(
                sublocation: .location, city: .city, region: .state, country: .country, countryCode: .countryCode))
    }

    /// Every value of a Bag or Seq of names, in order.
    private func names(_ property: Property) -> [String]? {
        let names = (values[property] ?? []).compactMap { TextNormalizer.clean($0.text) }
        return names.isEmpty ? nil : names
    }

    private func place(
        sublocation: Property, city: Property, region: Property, country: Property, countryCode: Property
    ) -> PhotoLocation? {
        PhotoLocation(
            sublocation: pick(sublocation), city: pick(city), region: pick(region), country: pick(country),
            countryCode: pick(countryCode)
        ).cleaned
    }

    /// Whether a value of `property` read here counts: a Location structure's field only
    /// in the first LocationShown (not in LocationCreated, not in a later one).
    private func keeps(_ property: Property) -> Bool {
        guard property.isLocationShownField else { return true }
        guard let locationShown else { return false }
        return locationShown.item <= 0
    }

    /// Every language of a language alternative (`xmpRights:UsageTerms`).
    private func alternatives(_ property: Property) -> LanguageAlternative? {
        var byLanguage: [String: String] = [:]
        for entry in values[property] ?? [] {
            let language = entry.language ?? "x-default"
            if byLanguage[language.lowercased()] == nil { byLanguage[language] = entry.text }
        }
        return LanguageAlternative(byLanguage)
    }

    private func pick(_ property: Property) -> String? {
        guard let entries = values[property], !entries.isEmpty else { return nil }
        let preferred =
            entries.first { $0.language?.lowercased() == "de" }
            ?? entries.first { $0.language?.lowercased().hasPrefix("de-") == true }
            ?? entries.first { $0.language == "x-default" }
            ?? entries[0]
        return TextNormalizer.clean(preferred.text)
    }

    /// `dc:creator` is an ordered list of names.
    private func list(_ property: Property) -> String? {
        let names = (values[property] ?? []).compactMap { TextNormalizer.clean($0.text) }
        return names.isEmpty ? nil : TextNormalizer.clean(names.joined(separator: "; "))
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        elementCount += 1
        if elementCount > 100_000 {
            parser.abortParsing()
            return
        }
        if current != nil {
            depthInProperty += 1
            if namespaceURI == XMPNamespace.rdf && elementName == "li" {
                currentLanguage = attributeDict["xml:lang"] ?? attributeDict["lang"]
                text = ""
            }
            return
        }
        if var shown = locationShown {
            shown.depth += 1
            // Each structure of the Bag is an `rdf:li` directly inside its `rdf:Bag`.
            if namespaceURI == XMPNamespace.rdf && elementName == "li" && shown.depth == 2 { shown.item += 1 }
            locationShown = shown
        } else if namespaceURI == XMPNamespace.iptcExtension && elementName == "LocationShown" {
            locationShown = (depth: 0, item: -1)
            readAttributes(attributeDict)
            return
        }
        if let property = Property(namespace: namespaceURI, name: elementName), keeps(property) {
            current = property
            currentLanguage = attributeDict["xml:lang"] ?? attributeDict["lang"]
            depthInProperty = 0
            text = ""
            return
        }
        readAttributes(attributeDict)
    }

    /// Short form: properties as attributes of rdf:Description (or of a structure's
    /// `rdf:li`). With namespace processing on, attribute names keep their prefix, so match
    /// the usual prefixes.
    private func readAttributes(_ attributeDict: [String: String]) {
        for (name, value) in attributeDict {
            let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let namespace = Self.attributePrefixes[parts[0]]
            if let property = Property(namespace: namespace, name: parts[1]), keeps(property) {
                values[property, default: []].append((nil, value))
            }
        }
    }

    private static let attributePrefixes: [String: String] = [
        "dc": XMPNamespace.dc, "photoshop": XMPNamespace.photoshop, "xmpRights": XMPNamespace.xmpRights,
        "Iptc4xmpCore": XMPNamespace.iptcCore, "Iptc4xmpExt": XMPNamespace.iptcExtension, "plus": XMPNamespace.plus,
    ]

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard current != nil, text.utf8.count < 1_000_000 else { return }
        text += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard let property = current else {
            if let shown = locationShown { locationShown = shown.depth == 0 ? nil : (shown.depth - 1, shown.item) }
            return
        }
        if depthInProperty == 0 {
            // Simple property (`<photoshop:Credit>text</photoshop:Credit>`).
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                values[property, default: []].append((currentLanguage, text))
            }
            current = nil
            // The property's own element counted in LocationShown's depth when it began.
            if let shown = locationShown { locationShown = (shown.depth - 1, shown.item) }
            return
        }
        if namespaceURI == XMPNamespace.rdf && elementName == "li" {
            values[property, default: []].append((currentLanguage, text))
            text = ""
            currentLanguage = nil
        }
        depthInProperty -= 1
    }
}
