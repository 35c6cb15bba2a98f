import Catalog
import Foundation
import Logging

/// Decides when a file the watcher saw is complete enough to ingest.
///
/// - renamed into place: at once (a rename is atomic);
/// - closed after writing: after a short quiet time, so a writer that closes between
///   chunks is not caught mid-copy;
/// - created or written but not closed (a slow or stalled writer, a Samba client): once
///   its size and mtime stayed unchanged for the settle interval.
///
/// A file still being written is never quarantined as truncated: should one slip
/// through, ``FilePublisher`` defers it (``IngestOutcome/deferred``) instead.
actor Settler {
    let mediaRoot: String
    let settings: CurrentIngestSettings
    let queue: JobQueue
    let logger: Logger
    /// Files seen written but not closed: last observed status and when it last changed.
    private var open: [String: (status: FileStatus?, since: ContinuousClock.Instant)] = [:]
    /// Files closed, waiting for the quiet time: when to queue them.
    private var closed: [String: ContinuousClock.Instant] = [:]
    static let quietTime: Duration = .milliseconds(150)

    init(mediaRoot: String, settings: CurrentIngestSettings, queue: JobQueue, logger: Logger) {
        self.mediaRoot = mediaRoot
        self.settings = settings
        self.queue = queue
        self.logger = logger
    }

    func completed(_ path: String, debounce: Bool) async {
        open[path] = nil
        if debounce {
            closed[path] = .now + Self.quietTime
        } else {
            closed[path] = nil
            await enqueue([path])
        }
    }

    func touched(_ path: String) {
        // Written again after closing: still being copied in chunks, so it settles by time.
        closed[path] = nil
        if open[path] == nil { open[path] = (nil, .now) }
    }

    func forget(_ path: String) {
        open[path] = nil
        closed[path] = nil
    }

    func run() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: Self.quietTime)
            await tick()
        }
    }

    private func tick() async {
        let now = ContinuousClock.now
        var ready = closed.filter { $0.value <= now }.map(\.key)
        for path in ready { closed[path] = nil }
        let settle = settings.value.settleInterval
        for (path, entry) in open {
            let status = FileStatus.of(mediaRoot + "/" + path)
            guard let status else {
                open[path] = nil
                continue
            }
            if status != entry.status {
                open[path] = (status, now)
            } else if now - entry.since >= settle {
                open[path] = nil
                ready.append(path)
            }
        }
        await enqueue(ready)
    }

    private func enqueue(_ paths: [String]) async {
        // Kept by the queue until the store takes them (a full disk, a database away).
        await queue.submit(paths, kind: .file)
    }
}
