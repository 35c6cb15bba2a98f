import GalleryCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches the media folder with Linux inotify, recursively: one watch per folder, added as
/// folders appear. Events are read through a NIO pipe channel (a fixed 64 KiB read buffer)
/// so no Swift concurrency thread ever blocks on the descriptor.
///
/// ```swift
/// let watcher = try InotifyWatcher(root: "/srv/media", logger: logger)
/// for await change in try await watcher.changes() { … }
/// ```
final class InotifyWatcher: Sendable {
    struct WatchError: Error, CustomStringConvertible {
        var description: String
    }

    let root: String
    let logger: Logger
    private let descriptor: CInt
    /// Watch descriptor → folder path relative to the root ("" is the root).
    private let folders = Mutex<[CInt: String]>([:])

    static let folderMask: UInt32 =
        UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE)
        | UInt32(IN_CREATE) | UInt32(IN_MODIFY) | UInt32(IN_ATTRIB) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW)

    init(root: String, logger: Logger) throws {
        self.root = root
        self.logger = logger
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else {
            throw WatchError(description: "inotify_init1: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    /// Adds watches for a folder and every folder below it; returns the files found there
    /// (paths relative to the root), which may have arrived before the watch did.
    @discardableResult
    func watch(folder relative: String) -> [String] {
        let path = relative.isEmpty ? root : root + "/" + relative
        let wd = withFileSystemPath(path) { inotify_add_watch(descriptor, $0, Self.folderMask) }
        guard wd >= 0 else {
            if errno != ENOENT && errno != ENOTDIR {
                logger.warning(
                    "cannot watch folder",
                    metadata: ["folder": "\(relative)", "error": "\(String(cString: strerror(errno)))"])
            }
            return []
        }
        folders.withLock { $0[wd] = relative }
        var files: [String] = []
        for (name, _) in directoryEntries(path) ?? [] where !name.hasPrefix(".") {
            let child = relative.isEmpty ? name : relative + "/" + name
            if FileStatus.of(root + "/" + child)?.kind == .directory {
                files += watch(folder: child)
            } else {
                files.append(child)
            }
        }
        return files
    }

    /// Stops watching a folder and everything below it (it was deleted or moved away).
    func unwatch(folder relative: String) {
        let removed = folders.withLock { folders in
            let matching = folders.filter { $0.value == relative || $0.value.hasPrefix(relative + "/") }
            for wd in matching.keys { folders[wd] = nil }
            return Array(matching.keys)
        }
        for wd in removed { inotify_rm_watch(descriptor, wd) }
    }

    var watchedFolderCount: Int { folders.withLock { $0.count } }

    /// Starts reading events; the stream ends when the channel closes.
    func changes(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws
        -> NIOAsyncChannel<ByteBuffer, Never>
    {
        try await NIOPipeBootstrap(group: group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 64 * 1024))
            .takingOwnershipOfDescriptor(input: descriptor) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Decodes the `inotify_event` records of one read into changes.
    func decode(_ buffer: inout ByteBuffer) -> [MediaChange] {
        var changes: [MediaChange] = []
        while buffer.readableBytes >= 16 {
            guard let wd = buffer.readInteger(endianness: .host, as: Int32.self),
                let mask = buffer.readInteger(endianness: .host, as: UInt32.self),
                buffer.readInteger(endianness: .host, as: UInt32.self) != nil,
                let length = buffer.readInteger(endianness: .host, as: UInt32.self),
                let nameBytes = buffer.readBytes(length: Int(length))
            else { break }
            let name = MediaName.decode(nameBytes.prefix { $0 != 0 })
            if let change = change(wd: wd, mask: mask, name: name) { changes.append(change) }
        }
        return changes
    }

    private func change(wd: Int32, mask: UInt32, name: String) -> MediaChange? {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return .overflow }
        guard let folder = folders.withLock({ $0[wd] }) else { return nil }
        if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 {
            // Reported on the folder itself; its parent reports the same for children.
            if folder.isEmpty { return .rootRemoved }
            return nil
        }
        if mask & UInt32(IN_IGNORED) != 0 {
            folders.withLock { $0[wd] = nil }
            return nil
        }
        guard !name.isEmpty else { return nil }
        let path = folder.isEmpty ? name : folder + "/" + name
        let isFolder = mask & UInt32(IN_ISDIR) != 0
        if isFolder {
            if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 { return .folderAdded(path) }
            if mask & (UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)) != 0 { return .folderRemoved(path) }
            return nil
        }
        if mask & UInt32(IN_MOVED_TO) != 0 { return .fileCompleted(path, renamed: true) }
        if mask & UInt32(IN_CLOSE_WRITE) != 0 { return .fileCompleted(path, renamed: false) }
        if mask & (UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)) != 0 { return .fileRemoved(path) }
        if mask & (UInt32(IN_CREATE) | UInt32(IN_MODIFY) | UInt32(IN_ATTRIB)) != 0 { return .fileTouched(path) }
        return nil
    }
}
