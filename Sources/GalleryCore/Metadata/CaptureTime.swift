public import Foundation

/// Capture time from EXIF `DateTimeOriginal` ("2019:03:12 10:31:00"), which has no zone:
/// `OffsetTimeOriginal` gives it when the camera wrote one, else the configured zone of
/// the site (cameras are set to local time).
public enum CaptureTime {
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
