import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

@Suite("Colour profiles that cannot be applied")
struct ColourProfileTests {
    let settings = RenditionSettings()
    var renderer: RenditionRenderer { RenditionRenderer(settings: settings) }
    let credit = EmbeddedRights(artist: nil, copyright: "© MWIDE NRW/E. Lichtenscheidt")
    let photo = RGBImage(width: 700, height: 400, fill: (30, 90, 160))

    /// Renders and checks what every published rendition must be: planned size, 3-band sRGB.
    func renderPublishable(_ data: Data, width: Int = 700, height: Int = 400) throws -> RenderedSet {
        let plan = settings.plan(sourceWidth: width, sourceHeight: height)
        let rendered = try renderer.render(data, plan: plan, rights: credit)
        #expect(rendered.renditions.count == plan.count)
        for rendition in rendered.renditions {
            let decoded = DecodedImage(rendition.data)
            #expect(decoded.width == rendition.spec.width)
            #expect(decoded.height == Int((Double(height) * Double(decoded.width) / Double(width)).rounded()))
            #expect(decoded.bands == 3 && decoded.interpretation == "srgb")
        }
        return rendered
    }

    /// The grey value the untagged grey JPEG renders to, as libvips converts untagged grey.
    func untaggedGrey() throws -> Double {
        let rendered = try renderPublishable(Data(FixtureEncoder.greyJPEG(photo)))
        #expect(rendered.warnings.isEmpty)
        let jpeg = try #require(rendered.renditions.first { $0.spec.format == .jpeg })
        return DecodedImage(jpeg.data).color(atEighth: 4, 4)[0]
    }

    @Test(
        "a greyscale JPEG with an RGB or a CMYK profile is published as if untagged, with a warning",
        arguments: ["srgb", "cmyk"])
    func greyWithForeignProfile(profile: String) throws {
        let expected = try untaggedGrey()
        let data = Data(
            JPEGSegments.withProfile(FixtureEncoder.greyJPEG(photo), FixtureEncoder.builtInProfile(profile)))
        let rendered = try renderPublishable(data)
        let space = profile == "srgb" ? "an RGB" : "a CMYK"
        #expect(rendered.warnings == ["colour profile ignored: \(space) profile on a greyscale image"])
        let jpeg = try #require(rendered.renditions.first { $0.spec.format == .jpeg })
        let color = DecodedImage(jpeg.data).color(atEighth: 4, 4)
        #expect(color.allSatisfy { abs($0 - expected) <= 3 }, "\(color) vs grey \(expected)")
    }

    @Test("an RGB JPEG with a truncated, a CMYK or a version-5 profile keeps its colours, with a warning")
    func rgbWithUnusableProfile() throws {
        let srgb = FixtureEncoder.builtInProfile("srgb")
        var version5 = srgb
        version5[8] = 5
        version5[9] = 0
        let cases: [(profile: [UInt8], warning: String)] = [
            (Array(srgb.prefix(srgb.count / 2)), "the profile is truncated (\(srgb.count / 2) of \(srgb.count) bytes)"),
            (Array(srgb.prefix(60)), "the profile is truncated (60 bytes, less than an ICC header)"),
            (FixtureEncoder.builtInProfile("cmyk"), "a CMYK profile on an RGB image"),
            (version5, "ICC version 5.0 is not supported"),
        ]
        for (profile, warning) in cases {
            let data = Data(JPEGSegments.withProfile(FixtureEncoder.encode(photo), profile))
            let rendered = try renderPublishable(data)
            #expect(rendered.warnings == ["colour profile ignored: \(warning)"])
            let jpeg = try #require(rendered.renditions.first { $0.spec.format == .jpeg })
            let color = DecodedImage(jpeg.data).color(atEighth: 4, 4)
            #expect(abs(color[0] - 30) <= 4 && abs(color[1] - 90) <= 4 && abs(color[2] - 160) <= 4, "\(color)")
        }
    }

    @Test("a profile with a corrupt tag table is ignored with a warning")
    func corruptProfile() throws {
        let srgb = FixtureEncoder.builtInProfile("srgb")
        var corruptTable = srgb
        for index in 128..<corruptTable.count { corruptTable[index] = 0xFF }
        let data = Data(JPEGSegments.withProfile(FixtureEncoder.encode(photo), corruptTable))
        #expect(try renderPublishable(data).warnings == ["colour profile ignored: the profile's tag table is corrupt"])

    }

    @Test("a usable profile gives no warning")
    func usableProfile() throws {
        let data = Data(JPEGSegments.withProfile(FixtureEncoder.encode(photo), FixtureEncoder.builtInProfile("srgb")))
        #expect(try renderPublishable(data).warnings.isEmpty)
        #expect(try renderPublishable(Data(FixtureEncoder.displayP3JPEG(photo))).warnings.isEmpty)
    }

    @Test("a JPEG whose pixels are broken is undecodable, with or without an unusable profile")
    func brokenPixels() {
        let grey = FixtureEncoder.greyJPEG(.noisy(width: 700, height: 400, seed: 7))
        let tagged = JPEGSegments.withProfile(grey, FixtureEncoder.builtInProfile("srgb"))
        for bytes in [grey, tagged] {
            let cut = Data(bytes.prefix(bytes.count * 2 / 3))
            #expect {
                try renderer.render(cut, plan: settings.plan(sourceWidth: 700, sourceHeight: 400), rights: credit)
            } throws: { error in
                guard case QuarantineReason.undecodable = error else { return false }
                return true
            }
        }
    }
}
