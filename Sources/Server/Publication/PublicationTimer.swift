public import Catalog
import Foundation
import GalleryCore
public import Logging
public import ServiceLifecycle

/// Makes embargoes and expiries take effect on this node: one timer for the next scheduled
/// time of the whole catalog (``PublicationReader/nextPublicationChange(after:)``, asked
/// again only after a commit), not a look per request. When the time has come, the clock's
/// epoch moves (``PublicationClock/advance()``) and every cache built before it is built
/// again on its next request.
///
/// Due times are wall-clock instants; the timer sleeps on the monotonic clock, at most
/// ``longestSleep`` at a time, and reads the wall clock again on waking. So a system clock
/// set back neither publishes early (the wall clock is what is compared), and one set
/// forward holds nothing past its time by more than ``longestSleep``.
public struct PublicationTimer: Service {
    let reader: any GalleryReader
    let clock: PublicationClock
    let logger: Logger
    public static let longestSleep: Duration = .milliseconds(250)

    public init(reader: any GalleryReader, clock: PublicationClock, logger: Logger) {
        self.reader = reader
        self.clock = clock
        self.logger = logger
    }

    public func run() async {
        do {
            try await cancelWhenGracefulShutdown {
                var next: Date?
                var checkedAt: CatalogStamp?
                // When the public state was last known here: a time that came due between
                // then and a later look (a publishAt set a moment ahead) is not missed.
                var lastLook = clock.now()
                while true {
                    let now = clock.now()
                    let stamp = reader.stamp()
                    if stamp != checkedAt {
                        do {
                            next = try await reader.nextPublicationChange(after: min(lastLook, now))
                            checkedAt = stamp
                        } catch is CancellationError {
                            throw CancellationError()
                        } catch {
                            logger.debug("next publication time unknown", metadata: ["error": "\(error)"])
                        }
                    }
                    if checkedAt == stamp { lastLook = now }
                    if let due = next, now >= due {
                        clock.advance()
                        logger.info(
                            "scheduled publication time reached",
                            metadata: ["due": "\(PublicationTime.text(due))", "now": "\(PublicationTime.text(now))"])
                        checkedAt = nil
                        continue
                    }
                    var sleep = Self.longestSleep
                    if let due = next {
                        sleep = min(sleep, .milliseconds(max(1, Int64(due.timeIntervalSince(now) * 1000))))
                    }
                    try await Task.sleep(for: sleep)
                }
            }
        } catch {}
    }
}
