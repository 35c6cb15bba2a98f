internal import CVips
public import Foundation
public import GalleryCore
import Synchronization

/// One encoded rendition, ready to be written to disk.
public struct RenderedRendition: Sendable {
    public var spec: RenditionSpec
    public var width: Int
    public var height: Int
    public var data: Data

    public init(spec: RenditionSpec, width: Int, height: Int, data: Data) {
        self.spec = spec
        self.width = width
        self.height = height
        self.data = data
    }
}

/// The renditions of one source and its placeholder.
public struct RenderedSet: Sendable {
    public var renditions: [RenderedRendition]
    public var placeholder: Placeholder
    /// What was wrong with the source but did not stop it from being published, for the log
    /// and the admin ("colour profile ignored: a RGB profile on a greyscale image").
    public var warnings: [String] = []
}

/// Makes a rendition set with libvips.
///
/// The source is decoded once, with shrink-on-load, near the largest width; EXIF
/// orientation is applied, colour converted to 8-bit sRGB from any embedded profile (CMYK
/// included); a profile that cannot be applied is ignored with a warning and the pixels are
/// converted as libvips converts untagged images. Smaller widths are derived from that decoded image in memory, and the
/// encodes run in parallel. Every output loses all metadata of the source and carries
/// fresh EXIF with only the credit (``ExifWriter``) and fresh XMP with only the rights
/// (``XMPWriter``).
public struct RenditionRenderer: Sendable {
    public var settings: RenditionSettings
    /// How many encodes of one image run at once.
    public var parallelism: Int

    public init(settings: RenditionSettings, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.settings = settings
        self.parallelism = max(1, parallelism)
        VipsRuntime.start()
    }

    /// - Throws: ``QuarantineReason/undecodable(detail:)`` when the source's pixels do not
    ///   decode, ``QuarantineReason/renderFailed(detail:)`` when decoded pixels could not be
    ///   resized or encoded.
    public func render(_ source: Data, plan: [RenditionSpec], rights: EmbeddedRights) throws(QuarantineReason)
        -> RenderedSet
    {
        guard !plan.isEmpty else { throw .renderFailed(detail: "empty rendition plan") }
        return try RenderPriority.lowered { () throws(QuarantineReason) -> RenderedSet in
            let decoded = try decode(source) { upright in Self.decodeWidth(for: plan, upright: upright) }
            do throws(VipsError) {
                let xmp = XMPWriter.fitted(for: rights)
                var set = try render(decoded, plan: plan, rights: rights, xmp: xmp.packet)
                set.warnings = decoded.warnings + xmp.warnings
                return set
            } catch {
                throw .renderFailed(detail: error.message)
            }
        }
    }

    /// The print-quality download: the source decoded at `spec`'s width (the original
    /// size unless `downloads.maxLongSide` is smaller), upright, 8-bit sRGB, JPEG at
    /// `downloads.quality`, with the same EXIF and XMP as the renditions and nothing else.
    /// Runs at nice 19 and outside ``VipsRuntime/heavySteps``: the next photo's web
    /// renditions come first.
    ///
    /// - Throws: as ``render(_:plan:rights:)``.
    public func renderDownload(_ source: Data, spec: RenditionSpec, rights: EmbeddedRights) throws(QuarantineReason)
        -> RenderedRendition
    {
        try RenderPriority.lowered(to: RenderPriority.downloadNice) {
            () throws(QuarantineReason) -> RenderedRendition in
            let decoded = try decode(source, heavyStep: false) { _ in spec.width }
            do throws(VipsError) {
                let image = decoded.image
                let data = try encode(
                    image, as: .jpeg, exif: ExifWriter.block(for: rights), xmp: XMPWriter.fitted(for: rights).packet,
                    jpegQuality: settings.download.quality)
                return RenderedRendition(spec: spec, width: image.width, height: image.height, data: data)
            } catch {
                throw .renderFailed(detail: error.message)
            }
        }
    }

    private func render(_ source: DecodedSource, plan: [RenditionSpec], rights: EmbeddedRights, xmp: [UInt8])
        throws(VipsError)
        -> RenderedSet
    {
        let decoded = source.image
        let sizes = Array(Set(plan.map(Size.init))).sorted { ($0.width, $0.height) > ($1.width, $1.height) }
        let scaled = try parallelMap(sizes, cost: { $0.width }) { size throws(VipsError) in
            try Self.resized(decoded, to: size)
        }
        let bySize = Dictionary(uniqueKeysWithValues: zip(sizes, scaled))
        let exif = ExifWriter.block(for: rights)
        let burnCredit = settings.burnCredit ? rights.copyright : nil
        // WebP and AVIF encode several times slower than JPEG; large before small.
        let renditions = try parallelMap(plan, cost: { $0.width * ($0.format == .jpeg ? 1 : 4) }) {
            spec throws(VipsError) in
            var image = bySize[Size(spec)]!
            if spec.role == .carousel, let burnCredit { image = try Self.withCreditLine(image, text: burnCredit) }
            let data = try encode(image, as: spec.format, exif: exif, xmp: xmp)
            return RenderedRendition(spec: spec, width: image.width, height: image.height, data: data)
        }
        // The placeholder shows the whole picture: from the smallest size that is no crop.
        let whole = sizes.indices.last { !sizes[$0].crop }.map { scaled[$0] } ?? scaled.last!
        return RenderedSet(renditions: renditions, placeholder: try Self.placeholder(from: whole))
    }

    /// A rendition's pixel size; sizes shared by several formats are resized once.
    struct Size: Hashable {
        var width: Int
        var height: Int
        var crop: Bool

        init(_ spec: RenditionSpec) {
            (width, height, crop) = (spec.width, spec.height, spec.crop)
        }
    }

    /// How wide the source must be decoded for every size of `plan` to be a reduction: a
    /// crop needs more of the source's pixels than its width says.
    static func decodeWidth(for plan: [RenditionSpec], upright: (width: Int, height: Int)) -> Int {
        plan.map { spec in
            guard spec.crop, upright.width > 0, upright.height > 0 else { return spec.width }
            let scale = max(Double(spec.width) / Double(upright.width), Double(spec.height) / Double(upright.height))
            return min(upright.width, Int((scale * Double(upright.width)).rounded(.up)))
        }.max() ?? 0
    }

    /// The decoded source at one size: resized to it exactly, or for a crop, resized to
    /// cover it and cut to it where libvips' attention strategy finds the most to see.
    static func resized(_ decoded: VipsImageHandle, to size: Size) throws(VipsError) -> VipsImageHandle {
        guard size.crop else {
            guard size.width != decoded.width || size.height != decoded.height else { return decoded }
            return try VipsImageHandle.make("resize") {
                gd_resize(
                    decoded.pointer, $0, Double(size.width) / Double(decoded.width),
                    Double(size.height) / Double(decoded.height))
            }.copyToMemory()
        }
        let scale = min(
            1, max(Double(size.width) / Double(decoded.width), Double(size.height) / Double(decoded.height)))
        var covering = decoded
        if scale < 1 {
            covering = try VipsImageHandle.make("resize") { gd_resize(decoded.pointer, $0, scale, scale) }
        }
        let width = min(size.width, covering.width)
        let height = min(size.height, covering.height)
        return try VipsImageHandle.make("smartcrop") {
            gd_smartcrop_attention(covering.pointer, $0, Int32(width), Int32(height))
        }.copyToMemory()
    }

    /// A source decoded once near the largest rendition width, its original upright size,
    /// and what was ignored on the way.
    struct DecodedSource: @unchecked Sendable {
        var image: VipsImageHandle
        var upright: (width: Int, height: Int)
        var warnings: [String] = []
    }

    /// Decodes with the embedded profile applied; with an unusable profile (judged from its
    /// header, or refused by libvips) as if untagged. `undecodable` only when the pixels
    /// themselves do not decode.
    ///
    /// `heavyStep`: whether the decode counts against ``VipsRuntime/heavySteps``. A print
    /// download does not: it is bounded on its own (one at a time, on its own thread) and
    /// must never hold a slot the next photo's web renditions wait for.
    func decode(
        _ source: Data, heavyStep: Bool = true, width: (_ upright: (width: Int, height: Int)) -> Int
    ) throws(QuarantineReason) -> DecodedSource {
        let result: Result<DecodedSource, QuarantineReason> = source.withUnsafeBytes { buffer in
            let header = Self.header(buffer)
            let width = width(header.upright)
            if heavyStep { VipsRuntime.heavySteps.wait() }
            defer { if heavyStep { VipsRuntime.heavySteps.signal() } }
            // Decode while the source bytes are still alive; later steps read memory only.
            func untagged(because problem: String) -> Result<DecodedSource, QuarantineReason> {
                do throws(VipsError) {
                    let image = try Self.decodeUntagged(buffer, width: width, header: header)
                    return .success(
                        DecodedSource(
                            image: image, upright: header.upright, warnings: ["colour profile ignored: \(problem)"]))
                } catch {
                    return .failure(.undecodable(detail: error.message))
                }
            }
            if let profile = header.profile, let problem = profile.problem(forImageIn: header.space) {
                return untagged(because: problem)
            }
            do throws(VipsError) {
                let thumbnail = try VipsImageHandle.make("thumbnail") { out in
                    gd_thumbnail_buffer(
                        UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count, out, Int32(width),
                        "fail_on=error", header.profile == nil ? 0 : 1)
                }
                return .success(
                    DecodedSource(image: try Self.webReady(thumbnail).copyToMemory(), upright: header.upright))
            } catch {
                // libvips refused the profile (corrupt tags, …) or the pixels: without the
                // profile, only the pixels can fail.
                guard header.profile != nil else { return .failure(.undecodable(detail: error.message)) }
                return untagged(because: error.message)
            }
        }
        return try result.get()
    }

    /// Shrink-on-load decode that ignores the embedded profile, converted to 8-bit sRGB as
    /// libvips converts untagged images (grey replicated, CMYK through its built-in profile,
    /// RGB taken as sRGB).
    static func decodeUntagged(_ buffer: UnsafeRawBufferPointer, width: Int, header: SourceHeader) throws(VipsError)
        -> VipsImageHandle
    {
        var shrink = 1
        if header.isJPEG, width > 0 {
            while shrink < 8, header.upright.width / (shrink * 2) >= width { shrink *= 2 }
        }
        let thumbnail = try VipsImageHandle.make("thumbnail") { out in
            gd_thumbnail_buffer_untagged(
                UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count, out, Int32(width), Int32(shrink))
        }
        return try Self.webReady(thumbnail).copyToMemory()
    }

    /// What the header says (no pixels decoded): upright size, pixel colour space, the
    /// embedded profile.
    struct SourceHeader {
        var upright: (width: Int, height: Int) = (0, 0)
        var space = ColourProfile.Space.other
        var profile: ColourProfile?
        var isJPEG = false
    }

    static func header(_ buffer: UnsafeRawBufferPointer) -> SourceHeader {
        guard let header = VipsImageHandle.header(of: buffer) else { return SourceHeader() }
        let transposed = (5...8).contains(header.int("orientation") ?? 1)
        return SourceHeader(
            upright: transposed ? (header.height, header.width) : (header.width, header.height),
            space: ColourProfile.Space(interpretation: header.interpretation, bands: header.bands),
            profile: header.blob("icc-profile-data").map(ColourProfile.init),
            isJPEG: SourceFormat(loader: header.loader) == .jpeg)
    }

    /// 8-bit, 3-band sRGB without alpha: what JPEG needs and every browser shows alike.
    static func webReady(_ image: VipsImageHandle) throws(VipsError) -> VipsImageHandle {
        var result = image
        if result.hasAlpha {
            result = try .make("flatten") { gd_flatten_white(result.pointer, $0) }
        }
        if !result.isSRGB || result.bands != 3 {
            result = try .make("colourspace") { gd_colourspace(result.pointer, $0, VIPS_INTERPRETATION_sRGB) }
        }
        if result.bands > 3 {
            result = try .make("extract_band") { gd_extract_band(result.pointer, $0, 0, 3) }
        }
        if result.bandFormat != VIPS_FORMAT_UCHAR {
            result = try .make("cast") { gd_cast_uchar(result.pointer, $0) }
        }
        return result
    }

    func encode(
        _ image: VipsImageHandle, as format: OutputFormat, exif: [UInt8], xmp: [UInt8], jpegQuality: Int? = nil
    ) throws(VipsError) -> Data {
        let clean = try image.copy()
        clean.replaceMetadata(exif: exif, xmp: xmp)
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32
        switch format {
        case .jpeg:
            status = gd_jpegsave_buffer(
                clean.pointer, &buffer, &length, Int32(jpegQuality ?? settings.jpegQuality), 0)
        case .webp:
            status = gd_webpsave_buffer(
                clean.pointer, &buffer, &length, Int32(settings.webpQuality), Int32(settings.webpEffort))
        case .avif: status = gd_avifsave_buffer(clean.pointer, &buffer, &length, Int32(settings.avifQuality), 2)
        }
        guard status == 0, let buffer else { throw VipsError("\(format.rawValue)save") }
        defer { gd_free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    /// The credit as a small white line with a dark outline, bottom right.
    static func withCreditLine(_ image: VipsImageHandle, text: String) throws(VipsError) -> VipsImageHandle {
        let size = max(9, image.width / 80)
        let margin = max(4, image.width / 200)
        let escaped = text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
        var result = image
        for (color, offset) in [("black", 1), ("white", 0)] {
            let line = try VipsImageHandle.make("text") { out in
                gd_text(
                    out, "<span foreground=\"\(color)\">\(escaped)</span>", "sans \(size)",
                    Int32(image.width - 2 * margin), 72)
            }
            let x = image.width - line.width - margin + offset
            let y = image.height - line.height - margin + offset
            result = try .make("composite") { gd_composite2_over(result.pointer, line.pointer, $0, Int32(x), Int32(y)) }
        }
        return try webReady(result)
    }

    static func placeholder(from image: VipsImageHandle) throws(VipsError) -> Placeholder {
        let small = try VipsImageHandle.make("thumbnail_image") { gd_thumbnail_image_box(image.pointer, $0, 100, 100) }
        var size = 0
        guard let memory = vips_image_write_to_memory(small.pointer, &size) else { throw VipsError("write_to_memory") }
        defer { gd_free(memory) }
        let rgb = Array(UnsafeRawBufferPointer(start: memory, count: size))
        return Placeholder(width: small.width, height: small.height, rgb: rgb)
    }

    /// Runs `body` over `items` on up to `parallelism` threads; libvips calls block, so they
    /// stay off Swift's cooperative pool. Items are taken in the order of `cost` (dearest
    /// first) by whichever thread is free, so one slow encode does not leave a core idle.
    func parallelMap<Item: Sendable, Output: Sendable>(
        _ items: [Item], cost: (Item) -> Int = { _ in 0 }, _ body: @Sendable (Item) throws(VipsError) -> Output
    ) throws(VipsError) -> [Output] {
        let results = UnsafeResultBox<Output>(count: items.count)
        let order = items.indices.sorted { cost(items[$0]) > cost(items[$1]) }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(parallelism, items.count)) { _ in
            while true {
                let position = next.add(1, ordering: .relaxed).oldValue
                guard position < order.count else { return }
                let index = order[position]
                VipsRuntime.heavySteps.wait()
                defer { VipsRuntime.heavySteps.signal() }
                do throws(VipsError) {
                    results.set(
                        index, .success(try RenderPriority.lowered { () throws(VipsError) in try body(items[index]) }))
                } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        return try results.values()
    }
}

/// A raw buffer rather than an Array: concurrent writes to distinct elements of an Array
/// stored in a class would trip Swift's exclusivity checks.
private final class UnsafeResultBox<Output>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<Output, VipsError>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ result: Result<Output, VipsError>) { slots[index] = result }

    func values() throws(VipsError) -> [Output] {
        try slots.map { slot throws(VipsError) in try slot!.get() }
    }
}

extension VipsError {
    init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }
}
