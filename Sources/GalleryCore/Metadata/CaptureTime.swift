public import Foundation

/// Capture time from EXIF `DateTimeOriginal` ("2019:03:12 10:31:00"), which has no zone:
/// `OffsetTimeOriginal` gives it when the camera wrote one, else the configured zone of
/// the site (cameras are set to local time).
public enum CaptureTime {
    /// How much of the capture time is known: a date alone is not midnight.
    public enum Precision: String, Codable, Sendable, Hashable {
        case day, minute, second
    }

    /// The calendar day of a day-precise capture time (that day's midnight in the site's
    /// zone), `YYYY-MM-DD`: the UTC day nearest to it, right for every zone less than 12
    /// hours from UTC.
    public static func day(of midnight: Date) -> String {
        let noon = midnight.addingTimeInterval(12 * 3600)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: noon)
        let year = String(parts.year ?? 0)
        let month = (parts.month ?? 0) < 10 ? "0\(parts.month ?? 0)" : "\(parts.month ?? 0)"
        let dayOfMonth = (parts.day ?? 0) < 10 ? "0\(parts.day ?? 0)" : "\(parts.day ?? 0)"
        return "\(year)-\(month)-\(dayOfMonth)"
    }

    /// How precise ``taken(_:defaultZone:)``'s time is, read from the same field by the
    /// same rules: EXIF `DateTimeOriginal` has seconds; XMP `photoshop:DateCreated` has what
    /// it writes (`YYYY-MM-DD`: a day; `…Thh:mm`: a minute; with seconds: a second); IIM 2:55
    /// without 2:60 is a day. Nil when there is no capture time.
    public static func precision(_ metadata: EmbeddedMetadata) -> Precision? {
        let utc = TimeZone(identifier: "UTC") ?? .gmt
        let exif = metadata.exif
        if parse(exif.dateTimeOriginal, offset: exif.offsetTimeOriginal, defaultZone: utc) != nil { return .second }
        if metadata.iptc.changedSinceXMP != true, let xmp = metadata.xmp.dateCreated,
            iso8601(xmp, defaultZone: utc) != nil
        {
            let parts = xmp.trimmingWhitespace().split(separator: "T", maxSplits: 1)
            guard parts.count == 2 else { return .day }
            let clock = parts[1].prefix { $0.isNumber || $0 == ":" }
            return clock.count > 5 ? .second : .minute
        }
        guard iim(date: metadata.iptc.dateCreated, time: metadata.iptc.timeCreated, defaultZone: utc) != nil else {
            return nil
        }
        guard let time = metadata.iptc.timeCreated?.trimmingWhitespace(), time.count >= 6,
            time.prefix(6).allSatisfy(\.isNumber)
        else { return .day }
        return .second
    }

    /// When the photo was taken, by MWG's DateTimeOriginal (Guidelines 2.0, §5.4; exiftool's
    /// `MWG:DateTimeOriginal`): EXIF `DateTimeOriginal` with its sub-seconds and offset ›
    /// XMP `photoshop:DateCreated` unless IIM changed since XMP was synchronised › IIM 2:55
    /// Date Created with 2:60 Time Created. Never a modification date (IFD0 `DateTime`).
    /// A date without a time is that day's midnight in `defaultZone`.
    public static func taken(_ metadata: EmbeddedMetadata, defaultZone: TimeZone) -> Date? {
        let exif = metadata.exif
        if let date = parse(exif.dateTimeOriginal, offset: exif.offsetTimeOriginal, defaultZone: defaultZone) {
            guard let fraction = exif.subSecTimeOriginal?.filter(\.isNumber), !fraction.isEmpty,
                let value = Double("0." + fraction.prefix(9))
            else { return date }
            return date.addingTimeInterval(value)
        }
        if metadata.iptc.changedSinceXMP != true, let xmp = metadata.xmp.dateCreated,
            let date = iso8601(xmp, defaultZone: defaultZone)
        {
            return date
        }
        return iim(date: metadata.iptc.dateCreated, time: metadata.iptc.timeCreated, defaultZone: defaultZone)
    }

    /// IIM 2:55 `CCYYMMDD` and 2:60 `HHMMSS±HHMM` (IPTC IIM 4.2, §1.5.2).
    static func iim(date: String?, time: String?, defaultZone: TimeZone) -> Date? {
        guard let date = date?.filter(\.isNumber), date.count == 8 else { return nil }
        let day = "\(date.prefix(4)):\(date.dropFirst(4).prefix(2)):\(date.suffix(2))"
        guard let time = time?.trimmingWhitespace(), time.count >= 6, time.prefix(6).allSatisfy(\.isNumber) else {
            return parse(day + " 00:00:00", offset: nil, defaultZone: defaultZone)
        }
        let clock = "\(time.prefix(2)):\(time.dropFirst(2).prefix(2)):\(time.dropFirst(4).prefix(2))"
        let offset = time.count >= 11 ? String(time.dropFirst(6).prefix(5)) : nil
        return parse(day + " " + clock, offset: offset, defaultZone: defaultZone)
    }

    /// XMP dates (ISO 8601 profile of XMP Part 1, §7.3.2): `YYYY-MM-DD`, `…Thh:mm`,
    /// `…Thh:mm:ss`, `…Thh:mm:ss.s`, each with `Z` or `±hh:mm` or no zone.
    static func iso8601(_ value: String, defaultZone: TimeZone) -> Date? {
        let text = value.trimmingWhitespace()
        let parts = text.split(separator: "T", maxSplits: 1)
        guard let datePart = parts.first, datePart.count == 10 else { return nil }
        let day = datePart.replacing("-", with: ":")
        guard parts.count == 2 else { return parse(day + " 00:00:00", offset: nil, defaultZone: defaultZone) }
        var clock = String(parts[1])
        var offset: String?
        if clock.hasSuffix("Z") {
            clock.removeLast()
            offset = "+00:00"
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            offset = String(clock[sign...])
            clock = String(clock[..<sign])
        }
        var fraction = 0.0
        if let dot = clock.firstIndex(of: ".") {
            fraction = Double("0" + clock[dot...]) ?? 0
            clock = String(clock[..<dot])
        }
        if clock.count == 5 { clock += ":00" }
        return parse(day + " " + clock, offset: offset, defaultZone: defaultZone)?.addingTimeInterval(fraction)
    }

    public static func parse(_ value: String?, offset: String?, defaultZone: TimeZone) -> Date? {
        guard let value else { return nil }
        let digits = value.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count >= 5 else { return nil }
        var components = DateComponents()
        components.year = digits[0]
        components.month = digits[1]
        components.day = digits[2]
        components.hour = digits[3]
        components.minute = digits[4]
        components.second = digits.count > 5 ? digits[5] : 0
        guard (1900...2200).contains(digits[0]), (1...12).contains(digits[1]), (1...31).contains(digits[2]),
            (0...23).contains(digits[3]), (0...59).contains(digits[4]), (0...60).contains(components.second!)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap(zone(fromOffset:)) ?? defaultZone
        return calendar.date(from: components)
    }

    /// `+01:00` or `-0530` as a fixed-offset zone.
    static func zone(fromOffset offset: String) -> TimeZone? {
        let trimmed = offset.trimmingWhitespace()
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
            hours <= 14, minutes < 60
        else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }
}
