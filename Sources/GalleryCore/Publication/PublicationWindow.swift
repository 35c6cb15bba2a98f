public import Foundation

/// When something may be public: not before `publishAt` (an embargo, "Sperrfrist") and not
/// from `unpublishAt` on (an expiry). Either may be absent. Instants, not wall-clock
/// readings: a sidecar's or an admin's time without an offset is read in the site's
/// `timeZone` once, when it is taken (``PublicationTime``).
public struct PublicationWindow: Codable, Sendable, Hashable {
    public var publishAt: Date?
    public var unpublishAt: Date?

    public init(publishAt: Date? = nil, unpublishAt: Date? = nil) {
        self.publishAt = publishAt
        self.unpublishAt = unpublishAt
    }

    /// Where `now` lies: before the window, inside it, or after it.
    public func phase(at now: Date) -> Phase {
        if let unpublishAt, now >= unpublishAt { return .after }
        if let publishAt, now < publishAt { return .before }
        return .open
    }

    public enum Phase: Sendable, Equatable {
        case before, open, after
    }

    /// The first of its times after `now`: when the phase changes next.
    public func nextChange(after now: Date) -> Date? {
        [publishAt, unpublishAt].compactMap { $0 }.filter { $0 > now }.min()
    }

    /// A window whose times are all set (this one's) or taken from `other` where unset:
    /// the narrower of a gallery's and a photo's windows is `photo ∩ gallery`.
    public func intersecting(_ other: PublicationWindow) -> PublicationWindow {
        PublicationWindow(
            publishAt: [publishAt, other.publishAt].compactMap { $0 }.max(),
            unpublishAt: [unpublishAt, other.unpublishAt].compactMap { $0 }.min())
    }
}

/// Whether a photo, or what is made from it, may be shown to the public now — the one rule
/// every public reader goes through (gallery JSON and list, pages, Open Graph, JSON-LD,
/// renditions, downloads, previews, and what comes later: search, IIIF, feeds).
public enum PublicAccess: Sendable, Equatable {
    /// Shown.
    case open
    /// Not yet public (before `publishAt`): answered as if it did not exist, 404.
    case notYet
    /// Public before, not any more (hidden, expired, unpublished, deleted, erased): 410.
    case gone

    /// A photo in a gallery: the gallery must be published and its window open, the photo
    /// not hidden and its own window open.
    public static func of(
        galleryPublished: Bool, gallery: PublicationWindow, hidden: Bool, photo: PublicationWindow, at now: Date
    ) -> PublicAccess {
        guard galleryPublished, !hidden else { return .gone }
        return PublicAccess(photo.intersecting(gallery).phase(at: now))
    }

    /// A gallery (its JSON, page, place in the list): published and its window open.
    public static func of(galleryPublished: Bool, gallery: PublicationWindow, at now: Date) -> PublicAccess {
        guard galleryPublished else { return .gone }
        return PublicAccess(gallery.phase(at: now))
    }

    /// Before the window: not yet; inside: open; after: gone.
    init(_ phase: PublicationWindow.Phase) {
        switch phase {
        case .open: self = .open
        case .before: self = .notYet
        case .after: self = .gone
        }
    }

    /// The most open of several (a file several photos share is public if one of them is).
    public static func mostOpen(_ accesses: some Sequence<PublicAccess>) -> PublicAccess? {
        var result: PublicAccess?
        for access in accesses {
            switch (result, access) {
            case (_, .open): return .open
            case (nil, _), (.gone?, .notYet): result = access
            default: break
            }
        }
        return result
    }
}

/// `publishAt` and `unpublishAt` as written (RFC 3339, §5.6 `date-time`; without an offset,
/// a local time in the site's `timeZone`; a date alone is its midnight there), checked:
/// from 1970 to 9999, and `unpublishAt` after `publishAt`.
public enum PublicationTime {
    /// Earliest and latest instants taken: 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    public static let earliest = Date(timeIntervalSince1970: 0)
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    /// The instant `text` names, or why it names none (a sentence naming `field`).
    public static func parse(_ text: String, field: String, zone: TimeZone) -> Result<Date, PublicationTimeError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 64, let date = instant(trimmed, zone: zone) else {
            return .failure(
                PublicationTimeError(
                    field: field,
                    message:
                        "is not an RFC 3339 time (2026-05-04T10:00:00+02:00, or without offset in \(zone.identifier))"
                ))
        }
        guard date >= earliest, date <= latest else {
            return .failure(PublicationTimeError(field: field, message: "must lie between 1970 and 9999"))
        }
        return .success(date)
    }

    /// Both times checked together: `unpublishAt` must come after `publishAt`.
    public static func window(publishAt: String?, unpublishAt: String?, zone: TimeZone) -> Result<
        PublicationWindow, PublicationTimeError
    > {
        var window = PublicationWindow()
        if let publishAt {
            switch parse(publishAt, field: "publishAt", zone: zone) {
            case .success(let date): window.publishAt = date
            case .failure(let error): return .failure(error)
            }
        }
        if let unpublishAt {
            switch parse(unpublishAt, field: "unpublishAt", zone: zone) {
            case .success(let date): window.unpublishAt = date
            case .failure(let error): return .failure(error)
            }
        }
        if let start = window.publishAt, let end = window.unpublishAt, end <= start {
            return .failure(PublicationTimeError(field: "unpublishAt", message: "must come after publishAt"))
        }
        return .success(window)
    }

    /// RFC 3339 text for `date` (UTC, whole seconds unless it has a fraction, then
    /// milliseconds, rounded).
    ///
    /// The fraction is rounded here, not by the formatter: Foundation's ISO 8601 style cuts
    /// it off, and far from 1970 a Double holds `.12` as `.11999…` — the fuzzer found
    /// `7026-05-04T11:30:00.1200` printed as `….119Z`, a millisecond early.
    public static func text(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle())
        let fraction = Int(milliseconds - seconds * 1000)
        guard fraction != 0, whole.hasSuffix("Z") else { return whole }
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static func instant(_ text: String, zone: TimeZone) -> Date? {
        // `T` or a space between date and time (RFC 3339 §5.6 note); `z` as `Z`.
        var normalized = text.replacingOccurrences(of: " ", with: "T")
        if normalized.hasSuffix("z") { normalized = String(normalized.dropLast()) + "Z" }
        let bytes = Array(normalized.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10)
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var index = 10
        var offset: Int?
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "T"), index + 6 <= bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let hour = digits(index + 1..<index + 3), let minute = digits(index + 4..<index + 6)
            else { return nil }
            components.hour = hour
            components.minute = minute
            index += 6
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                guard let second = digits(index + 1..<index + 3) else { return nil }
                components.second = second
                index += 3
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                    var end = index + 1
                    while end < bytes.count, (48...57).contains(bytes[end]) { end += 1 }
                    guard end > index + 1, end - index <= 10,
                        let fraction = Double(String(decoding: bytes[index..<end], as: UTF8.self))
                    else { return nil }
                    components.nanosecond = Int(fraction * 1e9)
                    index = end
                }
            }
            if index < bytes.count {
                if bytes[index] == UInt8(ascii: "Z") {
                    offset = 0
                    index += 1
                } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                        let hours = digits(index + 1..<index + 3), let minutes = digits(index + 4..<index + 6),
                        hours < 24, minutes < 60
                    else { return nil }
                    offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                    index += 6
                }
            }
            guard index == bytes.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(components.hour!),
            (0...59).contains(components.minute!), (0...60).contains(components.second!)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? zone
        // A day that does not exist (31 April) is not rolled over into the next month.
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else {
            return nil
        }
        return date
    }
}

/// Why a `publishAt` or `unpublishAt` was refused: the field and what is wrong with it.
public struct PublicationTimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public var description: String { "\(field) \(message)" }
}
