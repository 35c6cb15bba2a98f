internal import CVips
public import Foundation
import Imaging

/// An 8-bit RGB pixel buffer that tests draw into and encode with libvips.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8) = (128, 128, 128)) {
        self.width = width
        self.height = height
        self.pixels = Array(repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[index * 3] = fill.r
            pixels[index * 3 + 1] = fill.g
            pixels[index * 3 + 2] = fill.b
        }
    }

    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        get {
            let index = (y * width + x) * 3
            return (pixels[index], pixels[index + 1], pixels[index + 2])
        }
        set {
            let index = (y * width + x) * 3
            pixels[index] = newValue.r
            pixels[index + 1] = newValue.g
            pixels[index + 2] = newValue.b
        }
    }

    public mutating func fill(x: Range<Int>, y: Range<Int>, with color: (r: UInt8, g: UInt8, b: UInt8)) {
        for row in y {
            for column in x { self[column, row] = color }
        }
    }

    /// A landscape test card whose orientation can be read back: red top-left corner,
    /// green top-right, blue bottom-left, grey elsewhere.
    public static func orientationCard(width: Int = 300, height: Int = 200) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        let w = width / 3
        let h = height / 3
        image.fill(x: 0..<w, y: 0..<h, with: (230, 20, 20))
        image.fill(x: (width - w)..<width, y: 0..<h, with: (20, 200, 20))
        image.fill(x: 0..<w, y: (height - h)..<height, with: (20, 20, 230))
        return image
    }

    /// A smooth gradient (compresses like a photo, not like flat colour).
    public static func gradient(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = (
                    UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
                    UInt8((x + y) * 127 / max(width + height - 2, 1))
                )
            }
        }
        return image
    }

    /// The pixels as they must be stored so that a viewer applying EXIF `orientation`
    /// shows this image upright.
    public func stored(forOrientation orientation: Int) -> RGBImage {
        let transposed = orientation >= 5
        var stored = RGBImage(width: transposed ? height : width, height: transposed ? width : height)
        let (W, H) = (width, height)
        for j in 0..<stored.height {
            for i in 0..<stored.width {
                let source: (Int, Int)
                switch orientation {
                case 2: source = (W - 1 - i, j)
                case 3: source = (W - 1 - i, H - 1 - j)
                case 4: source = (i, H - 1 - j)
                case 5: source = (j, i)
                case 6: source = (W - 1 - j, i)
                case 7: source = (W - 1 - j, H - 1 - i)
                case 8: source = (j, H - 1 - i)
                default: source = (i, j)
                }
                stored[i, j] = self[source.0, source.1]
            }
        }
        return stored
    }
}

/// Encoded image files made with libvips, for tests.
public enum FixtureEncoder {
    public enum Format: Sendable {
        case jpeg(quality: Int), png, webp, tiff, gif
    }

    public static func encode(_ image: RGBImage, as format: Format = .jpeg(quality: 90)) -> [UInt8] {
        VipsRuntime.start()
        let vipsImage = image.pixels.withUnsafeBytes { bytes in
            vips_image_new_from_memory_copy(
                bytes.baseAddress, bytes.count, Int32(image.width), Int32(image.height), 3, VIPS_FORMAT_UCHAR)
        }
        guard let vipsImage else { fatalError("vips_image_new_from_memory_copy failed") }
        defer { gd_object_unref(vipsImage) }
        return save(vipsImage, as: format)
    }

    static func save(_ image: UnsafeMutablePointer<VipsImage>, as format: Format) -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status: Int32
        switch format {
        case .jpeg(let quality): status = gd_jpegsave_buffer_plain(image, &buffer, &length, Int32(quality))
        case .png: status = gd_pngsave_buffer(image, &buffer, &length)
        case .webp: status = gd_webpsave_buffer(image, &buffer, &length, 90, 0)
        case .tiff: status = gd_tiffsave_buffer(image, &buffer, &length)
        case .gif: status = gd_gifsave_buffer(image, &buffer, &length)
        }
        guard status == 0, let buffer else { fatalError("fixture encode failed") }
        defer { gd_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// A CMYK JPEG (libvips' built-in CMYK profile embedded), as print workflows deliver.
    public static func cmykJPEG(_ image: RGBImage) -> [UInt8] {
        VipsRuntime.start()
        let rgb = image.pixels.withUnsafeBytes { bytes in
            vips_image_new_from_memory_copy(
                bytes.baseAddress, bytes.count, Int32(image.width), Int32(image.height), 3, VIPS_FORMAT_UCHAR)
        }!
        defer { gd_object_unref(rgb) }
        var cmyk: UnsafeMutablePointer<VipsImage>?
        guard gd_colourspace(rgb, &cmyk, VIPS_INTERPRETATION_CMYK) == 0, let cmyk else {
            fatalError("CMYK conversion failed")
        }
        defer { gd_object_unref(cmyk) }
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard gd_jpegsave_buffer_with_profile(cmyk, &buffer, &length) == 0, let buffer else {
            fatalError("CMYK save failed")
        }
        defer { gd_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}

extension FixtureEncoder {
    /// A JPEG whose pixels were converted to Display P3 and which embeds that profile, as
    /// phones and wide-gamut editors write them.
    public static func displayP3JPEG(_ image: RGBImage) -> [UInt8] {
        VipsRuntime.start()
        let rgb = image.pixels.withUnsafeBytes { bytes in
            vips_image_new_from_memory_copy(
                bytes.baseAddress, bytes.count, Int32(image.width), Int32(image.height), 3, VIPS_FORMAT_UCHAR)
        }!
        defer { gd_object_unref(rgb) }
        var p3: UnsafeMutablePointer<VipsImage>?
        guard gd_icc_transform(rgb, &p3, "p3") == 0, let p3 else { fatalError("P3 transform failed") }
        defer { gd_object_unref(p3) }
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard gd_jpegsave_buffer_with_profile(p3, &buffer, &length) == 0, let buffer else {
            fatalError("P3 save failed")
        }
        defer { gd_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}

/// Reads pixels and facts back from encoded bytes, as a person looking at the file would.
public struct DecodedImage {
    public var width: Int
    public var height: Int
    public var bands: Int
    public var interpretation: String
    private var samples: [[Double]]
    private var sampleWidth: Int

    public init(_ bytes: Data) {
        VipsRuntime.start()
        let image = bytes.withUnsafeBytes { gd_image_new_from_buffer_random($0.baseAddress, $0.count) }
        guard let image else { fatalError("cannot decode fixture output") }
        defer { gd_object_unref(image) }
        width = Int(vips_image_get_width(image))
        height = Int(vips_image_get_height(image))
        bands = Int(vips_image_get_bands(image))
        interpretation = String(
            cString: vips_enum_nick(
                vips_interpretation_get_type(), Int32(vips_image_get_interpretation(image).rawValue)))
        // Read a coarse grid once; tests look at regions, not single pixels.
        sampleWidth = 9
        samples = []
        for row in 0..<9 {
            for column in 0..<9 {
                let x = (width - 1) * column / 8
                let y = (height - 1) * row / 8
                var vector: UnsafeMutablePointer<Double>?
                var count: Int32 = 0
                guard gd_getpoint(image, &vector, &count, Int32(x), Int32(y)) == 0, let vector else {
                    fatalError("getpoint failed")
                }
                samples.append(Array(UnsafeBufferPointer(start: vector, count: Int(count))))
                gd_free(vector)
            }
        }
    }

    /// The colour at a point given in eighths of the width and height (0…8).
    public func color(atEighth column: Int, _ row: Int) -> [Double] {
        samples[row * sampleWidth + column]
    }

    /// The dominant channel at a point: "red", "green", "blue" or "grey".
    public func dominant(atEighth column: Int, _ row: Int) -> String {
        let value = color(atEighth: column, row)
        guard value.count >= 3 else { return "grey" }
        let (r, g, b) = (value[0], value[1], value[2])
        if r > 150 && g < 100 && b < 100 { return "red" }
        if g > 150 && r < 100 && b < 100 { return "green" }
        if b > 150 && r < 100 && g < 100 { return "blue" }
        return "grey"
    }
}

extension RGBImage {
    /// Deterministic noise over a gradient: compresses like a detailed photo (large files).
    public static func noisy(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var image = RGBImage.gradient(width: width, height: height)
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        for index in image.pixels.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Int(state >> 58) - 32
            image.pixels[index] = UInt8(clamping: Int(image.pixels[index]) + noise)
        }
        return image
    }
}

/// Whether bytes are a complete image: every pixel decodes without a truncation error.
public func isCompleteImage(_ bytes: Data) -> Bool {
    VipsRuntime.start()
    let image = bytes.withUnsafeBytes { gd_image_new_from_buffer($0.baseAddress, $0.count, VIPS_FAIL_ON_TRUNCATED) }
    guard let image else {
        vips_error_clear()
        return false
    }
    defer { gd_object_unref(image) }
    var mean = 0.0
    let decoded = gd_avg(image, &mean) == 0
    if !decoded { vips_error_clear() }
    return decoded
}
