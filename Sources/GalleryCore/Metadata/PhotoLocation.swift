/// Where a photo was taken or what place it shows, as IPTC names it: the IPTC Photo Metadata
/// Standard's Location structure (`Iptc4xmpExt:LocationShown`: Sublocation, City,
/// ProvinceState, CountryName, CountryCode), the legacy IPTC Core fields
/// (`Iptc4xmpCore:Location`, `photoshop:City`, `photoshop:State`, `photoshop:Country`,
/// `Iptc4xmpCore:CountryCode`) and IIM 2:92, 2:90, 2:95, 2:101, 2:100 carry the same five.
public struct PhotoLocation: Hashable, Sendable, Codable {
    /// A place within the city: a building, a hall, a street (`Sublocation`, IIM 2:92).
    public var sublocation: String?
    public var city: String?
    /// The province or state (`ProvinceState`, IIM 2:95).
    public var region: String?
    public var country: String?
    /// ISO 3166 country code, two or three letters (IIM 2:100).
    public var countryCode: String?

    public init(
        sublocation: String? = nil, city: String? = nil, region: String? = nil, country: String? = nil,
        countryCode: String? = nil
    ) {
        self.sublocation = sublocation
        self.city = city
        self.region = region
        self.country = country
        self.countryCode = countryCode
    }

    public var isEmpty: Bool { self == PhotoLocation() }

    /// The fields cleaned (``TextNormalizer/clean(_:)``); nil when none is left.
    public var cleaned: PhotoLocation? {
        let cleaned = PhotoLocation(
            sublocation: sublocation.flatMap(TextNormalizer.clean), city: city.flatMap(TextNormalizer.clean),
            region: region.flatMap(TextNormalizer.clean), country: country.flatMap(TextNormalizer.clean),
            countryCode: countryCode.flatMap(TextNormalizer.clean))
        return cleaned.isEmpty ? nil : cleaned
    }

    /// The fields as one line for the audit trail: `Heinz Nixdorf MuseumsForum, Paderborn,
    /// Nordrhein-Westfalen, Deutschland (DE)`.
    public var auditText: String {
        let line = [sublocation, city, region, country].compactMap { $0 }.joined(separator: ", ")
        guard let countryCode else { return line }
        return line.isEmpty ? countryCode : line + " (" + countryCode + ")"
    }
}

/// Names in a list (keywords, persons shown) as they are published: cleaned, empty ones
/// dropped, and each name once — the first spelling kept, compared without regard to case.
public enum NameList {
    public static func cleaned(_ names: [String]?) -> [String]? {
        var seen: Set<String> = []
        var result: [String] = []
        for name in names ?? [] {
            guard let text = TextNormalizer.clean(name), seen.insert(text.lowercased()).inserted else { continue }
            result.append(text)
        }
        return result.isEmpty ? nil : result
    }
}
