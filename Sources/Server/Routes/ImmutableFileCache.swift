import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// Small immutable files (renditions, previews) kept in memory after their first request.
///
/// Their URLs name their bytes for good, so a crowd asks for the same few files over and
/// over: a hit costs a dictionary lookup and shares the buffer with the response (no
/// syscall, no thread-pool hop). The folder is still the truth: an entry is used for at most
/// ``timeToLive`` before the file is looked at again, so a rendition folder collected after
/// its grace period stops being served within that time. Files over ``largestFile`` are
/// not kept (they are streamed by Hummingbird's `FileIO`).
final class ImmutableFileCache: Sendable {
    static let timeToLive: Duration = .seconds(10)
    static let largestFile = 2 * 1024 * 1024

    private struct Entry {
        var bytes: ByteBuffer
        var loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Insertion order, for evicting the oldest first.
        var order: [String] = []
        var total = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    /// `capacity`: bytes kept at most.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The file's bytes, or `nil` when it is missing, unreadable or too large to keep.
    /// `path` must already be checked to lie where it may be served from.
    func bytes(at path: String, verify: @escaping @Sendable (String) -> Bool) async -> ByteBuffer? {
        let now = ContinuousClock.now
        if let entry = state.withLock({ $0.entries[path] }), now - entry.loadedAt < Self.timeToLive {
            return entry.bytes
        }
        let loaded = try? await NIOThreadPool.singleton.runIfActive { () -> ByteBuffer? in
            guard verify(path) else { return nil }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            guard let data = try handle.read(upToCount: Self.largestFile + 1), data.count <= Self.largestFile else {
                return nil
            }
            return ByteBuffer(bytes: data)
        }
        guard let bytes = loaded else {
            state.withLock { state in
                if let old = state.entries.removeValue(forKey: path) { state.total -= old.bytes.readableBytes }
            }
            return nil
        }
        store(bytes, at: path, now: now)
        return bytes
    }

    private func store(_ bytes: ByteBuffer, at path: String, now: ContinuousClock.Instant) {
        state.withLock { state in
            if let old = state.entries.updateValue(Entry(bytes: bytes, loadedAt: now), forKey: path) {
                state.total -= old.bytes.readableBytes
            } else {
                state.order.append(path)
            }
            state.total += bytes.readableBytes
            var evicted = 0
            while state.total > capacity, evicted < state.order.count {
                let oldest = state.order[evicted]
                evicted += 1
                if let old = state.entries.removeValue(forKey: oldest) { state.total -= old.bytes.readableBytes }
            }
            if evicted > 0 { state.order.removeFirst(evicted) }
        }
    }
}

/// `Range` and `If-Range` on a whole immutable file (RFC 9110 §14): one byte range at most;
/// several ranges or a malformed header are ignored (the whole file, 200), an unsatisfiable
/// one is 416 with `Content-Range: bytes */size`.
enum ByteRange {
    /// The part of `size` bytes the request asks for, `nil` for all of it.
    static func requested(_ request: Request, size: Int, etag: String) throws -> ClosedRange<Int>? {
        guard let header = request.headers[.range] else { return nil }
        // A stale validator means the client's part belongs to other bytes: send them all.
        if let ifRange = request.headers[.ifRange], ifRange.trimmingWhitespace() != etag { return nil }
        let spec = header.trimmingWhitespace()
        guard spec.lowercased().hasPrefix("bytes="), !spec.contains(",") else { return nil }
        let bounds = spec.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return nil }
        let first = bounds[0].trimmingWhitespace()
        let last = bounds[1].trimmingWhitespace()
        let range: ClosedRange<Int>
        switch (Int(first), Int(last)) {
        case (let start?, let end?) where start >= 0 && end >= start:
            guard start < size else { throw unsatisfiable(size) }
            range = start...min(end, size - 1)
        case (let start?, nil) where last.isEmpty && start >= 0:
            guard start < size else { throw unsatisfiable(size) }
            range = start...(size - 1)
        case (nil, let suffix?) where first.isEmpty && suffix >= 0:
            guard suffix > 0, size > 0 else { throw unsatisfiable(size) }
            range = max(0, size - suffix)...(size - 1)
        default:
            return nil
        }
        return range
    }

    private static func unsatisfiable(_ size: Int) -> ProblemDetails {
        ProblemDetails(
            .rangeNotSatisfiable, detail: "the file has \(size) bytes", headers: [.contentRange: "bytes */\(size)"])
    }
}
