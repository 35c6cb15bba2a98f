import Foundation
import GalleryCore
import GalleryFixtures
import Imaging
import Testing

@Suite("Renditions of extreme shapes")
struct ExtremeShapeTests {
    let settings = RenditionSettings()
    var renderer: RenditionRenderer { RenditionRenderer(settings: settings) }
    let credit = EmbeddedRights(artist: "E. Lichtenscheidt", copyright: "© MWIDE NRW/E. Lichtenscheidt")

    @Test("a strip and a panorama: renditions inside their boxes, sizes in the JSON true, the thumbnail a part")
    func extremeShapes() throws {
        for (width, height) in [(150, 4500), (8000, 100)] {
            var image = RGBImage(width: width, height: height, fill: (120, 120, 120))
            // Something to look at near one end: the attention crop must find it.
            let wide = width > height
            let spot = wide ? (x: width - 300..<width - 250, y: 20..<80) : (x: 30..<120, y: height - 400..<height - 320)
            image.fill(x: spot.x, y: spot.y, with: (230, 20, 20))
            let data = Data(FixtureEncoder.encode(image))
            let plan = settings.plan(sourceWidth: width, sourceHeight: height)
            let rendered = try renderer.render(data, plan: plan, rights: credit)
            #expect(rendered.renditions.count == plan.count)
            for rendition in rendered.renditions {
                let decoded = DecodedImage(rendition.data)
                #expect(decoded.width == rendition.width && decoded.height == rendition.height, "reported size true")
                #expect(
                    abs(rendition.width - rendition.spec.width) <= 1
                        && abs(rendition.height - rendition.spec.height) <= 1)
                #expect(rendition.height <= (rendition.spec.role == .thumbnail ? 320 : 3072))
                #expect(rendition.width <= (rendition.spec.role == .thumbnail ? 320 : 2048))
            }
            let thumbnail = try #require(
                rendered.renditions.first { $0.spec.role == .thumbnail && $0.spec.format == .jpeg })
            #expect(min(thumbnail.width, thumbnail.height) >= 80, "no sliver: \(thumbnail.width)×\(thumbnail.height)")
            let picture = DecodedImage(thumbnail.data)
            let sawRed = (0...8).contains { column in
                (0...8).contains { picture.dominant(atEighth: column, $0) == "red" }
            }
            #expect(sawRed, "the attention crop keeps the red spot (\(width)×\(height))")
        }
    }
}
