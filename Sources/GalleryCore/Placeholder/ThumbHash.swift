import Foundation

/// ThumbHash (Evan Wallace, https://evanw.github.io/thumbhash/): a ~25-byte image
/// placeholder that the portal decodes into a blurred preview while the image loads.
/// This is the reference encoder for opaque images, ported from the JavaScript original.
public enum ThumbHash {
    /// Encodes an opaque RGB image of at most 100×100 pixels (3 bytes per pixel, row-major).
    public static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= 100 && height <= 100, "ThumbHash input must fit 100×100")
        precondition(rgb.count >= width * height * 3, "pixel buffer too small")
        let count = width * height
        var luminance = [Double](repeating: 0, count: count)
        var yellowBlue = [Double](repeating: 0, count: count)
        var redGreen = [Double](repeating: 0, count: count)
        for index in 0..<count {
            let r = Double(rgb[index * 3]) / 255
            let g = Double(rgb[index * 3 + 1]) / 255
            let b = Double(rgb[index * 3 + 2]) / 255
            luminance[index] = (r + g + b) / 3
            yellowBlue[index] = (r + g) / 2 - b
            redGreen[index] = r - g
        }

        let luminanceLimit = 7.0
        let longest = Double(max(width, height))
        let lx = max(1, Int((luminanceLimit * Double(width) / longest).rounded()))
        let ly = max(1, Int((luminanceLimit * Double(height) / longest).rounded()))

        let l = encodeChannel(luminance, width: width, height: height, nx: max(3, lx), ny: max(3, ly))
        let p = encodeChannel(yellowBlue, width: width, height: height, nx: 3, ny: 3)
        let q = encodeChannel(redGreen, width: width, height: height, nx: 3, ny: 3)

        let isLandscape = width > height
        let header24 =
            Int((63 * l.dc).rounded()) | Int((31.5 + 31.5 * p.dc).rounded()) << 6
            | Int((31.5 + 31.5 * q.dc).rounded()) << 12 | Int((31 * l.scale).rounded()) << 18
        let header16 =
            (isLandscape ? ly : lx) | Int((63 * p.scale).rounded()) << 3 | Int((63 * q.scale).rounded()) << 9
            | (isLandscape ? 1 << 15 : 0)
        var hash: [UInt8] = [
            UInt8(header24 & 255), UInt8((header24 >> 8) & 255), UInt8(header24 >> 16),
            UInt8(header16 & 255), UInt8(header16 >> 8),
        ]
        var acIndex = 0
        for factor in l.ac + p.ac + q.ac {
            let byteIndex = 5 + (acIndex >> 1)
            if byteIndex == hash.count { hash.append(0) }
            hash[byteIndex] |= UInt8(Int((15 * factor).rounded())) << ((acIndex & 1) << 2)
            acIndex += 1
        }
        return hash
    }

    /// The average colour stored in a hash, as `#rrggbb`.
    public static func averageColor(of hash: [UInt8]) -> String {
        let header = Int(hash[0]) | Int(hash[1]) << 8 | Int(hash[2]) << 16
        let l = Double(header & 63) / 63
        let p = Double((header >> 6) & 63) / 31.5 - 1
        let q = Double((header >> 12) & 63) / 31.5 - 1
        let b = l - 2 / 3 * p
        let r = (3 * l - b + q) / 2
        let g = r - q
        return hexColor(red: r, green: g, blue: b)
    }

    static func hexColor(red: Double, green: Double, blue: Double) -> String {
        let components = [red, green, blue].map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
        return "#" + components.hexString
    }

    private static func encodeChannel(
        _ channel: [Double], width: Int, height: Int, nx: Int, ny: Int
    ) -> (dc: Double, ac: [Double], scale: Double) {
        var dc = 0.0
        var ac: [Double] = []
        var scale = 0.0
        var fx = [Double](repeating: 0, count: width)
        for cy in 0..<ny {
            var cx = 0
            while cx * ny < nx * (ny - cy) {
                var f = 0.0
                for x in 0..<width { fx[x] = cos(Double.pi / Double(width) * Double(cx) * (Double(x) + 0.5)) }
                for y in 0..<height {
                    let fy = cos(Double.pi / Double(height) * Double(cy) * (Double(y) + 0.5))
                    for x in 0..<width { f += channel[x + y * width] * fx[x] * fy }
                }
                f /= Double(width * height)
                if cx > 0 || cy > 0 {
                    ac.append(f)
                    scale = max(scale, abs(f))
                } else {
                    dc = f
                }
                cx += 1
            }
        }
        if scale > 0 {
            ac = ac.map { 0.5 + 0.5 / scale * $0 }
        }
        return (dc, ac, scale)
    }
}

extension Placeholder {
    /// A placeholder from a small (≤ 100×100) RGB rendering of the image: its ThumbHash and
    /// the mean colour of its pixels.
    public init(width: Int, height: Int, rgb: [UInt8]) {
        let hash = ThumbHash.encode(width: width, height: height, rgb: rgb)
        var sums = [0, 0, 0]
        let count = width * height
        for index in 0..<count {
            for channel in 0..<3 { sums[channel] += Int(rgb[index * 3 + channel]) }
        }
        let mean = sums.map { Double($0) / Double(max(count, 1)) / 255 }
        self.init(
            thumbhash: Data(hash).base64EncodedString(),
            color: ThumbHash.hexColor(red: mean[0], green: mean[1], blue: mean[2]))
    }
}
