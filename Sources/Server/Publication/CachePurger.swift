public import AsyncHTTPClient
public import Catalog
import Foundation
public import Logging
import Metrics
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// Where and how purges are sent (`cache.purgeURLs`, `cache.purgeMethod`,
/// `cache.purgeHeader`).
public struct CachePurgeSettings: Sendable {
    /// One per cache in front (each Varnish); empty: nothing is sent.
    public var urls: [String]
    /// `PURGE`, as Varnish's xkey module documents it.
    public var method: String
    /// The request field that carries the keys, space-separated (`xkey-purge`).
    public var header: String
    /// Tries per purge and endpoint before it is given up (and counted as failed).
    public var attempts: Int

    public init(urls: [String] = [], method: String = "PURGE", header: String = "xkey-purge", attempts: Int = 8) {
        self.urls = urls
        self.method = method
        self.header = header
        self.attempts = attempts
    }
}

/// Tells the caches in front what to forget. After every commit (any node's) and every
/// scheduled time passed, it compares every gallery (``PublicationReader/galleryContents(at:)``)
/// with its last look: a gallery whose revision, state or photos changed is purged by its
/// key (its JSON and pages) with the list, and so is every photo of it that is not public
/// now (its renditions and download) — not only those seen public at the last look, since
/// a photo published and withdrawn between two looks may have been fetched meanwhile.
/// Diffing, not hooks in every writer, so that a change made by any node, by the ingest, by
/// an admin or by the clock is purged the same way.
///
/// Purges run beside the answers, never before them: an admin's request does not wait for a
/// cache. A failed purge is tried again with back-off (0.25 s, doubling, up to 30 s between
/// tries), logged, and counted (`galleryd_cache_purges_total{result}`,
/// `galleryd_cache_purge_retries_total`).
public final class CachePurger: Service, Sendable {
    let settings: CachePurgeSettings
    let reader: any GalleryReader
    let clock: PublicationClock
    let logger: Logger
    let client: HTTPClient
    /// How often the catalog's stamp and the clock's epoch are looked at (memory only).
    static let lookInterval: Duration = .milliseconds(100)
    /// After a comparison, the next waits at least this many times as long as it took: a
    /// large catalog during an ingest (a commit every few milliseconds) costs at most about
    /// a fifth of a core here, and a purge still follows its change within 2 s.
    static let backOffFactor = 4
    private let sent = Counter(label: "galleryd_cache_purges_total", dimensions: [("result", "ok")])
    private let failed = Counter(label: "galleryd_cache_purges_total", dimensions: [("result", "failed")])
    private let retried = Counter(label: "galleryd_cache_purge_retries_total")

    public init(settings: CachePurgeSettings, reader: any GalleryReader, clock: PublicationClock, logger: Logger) {
        self.settings = settings
        self.reader = reader
        self.clock = clock
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(5))
        configuration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func run() async {
        defer { Task { [client] in try? await client.shutdown() } }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    var known: [String: GalleryContents]?
                    var seen: (CatalogStamp, UInt64)?
                    let (reader, clock, settings, logger) = (self.reader, self.clock, self.settings, self.logger)
                    while true {
                        let now = (reader.stamp(), clock.epoch)
                        var pause = Self.lookInterval
                        if seen.map({ $0.0 != now.0 || $0.1 != now.1 }) ?? true {
                            do {
                                let started = ContinuousClock.now
                                let current = try await reader.galleryContents(at: clock.now())
                                pause = max(pause, (ContinuousClock.now - started) * Self.backOffFactor)
                                seen = now
                                if let before = known {
                                    let keys = Self.keys(from: before, to: current)
                                    if !keys.isEmpty {
                                        for url in settings.urls { group.addTask { await self.purge(keys, at: url) } }
                                    }
                                }
                                known = current
                            } catch is CancellationError {
                                throw CancellationError()
                            } catch {
                                logger.debug("public contents unknown", metadata: ["error": "\(error)"])
                            }
                        }
                        try await Task.sleep(for: pause)
                    }
                }
            }
        } catch {}
    }

    /// The keys of what changed between two looks at the public contents.
    static func keys(from before: [String: GalleryContents], to after: [String: GalleryContents]) -> [String] {
        var keys: Set<String> = []
        for slug in Set(before.keys).union(after.keys) {
            let old = before[slug]
            let new = after[slug]
            guard old != new else { continue }
            keys.insert(CacheKey.gallery(slug))
            keys.insert(CacheKey.galleries)
            let photos = (old?.all ?? []).union(new?.all ?? [])
            for id in photos.subtracting(new?.shown ?? []) { keys.insert(CacheKey.asset(id)) }
        }
        return keys.sorted()
    }

    /// Sends one purge of `keys` to one endpoint, trying again with back-off.
    func purge(_ keys: [String], at url: String) async {
        // Varnish limits a request field to 8 KB by default: send long key lists in parts.
        var parts: [[String]] = [[]]
        var length = 0
        for key in keys {
            if length + key.count > 4000 {
                parts.append([])
                length = 0
            }
            parts[parts.count - 1].append(key)
            length += key.count + 1
        }
        for part in parts where !part.isEmpty {
            var delay: Duration = .milliseconds(250)
            for attempt in 1...max(1, settings.attempts) {
                do {
                    var request = HTTPClientRequest(url: url)
                    request.method = HTTPMethod(rawValue: settings.method)
                    request.headers.add(name: settings.header, value: part.joined(separator: " "))
                    let response = try await client.execute(request, timeout: .seconds(5))
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                    guard (200..<300).contains(Int(response.status.code)) else {
                        throw PurgeRefused(status: Int(response.status.code))
                    }
                    sent.increment()
                    logger.debug("cache purged", metadata: ["url": "\(url)", "keys": "\(part.joined(separator: " "))"])
                    break
                } catch {
                    guard attempt < settings.attempts, !Task.isCancelled else {
                        failed.increment()
                        logger.error(
                            "cache purge failed",
                            metadata: ["url": "\(url)", "error": "\(error)", "keys": "\(part.count)"])
                        break
                    }
                    retried.increment()
                    logger.warning(
                        "cache purge failed; trying again",
                        metadata: ["url": "\(url)", "error": "\(error)", "attempt": "\(attempt)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(30))
                }
            }
        }
    }

    struct PurgeRefused: Error, CustomStringConvertible {
        var status: Int
        var description: String { "the cache answered \(status)" }
    }
}
