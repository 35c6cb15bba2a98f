public import Foundation

/// The publication windows a sidecar declares: the gallery's and each file entry's.
///
/// A time that cannot be taken (not RFC 3339, before 1970 or after 9999, `unpublishAt` not
/// after `publishAt`) holds what it belongs to unpublished — safer than publishing early —
/// and is reported in ``problems``.
public struct SidecarSchedule: Sendable, Equatable {
    public var gallery: PublicationWindow
    /// By file name, as the entries name them.
    public var items: [String: PublicationWindow]
    public var problems: [String]

    /// A window that never opens: what a time that cannot be taken holds.
    public static let held = PublicationWindow(publishAt: PublicationTime.latest)
}

extension GallerySidecar {
    /// The windows declared, read as stored (times with an offset; see ``resolvingTimes(in:)``).
    public var schedule: SidecarSchedule {
        var problems: [String] = []
        func window(_ publishAt: String?, _ unpublishAt: String?, _ name: String?) -> PublicationWindow {
            switch PublicationTime.window(publishAt: publishAt, unpublishAt: unpublishAt, zone: .gmt) {
            case .success(let window): return window
            case .failure(let error):
                problems.append((name.map { "\($0): " } ?? "") + "\(error): held unpublished")
                return SidecarSchedule.held
            }
        }
        let gallery = window(publishAt, unpublishAt, nil)
        var items: [String: PublicationWindow] = [:]
        for (name, entry) in (self.items ?? [:]).sorted(by: { $0.key < $1.key })
        where entry.publishAt != nil || entry.unpublishAt != nil {
            items[name] = window(entry.publishAt, entry.unpublishAt, name)
        }
        return SidecarSchedule(gallery: gallery, items: items, problems: problems)
    }

    /// The sidecar with every time written without an offset read in `zone` and written
    /// again as UTC (RFC 3339), so that what is stored names instants; times that cannot be
    /// read are kept as written (``schedule`` reports them).
    public func resolvingTimes(in zone: TimeZone) -> GallerySidecar {
        func resolved(_ text: String?, _ field: String) -> String? {
            guard let text, case .success(let date) = PublicationTime.parse(text, field: field, zone: zone) else {
                return text
            }
            return PublicationTime.text(date)
        }
        var copy = self
        copy.publishAt = resolved(publishAt, "publishAt")
        copy.unpublishAt = resolved(unpublishAt, "unpublishAt")
        if let items {
            copy.items = items.mapValues { entry in
                var entry = entry
                entry.publishAt = resolved(entry.publishAt, "publishAt")
                entry.unpublishAt = resolved(entry.unpublishAt, "unpublishAt")
                return entry
            }
        }
        return copy
    }
}
