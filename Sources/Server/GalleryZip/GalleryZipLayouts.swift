import Archive
import Codecs
import Foundation
import NIOCore
import Synchronization

/// The finished layouts of gallery ZIPs (headers with every entry's CRC-32), made once
/// per plan and kept for the plans asked for recently.
///
/// A layout needs the CRC of every photo, so the first download of a gallery version reads
/// its files once (zlib's CRC-32 runs at several GB/s; 2 GiB take about a second, less
/// from the page cache). CRCs are remembered per file: a caption changed makes a new plan
/// whose photos are known already. Concurrent first requests share one computation.
final class GalleryZipLayouts: Sendable {
    struct FileChanged: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) is not the file the catalog describes" }
    }

    let renditionsRoot: String
    private let resolvedRoot: String
    /// Layouts made or being made, by plan ETag, and the order they were first asked for.
    private let layouts = Mutex<(tasks: [String: Task<ZipLayout, any Error>], order: [String])>(([:], []))
    private let checksums = Mutex<[String: UInt32]>([:])
    /// Layouts kept (a few hundred bytes per photo each).
    static let keptLayouts = 32
    /// CRCs kept: far more than any archive holds; cleared when full.
    static let keptChecksums = 200_000

    init(renditionsRoot: String) {
        self.renditionsRoot = renditionsRoot
        self.resolvedRoot = RenditionRoutes.resolve(renditionsRoot) ?? renditionsRoot
    }

    func layout(for plan: GalleryZipPlan) async throws -> ZipLayout {
        let task = layouts.withLock { state -> Task<ZipLayout, any Error> in
            if let task = state.tasks[plan.etag] { return task }
            let task = Task { try await self.make(plan) }
            state.tasks[plan.etag] = task
            state.order.append(plan.etag)
            while state.order.count > Self.keptLayouts { state.tasks.removeValue(forKey: state.order.removeFirst()) }
            return task
        }
        do {
            return try await task.value
        } catch {
            // Tried again by the next request (a photo may have been made again meanwhile).
            layouts.withLock { state in
                state.tasks.removeValue(forKey: plan.etag)
                state.order.removeAll { $0 == plan.etag }
            }
            throw error
        }
    }

    private func make(_ plan: GalleryZipPlan) async throws -> ZipLayout {
        var crcs: [UInt32] = []
        crcs.reserveCapacity(plan.members.count)
        for member in plan.members {
            switch member.source {
            case .text(let bytes): crcs.append(CRC32(of: bytes).value)
            case .file(let relative): crcs.append(try await checksum(relative, byteCount: member.byteCount))
            }
        }
        return try ZipLayout(
            entries: GalleryZipPlan.entries(plan.members, crcs: crcs, modified: plan.modified),
            forceZip64: plan.forceZip64)
    }

    private func checksum(_ relative: String, byteCount: Int) async throws -> UInt32 {
        let key = "\(relative) \(byteCount)"
        if let known = checksums.withLock({ $0[key] }) { return known }
        let reader = try FileChunkReader(path: try self.path(relative))
        guard try reader.size() == byteCount else { throw FileChanged(path: relative) }
        var crc = CRC32()
        var read = 0
        while read < byteCount {
            let chunk = try await reader.read(at: read, length: byteCount - read)
            guard chunk.readableBytes > 0 else { break }
            crc.update(chunk)
            read += chunk.readableBytes
        }
        guard read == byteCount else { throw FileChanged(path: relative) }
        checksums.withLock { known in
            if known.count >= Self.keptChecksums { known.removeAll() }
            known[key] = crc.value
        }
        return crc.value
    }

    /// The file's path, which must lie inside the renditions folder (no planted symlink).
    func path(_ relative: String) throws -> String {
        let path = renditionsRoot + "/" + relative
        guard RenditionRoutes.resolve(path)?.hasPrefix(resolvedRoot + "/") == true else {
            throw FileChanged(path: relative)
        }
        return path
    }
}
