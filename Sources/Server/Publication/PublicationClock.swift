public import Foundation
import Synchronization

/// This node's clock for the publication rule: the wall clock (injected in tests) and an
/// epoch that moves whenever a scheduled time passes (``PublicationTimer``), so that what
/// was built from the catalog before that time — documents, pages, file decisions — is
/// built again although no commit moved the catalog's stamp.
public final class PublicationClock: Sendable {
    /// The wall clock: what `publishAt` and `unpublishAt` are compared with.
    public let now: @Sendable () -> Date
    /// The site's `timeZone`: an admin's time without an offset is a local time there.
    public let timeZone: TimeZone
    private let counter = Atomic<UInt64>(0)

    public init(
        timeZone: TimeZone = TimeZone(identifier: "Europe/Berlin") ?? .gmt,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.timeZone = timeZone
        self.now = now
    }

    /// Changes whenever a scheduled time passed on this node.
    public var epoch: UInt64 { counter.load(ordering: .acquiring) }

    /// A scheduled time passed: what was built before is stale.
    public func advance() {
        counter.add(1, ordering: .releasing)
    }
}
