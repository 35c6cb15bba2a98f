internal import CVips
public import Foundation
public import GalleryCore

/// What galleryd learns about a source image before decoding any pixel.
public struct ProbedImage: Sendable, Hashable {
    public var format: SourceFormat
    /// Width and height as displayed, EXIF orientation applied.
    public var width: Int
    public var height: Int
    /// EXIF orientation as stored (1 when absent or invalid).
    public var orientation: Int
    public var frames: Int
    public var metadata: EmbeddedMetadata
}

/// Reads the header and metadata of an encoded image and checks the ingest limits.
///
/// ```swift
/// let probed = try ImageProbe(limits: IngestLimits()).probe(bytes)
/// probed.width  // upright width
/// ```
public struct ImageProbe: Sendable {
    public var limits: IngestLimits

    public init(limits: IngestLimits) {
        self.limits = limits
        VipsRuntime.start()
    }

    public func probe(_ bytes: Data) throws(QuarantineReason) -> ProbedImage {
        if let reason = limits.check(fileSize: bytes.count) { throw reason }
        let result: Result<ProbedImage, QuarantineReason> = bytes.withUnsafeBytes { buffer in
            do throws(QuarantineReason) {
                return .success(try probe(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func probe(_ buffer: UnsafeRawBufferPointer) throws(QuarantineReason) -> ProbedImage {
        // Which loader recognises the bytes decides the format; SVG, PDF and the rest never
        // reach a loader.
        guard let loaderName = vips_foreign_find_load_buffer(buffer.baseAddress, buffer.count) else {
            vips_error_clear()
            throw .unsupportedFormat(loader: "")
        }
        let loader = String(cString: loaderName)
        guard let format = SourceFormat(loader: loader), limits.allowedFormats.contains(format) else {
            throw .unsupportedFormat(loader: loader)
        }
        guard let pointer = gd_image_new_from_buffer(buffer.baseAddress, buffer.count, VIPS_FAIL_ON_ERROR) else {
            throw .undecodable(detail: VipsError.takeMessage())
        }
        let image = VipsImageHandle(pointer)
        var orientation = image.int("orientation") ?? 1
        if !(1...8).contains(orientation) { orientation = 1 }
        let frames = image.int("n-pages") ?? 1
        let rawWidth = image.width
        let rawHeight = format == .gif ? (image.int("page-height") ?? image.height) : image.height
        if let reason = limits.check(
            format: format, loader: loader, width: rawWidth, height: rawHeight, frames: frames)
        {
            throw reason
        }
        let transposed = orientation >= 5
        // Every container gives the readers the same blocks: libvips' `exif-data`,
        // `iptc-data` and `xmp-data`, else what its loader leaves out — TIFF's IFD0 text
        // tags, a PNG's eXIf and iTXt chunks.
        let png = format == .png ? PNGMetadataReader.read(buffer) : (exif: nil, xmp: nil)
        let tiff = format == .tiff ? TIFFTagReader.tags(buffer) : nil
        var exif = (image.blob("exif-data") ?? png.exif).flatMap(ExifReader.read) ?? tiff?.exif ?? ExifFields()
        exif.orientation = orientation
        let metadata = EmbeddedMetadata(
            exif: exif,
            // A TIFF's own bytes first: libtiff hands an IPTC tag typed LONG (as Photoshop
            // writes it) over in host byte order, scrambling a big-endian file's stream.
            iptc: (tiff?.iptc ?? image.blob("iptc-data")).flatMap(IPTCReader.read) ?? IPTCFields(),
            xmp: (image.blob("xmp-data") ?? png.xmp).flatMap(XMPReader.read) ?? XMPFields())
        return ProbedImage(
            format: format, width: transposed ? rawHeight : rawWidth, height: transposed ? rawWidth : rawHeight,
            orientation: orientation, frames: frames, metadata: metadata)
    }
}
