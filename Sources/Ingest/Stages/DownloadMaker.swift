public import Catalog
import Crypto
import Foundation
import GalleryCore
import Imaging
public import Logging
import NIOPosix

/// What a download job did.
public enum DownloadOutcome: Sendable, Equatable {
    /// Made and published (or found on disk, made for a file with the same bytes).
    case published(bytes: Int)
    /// Withdrawn: downloads are off for the gallery.
    case withdrawn
    /// Nothing to do: already published, the file is gone or changed (its own job follows).
    case skipped
    /// The source could not be made into a download; the photo stays published without one.
    case unavailable(String)
    /// A transient failure (a read error, a full disk): the job is retried.
    case failed(String)
}

/// Makes print downloads, one at a time, on their own low-priority thread
/// (``IngestThreads/downloads``): the job the queue runs once publishing pauses.
public struct DownloadMaker: Sendable {
    let catalog: any IngestCatalog
    let storage: any RenditionStorage
    let threads: IngestThreads
    let logger: Logger

    public init(catalog: any IngestCatalog, storage: any RenditionStorage, threads: IngestThreads, logger: Logger) {
        self.catalog = catalog
        self.storage = storage
        self.threads = threads
        self.logger = logger
    }

    /// Why no download was made, decided on the download thread.
    enum Skip: Error {
        case skipped
        case unavailable(String)
    }

    /// The download job: makes the print-quality JPEG of the file's published version
    /// (from the same bytes: the SHA-256 must match), writes it beside its renditions and
    /// publishes it.
    public func makeDownload(relativePath: String, settings: IngestSettings) async -> DownloadOutcome {
        let outcome: DownloadOutcome
        do {
            outcome = try await download(relativePath, settings: settings)
        } catch {
            outcome = .failed(String(describing: error))
        }
        switch outcome {
        case .published(let bytes):
            logger.info("download published", metadata: ["path": "\(relativePath)", "bytes": "\(bytes)"])
        case .unavailable(let reason):
            logger.warning("no download", metadata: ["path": "\(relativePath)", "reason": "\(reason)"])
        case .failed(let reason):
            logger.error("download failed", metadata: ["path": "\(relativePath)", "error": "\(reason)"])
        case .withdrawn, .skipped:
            break
        }
        return outcome
    }

    private func download(_ relativePath: String, settings: IngestSettings) async throws -> DownloadOutcome {
        guard let asset = try await catalog.asset(atPath: relativePath),
            let gallery = try await catalog.gallery(id: asset.galleryId),
            let variant = RenditionVariant(sourceHash: asset.sourceHash, key: asset.variantKey)
        else { return .skipped }
        guard gallery.downloads, settings.renditions.download.enabled else {
            try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: nil)
            return .withdrawn
        }
        guard let spec = settings.renditions.download.spec(sourceWidth: asset.width, sourceHeight: asset.height)
        else { return .skipped }
        // Published and on disk: nothing to do. Published but its file gone (a restored
        // data folder): made again, and the catalog left alone if it comes out the same.
        let published = try await catalog.download(of: asset.id)
        if published != nil, storage.hasAll([spec], of: variant) { return .skipped }
        var made: (width: Int, height: Int, bytes: Int)
        if let twin = try await catalog.assetSharingRenditions(
            sourceHash: asset.sourceHash, variantKey: asset.variantKey)?
            .1.first(where: { $0.role == .download && $0.path == variant.relativePath(of: spec) }),
            storage.hasAll([spec], of: variant)
        {
            made = (twin.width, twin.height, twin.bytes)  // made for a copy of the file in another gallery
        } else {
            let (path, maximumBytes) = (settings.mediaRoot + "/" + relativePath, settings.limits.maxBytes)
            let (renderer, rights, sourceHash) = (
                RenditionRenderer(settings: settings.renditions), asset.text.embeddedRights, asset.sourceHash
            )
            let storage = self.storage
            // Read, hashed, rendered and written (fsync) on the download thread.
            let result: Result<RenderedRendition, Skip> = try await threads.downloads.runIfActive {
                let read: (bytes: Data, sourceHash: String)
                do {
                    read = try SourceFile.readHashed(path, maximumBytes: maximumBytes)
                } catch let error as SourceFile.ReadError where error.isTransient {
                    throw error
                } catch {
                    return .failure(.skipped)  // gone or unreadable: the file's own job deals with it
                }
                // Changed since it was published: its own file job follows.
                guard read.sourceHash == sourceHash else { return .failure(.skipped) }
                let bytes = read.bytes
                let rendered: RenderedRendition
                do {
                    rendered = try renderer.renderDownload(bytes, spec: spec, rights: rights)
                } catch let reason as QuarantineReason {
                    return .failure(.unavailable(reason.message))
                }
                try storage.write(rendered, as: variant)
                return .success(rendered)
            }
            switch result {
            case .success(let rendered): made = (rendered.width, rendered.height, rendered.data.count)
            case .failure(.skipped): return .skipped
            case .failure(.unavailable(let reason)): return .unavailable(reason)
            }
        }
        let row = RenditionRecord(
            assetId: asset.id, role: .download, width: made.width, height: made.height, format: .jpeg,
            bytes: made.bytes, path: variant.relativePath(of: spec))
        if let published, published.path == row.path, published.bytes == row.bytes, published.width == row.width,
            published.height == row.height
        {
            return .published(bytes: made.bytes)
        }
        guard try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: row) else {
            return .skipped
        }
        return .published(bytes: made.bytes)
    }
}
