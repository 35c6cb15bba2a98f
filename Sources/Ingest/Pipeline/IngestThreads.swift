import Imaging
public import NIOPosix

/// The threads ingest blocks on, off the cooperative pool that serves requests: libvips,
/// reading and hashing originals, fsync.
///
/// - `pixels`: `ingest.workers` threads for web sets, previews and reading originals;
/// - `downloads`: one thread for print downloads, so at most one is made at a time, at the
///   lowest CPU priority (a thread that only ever makes downloads never needs its priority
///   raised back, which an unprivileged process may not do).
public struct IngestThreads: Sendable {
    public let pixels: NIOThreadPool
    public let downloads: NIOThreadPool

    /// Starts the pools and libvips; render threads run at `renderNice`.
    public init(workers: Int, renderNice: Int) {
        pixels = NIOThreadPool(numberOfThreads: max(1, workers))
        pixels.start()
        downloads = NIOThreadPool(numberOfThreads: 1)
        downloads.start()
        VipsRuntime.start()
        RenderPriority.set(renderNice)
    }

    public func shutdown() async {
        try? await pixels.shutdownGracefully()
        try? await downloads.shutdownGracefully()
    }
}
