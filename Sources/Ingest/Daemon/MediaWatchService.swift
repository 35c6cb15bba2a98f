import Catalog
import Foundation
import GalleryCore
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the catalog in step with the media folder while the daemon runs:
///
/// - at start-up, removes temp files a crash left behind and reconciles the whole folder;
/// - watches it with inotify (recursively) and turns events into jobs, waiting for files
///   that are still being written to settle;
/// - rescans after lost events, periodically, and when the media folder is on a file
///   system that sends no events (network mounts); readiness drops while the folder is
///   gone and returns when it is back.
public struct MediaWatchService: Service {
    /// Called when readiness changes: `nil` when ready, else why not.
    public typealias ReadinessHandler = @Sendable (_ unmetBecause: String?) -> Void

    let mediaRoot: String
    let storage: any RenditionStorage
    let settings: CurrentIngestSettings
    let queue: JobQueue
    let reconciler: Reconciler
    /// How often the whole media folder is compared with the catalog even without events
    /// (`watch.rescanSeconds`' default): events a network file system never delivered.
    public static let defaultRescanInterval: Duration = .seconds(900)
    /// How often a media folder without inotify events (NFS, SMB, FUSE) is scanned
    /// (`watch.pollSeconds`' default).
    public static let defaultPollInterval: Duration = .seconds(10)
    let rescanInterval: Duration
    let pollInterval: Duration
    let logger: Logger
    let readiness: ReadinessHandler
    let onFirstReconcile: @Sendable () -> Void

    public init(
        mediaRoot: String, storage: any RenditionStorage, settings: CurrentIngestSettings, queue: JobQueue,
        reconciler: Reconciler,
        rescanInterval: Duration = MediaWatchService.defaultRescanInterval,
        pollInterval: Duration = MediaWatchService.defaultPollInterval, logger: Logger,
        readiness: @escaping ReadinessHandler,
        onFirstReconcile: @escaping @Sendable () -> Void = {}
    ) {
        self.mediaRoot = mediaRoot
        self.storage = storage
        self.settings = settings
        self.queue = queue
        self.reconciler = reconciler
        self.rescanInterval = rescanInterval
        self.pollInterval = pollInterval
        self.logger = logger
        self.readiness = readiness
        self.onFirstReconcile = onFirstReconcile
    }

    public func run() async throws {
        // Shutdown cancels the watch; every loop below ends on cancellation.
        do {
            try await cancelWhenGracefulShutdown { try await watchUntilCancelled() }
        } catch is CancellationError {}
    }

    private func watchUntilCancelled() async throws {
        let removed = storage.removeAbandonedWrites()
        if removed > 0 { logger.info("removed orphaned temp files", metadata: ["count": "\(removed)"]) }
        var first = true
        // Each round watches the folder until it disappears or events are lost.
        while !Task.isCancelled {
            guard await waitForMediaRoot() else { return }
            let mode = WatchMode(mediaRoot: mediaRoot)
            let watcher: InotifyWatcher?
            do {
                watcher = mode == .inotify ? try InotifyWatcher(root: mediaRoot, logger: logger) : nil
            } catch {
                logger.warning("inotify unavailable; polling", metadata: ["error": "\(error)"])
                watcher = nil
            }
            watcher?.watch(folder: "")
            let rescan = RescanRequest()
            await reconcileOrRetry(rescan)
            readiness(nil)
            if first {
                first = false
                onFirstReconcile()
            }
            do {
                if let watcher {
                    logger.info("watching media folder", metadata: ["folders": "\(watcher.watchedFolderCount)"])
                    try await watch(with: watcher, rescan: rescan)
                } else {
                    logger.info("polling media folder", metadata: ["every": "\(pollInterval)"])
                    try await poll(rescan: rescan)
                }
            } catch  where !Task.isCancelled && !(error is CancellationError) {
                logger.error("watching failed; starting over", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Waits (readiness down) until the media folder exists; false on shutdown.
    private func waitForMediaRoot() async -> Bool {
        var reported = false
        while !Task.isCancelled {
            if FileStatus.following(mediaRoot)?.kind == .directory { return true }
            if !reported {
                logger.error("media folder is missing", metadata: ["path": "\(mediaRoot)"])
                readiness("the media folder is missing")
                reported = true
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return false
    }

    /// Reads inotify events until the media root goes away or events are lost.
    /// Reconciles; when that fails (the catalog cannot be read or written now), asks for
    /// another try within seconds instead of waiting for the next periodic rescan, so what
    /// changed meanwhile is not left out.
    private func reconcileOrRetry(_ rescan: RescanRequest) async {
        do {
            try await reconciler.reconcile()
            rescan.done()
        } catch {
            logger.error("reconcile failed; trying again shortly", metadata: ["error": "\(error)"])
            rescan.request()
        }
    }

    private func watch(with watcher: InotifyWatcher, rescan: RescanRequest) async throws {
        let channel = try await watcher.changes()
        let settler = Settler(mediaRoot: mediaRoot, settings: settings, queue: queue, logger: logger)
        // The helpers end with the watch (cancelled); only the event stream's own failure
        // is an error, logged before the caller starts a new round.
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try? await settler.run() }
            group.addTask {
                // Periodic safety rescan (inotify is reliable, but not across every mishap),
                // and a prompt one after a reconcile failed.
                var waited: Duration = .zero
                while !Task.isCancelled {
                    guard (try? await Task.sleep(for: Self.retryInterval)) != nil else { return }
                    waited += Self.retryInterval
                    guard rescan.isRequested || waited >= rescanInterval else { continue }
                    waited = .zero
                    await reconcileOrRetry(rescan)
                }
            }
            defer { group.cancelAll() }
            try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound in
                    for try await var buffer in inbound {
                        for change in watcher.decode(&buffer) {
                            if try await handle(change, watcher: watcher, settler: settler, rescan: rescan) == .restart
                            {
                                return
                            }
                        }
                    }
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        }
    }

    private enum Next { case proceed, restart }

    private func handle(
        _ change: MediaChange, watcher: InotifyWatcher, settler: Settler, rescan: RescanRequest
    ) async throws -> Next {
        switch change {
        case .fileCompleted(let path, let renamed):
            if Self.isSidecar(path) {
                await queue.submit([Self.galleryFolder(of: path)], kind: .gallery)
            } else {
                await settler.completed(path, debounce: !renamed)
            }
        case .fileTouched(let path):
            if !Self.isSidecar(path) { await settler.touched(path) }
        case .fileRemoved(let path):
            await settler.forget(path)
            if Self.isSidecar(path) {
                await queue.submit([Self.galleryFolder(of: path)], kind: .gallery)
            } else {
                await queue.submit([path], kind: .file)
            }
        case .folderAdded(let path):
            // What the scans ignore (hidden folders such as .Trash-1000, temp names) is not
            // watched either: one rule on every path.
            if path.split(separator: "/").contains(where: { MediaPath.isIgnored(fileName: String($0)) }) {
                return .proceed
            }
            // Files may have arrived before the watch did: queue all of them.
            let files = watcher.watch(folder: path)
            await queue.submit([path], kind: .folder)
            logger.info("folder appeared", metadata: ["folder": "\(path)", "files": "\(files.count)"])
        case .folderRemoved(let path):
            watcher.unwatch(folder: path)
            await queue.submit([path], kind: .folder)
        case .overflow:
            logger.warning("inotify queue overflowed; rescanning")
            await reconcileOrRetry(rescan)
        case .rootRemoved:
            logger.error("media folder removed while running")
            readiness("the media folder is missing")
            return .restart
        }
        return .proceed
    }

    /// Without events, compare the whole folder with the catalog every poll interval.
    private func poll(rescan: RescanRequest) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: rescan.isRequested ? min(pollInterval, Self.retryInterval) : pollInterval)
            guard FileStatus.following(mediaRoot)?.kind == .directory else { return }
            await reconcileOrRetry(rescan)
        }
    }

    /// How soon a failed reconcile is tried again.
    static let retryInterval: Duration = .seconds(2)

    static func isSidecar(_ path: String) -> Bool {
        path.split(separator: "/").count == 2 && path.hasSuffix("/" + GallerySidecar.fileName)
    }

    static func galleryFolder(of path: String) -> String {
        String(path.split(separator: "/", maxSplits: 1).first ?? "")
    }
}

/// How changes in the media folder can be noticed.
enum WatchMode: Equatable {
    case inotify
    /// Network and FUSE file systems deliver no inotify events for changes made elsewhere.
    case poll

    init(mediaRoot: String) {
        let type = Self.fileSystemType(of: resolvedPath(mediaRoot) ?? mediaRoot)
        let noEvents = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "sshfs", "davfs", "ceph", "glusterfs"]
        self = noEvents.contains(type) || type.hasPrefix("fuse") ? .poll : .inotify
    }

    /// The type of the file system holding `path`, from the longest matching mount point
    /// in /proc/mounts.
    static func fileSystemType(of path: String) -> String {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return "" }
        var best: (mountPoint: String, type: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Mount points escape spaces as \040.
            let mountPoint = fields[1].replacing("\\040", with: " ")
            let matches = path == mountPoint || path.hasPrefix(mountPoint == "/" ? "/" : mountPoint + "/")
            if matches && mountPoint.count >= best.mountPoint.count {
                best = (String(mountPoint), String(fields[2]))
            }
        }
        return best.type
    }
}

/// Whether a reconcile failed and is to be tried again soon.
final class RescanRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    var isRequested: Bool { requested.load(ordering: .acquiring) }
    func request() { requested.store(true, ordering: .releasing) }
    func done() { requested.store(false, ordering: .releasing) }
}
