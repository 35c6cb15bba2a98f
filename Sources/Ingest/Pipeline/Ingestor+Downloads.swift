import Catalog
import Crypto
public import Foundation
import GalleryCore
import Imaging
import Logging
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

extension Ingestor {
    /// How long publishing must pause before a download is made, by default. Measured with
    /// scripts/bench-daemon (12 MP drops in a row): a download made while the next photo's
    /// web set renders slows it by a quarter (361 → 442 ms to the JSON, nice 19 or not);
    /// held back until a pause, it costs the web set nothing.
    public static let defaultDownloadQuietPeriod: TimeInterval = 1

    /// After a version of a file is published (or bound again): queues its download if its
    /// gallery offers downloads and it has none yet, withdraws one it should not have.
    /// The download is made by a job of its own once publishing pauses
    /// (``downloadQuietPeriod``), so that publishing a photo never waits for it.
    func scheduleDownload(of asset: AssetRecord, in gallery: GalleryRecord, published: Bool = false) async throws {
        let quietUntil = downloadQuietPeriod > 0 ? Date().addingTimeInterval(downloadQuietPeriod) : nil
        if published, let quietUntil { try await jobs.holdDownloads(until: quietUntil) }
        let existing = try await catalog.download(of: asset.id)
        if !gallery.downloads || !settings.renditions.download.enabled {
            if existing != nil { try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: nil) }
            return
        }
        guard existing == nil else { return }
        try await jobs.enqueue([asset.path], kind: .download, notBefore: quietUntil)
    }

    /// The download job: makes the print-quality JPEG of the file's published version
    /// (from the same bytes: the SHA-256 must match), writes it beside its renditions and
    /// publishes it.
    public func makeDownload(relativePath: String) async -> DownloadOutcome {
        let outcome: DownloadOutcome
        do {
            outcome = try await download(relativePath)
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

    private func download(_ relativePath: String) async throws -> DownloadOutcome {
        let settings = self.settings
        guard let asset = try await catalog.asset(atPath: relativePath),
            let gallery = try await catalog.gallery(id: asset.galleryId),
            let variant = RenditionVariant(sourceHash: asset.sourceHash, key: asset.variantKey)
        else { return .skipped }
        guard gallery.downloads, settings.renditions.download.enabled else {
            try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: nil)
            return .withdrawn
        }
        guard try await catalog.download(of: asset.id) == nil,
            let spec = settings.renditions.download.spec(sourceWidth: asset.width, sourceHeight: asset.height)
        else { return .skipped }
        var made: (width: Int, height: Int, bytes: Int)
        if let twin = try await catalog.assetSharingRenditions(
            sourceHash: asset.sourceHash, variantKey: asset.variantKey)?
            .1.first(where: { $0.role == .download && $0.path == variant.relativePath(of: spec) }),
            store.hasAll([spec], of: variant)
        {
            made = (twin.width, twin.height, twin.bytes)  // made for a copy of the file in another gallery
        } else {
            let bytes: Data
            do {
                bytes = try SourceFile.read(
                    settings.mediaRoot + "/" + relativePath, maximumBytes: settings.limits.maxBytes)
            } catch  where error.isTransient {
                throw error
            } catch {
                return .skipped  // gone or unreadable: the file's own job deals with it
            }
            guard SHA256.hash(data: bytes).hexString == asset.sourceHash else { return .skipped }
            let renderer = RenditionRenderer(settings: settings.renditions)
            let rights = asset.text.embeddedRights
            let rendered: RenderedRendition
            do {
                rendered = try await downloadPool.runIfActive {
                    try renderer.renderDownload(bytes, spec: spec, rights: rights)
                }
            } catch let reason as QuarantineReason {
                return .unavailable(reason.message)
            }
            try store.write(rendered, as: variant)
            made = (rendered.width, rendered.height, rendered.data.count)
        }
        let row = RenditionRecord(
            assetId: asset.id, role: .download, width: made.width, height: made.height, format: .jpeg,
            bytes: made.bytes, path: variant.relativePath(of: spec))
        guard try await catalog.setDownload(of: asset.id, variantKey: asset.variantKey, to: row) else {
            return .skipped
        }
        return .published(bytes: made.bytes)
    }
}
