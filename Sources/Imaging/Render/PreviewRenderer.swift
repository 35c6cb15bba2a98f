internal import CVips
public import Foundation
public import GalleryCore

/// Re-encodes a third-party preview image (an oEmbed thumbnail or an admin's upload) as a
/// plain JPEG: bounded input, sRGB, at most `width` wide, every piece of metadata gone.
public struct PreviewRenderer: Sendable {
    public struct Preview: Sendable {
        public var jpeg: Data
        public var width: Int
        public var height: Int
    }

    public var width: Int
    public var limits: IngestLimits

    public init(
        width: Int = 480, limits: IngestLimits = IngestLimits(maxPixels: 40_000_000, maxBytes: 10 * 1024 * 1024)
    ) {
        self.width = width
        self.limits = limits
        VipsRuntime.start()
    }

    /// - Throws: ``QuarantineReason`` when the bytes are no acceptable image.
    public func render(_ bytes: Data) throws -> Preview {
        let probed = try ImageProbe(limits: limits).probe(bytes)
        let renderer = RenditionRenderer(settings: RenditionSettings(), parallelism: 1)
        let size = RenditionSettings.fit(probed.width, probed.height, in: (width, probed.height))
        let spec = RenditionSpec(role: .thumbnail, width: size.width, height: size.height, format: .jpeg)
        let set = try renderer.render(bytes, plan: [spec], rights: EmbeddedRights(artist: nil, copyright: nil))
        let rendition = set.renditions[0]
        return Preview(jpeg: rendition.data, width: rendition.width, height: rendition.height)
    }
}
