import Foundation
import GalleryCore
import Testing

@Suite("Placeholders")
struct PlaceholderTests {
    @Test("the ThumbHash of a flat image carries its colour, and the mean colour is exact")
    func flatColor() throws {
        let rgb = [UInt8](repeating: 0, count: 32 * 24 * 3).enumerated().map { index, _ in
            [UInt8(200), 100, 50][index % 3]
        }
        let placeholder = Placeholder(width: 32, height: 24, rgb: rgb)
        #expect(placeholder.color == "#c86432")
        let hash = try #require(Data(base64Encoded: placeholder.thumbhash))
        #expect(hash.count >= 5 && hash.count <= 30)
        let decoded = ThumbHash.averageColor(of: Array(hash))
        let channels = stride(from: 1, to: 7, by: 2).map { Int(decoded.dropFirst($0).prefix(2), radix: 16)! }
        #expect(abs(channels[0] - 200) <= 6 && abs(channels[1] - 100) <= 6 && abs(channels[2] - 50) <= 6)
    }

    @Test("landscape and portrait images give different hashes")
    func aspect() {
        let landscape = Placeholder(width: 40, height: 20, rgb: .init(repeating: 90, count: 40 * 20 * 3))
        let portrait = Placeholder(width: 20, height: 40, rgb: .init(repeating: 90, count: 20 * 40 * 3))
        #expect(landscape.thumbhash != portrait.thumbhash)
    }
}

@Suite("Capture time")
struct CaptureTimeTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    @Test("EXIF local time is read in the site's zone unless the camera wrote an offset")
    func zones() {
        let winter = CaptureTime.parse("2019:03:12 10:31:00", offset: nil, defaultZone: berlin)
        #expect(winter?.formatted(.iso8601) == "2019-03-12T09:31:00Z")
        let withOffset = CaptureTime.parse("2019:03:12 10:31:00", offset: "+05:30", defaultZone: berlin)
        #expect(withOffset?.formatted(.iso8601) == "2019-03-12T05:01:00Z")
    }

    @Test(
        "invalid dates are ignored",
        arguments: ["0000:00:00 00:00:00", "    :  :     :  :  ", "2019:13:40 10:00:00", ""])
    func invalid(value: String) {
        #expect(CaptureTime.parse(value, offset: nil, defaultZone: berlin) == nil)
    }
}
