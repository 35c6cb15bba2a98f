import Catalog
import Foundation
import GalleryCore
import Hummingbird
import Synchronization

/// Whether a rendition, download or preview may be served, decided by the catalog
/// (``PublicationReader``) and remembered until the catalog's stamp or the clock's epoch
/// moves: a crowd asking for the same files asks the catalog once per change, and a
/// withdrawal is seen by the next request after the commit (any node's: its stamp moves).
final class FileAccessCache: Sendable {
    private struct Entry {
        var stamp: CatalogStamp
        var epoch: UInt64
        var access: FileAccess?
    }

    private let reader: any GalleryReader
    private let clock: PublicationClock
    /// By SHA-256 of the original, and by preview file name.
    private let sources = Mutex<[String: Entry]>([:])
    private let previews = Mutex<[String: Entry]>([:])
    /// Distinct files remembered at most (a crawler's random hashes are answered, not kept forever).
    static let maximumEntries = 50_000

    init(reader: any GalleryReader, clock: PublicationClock) {
        self.reader = reader
        self.clock = clock
    }

    /// A rendition's or download's bytes, by the SHA-256 of the original.
    func access(sourceHash: String) async throws -> FileAccess? {
        try await cached(sourceHash, in: sources) { try await reader.fileAccess(sourceHash: sourceHash, at: $0) }
    }

    /// An embed preview, by its file name under `previews/`.
    func access(preview name: String) async throws -> FileAccess? {
        try await cached(name, in: previews) { try await reader.previewAccess(path: name, at: $0) }
    }

    private func cached(
        _ key: String, in entries: borrowing Mutex<[String: Entry]>, look: (Date) async throws -> FileAccess?
    ) async throws -> FileAccess? {
        let stamp = reader.stamp()
        let epoch = clock.epoch
        let known = entries.withLock { $0[key] }
        if let known, known.stamp == stamp, known.epoch == epoch { return known.access }
        let access: FileAccess?
        do {
            access = try await look(clock.now())
        } catch  where known != nil && TransientFault(error) != nil {
            return known?.access  // the catalog is away: the last decision stands
        }
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(stamp: stamp, epoch: epoch, access: access)
        }
        return access
    }
}

extension FileAccess {
    /// The keys to file an answer under, or the refusal: 404 as for an address that never
    /// existed (unknown, or not public yet), 410 for what was public and is withdrawn.
    /// Either refusal is `no-store`, so no cache keeps it past a publication.
    static func require(_ access: FileAccess?, _ what: String) throws -> [String] {
        switch access?.access {
        case .open?: return access?.keys ?? []
        case .gone?:
            throw ProblemDetails(.gone, detail: "this \(what) was withdrawn and is no longer published")
        case .notYet?, nil:
            throw ProblemDetails(.notFound, detail: "no \(what) at this address")
        }
    }
}
