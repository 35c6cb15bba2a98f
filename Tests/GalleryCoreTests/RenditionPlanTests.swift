import GalleryCore
import Testing

@Suite("Rendition plans and paths")
struct RenditionPlanTests {
    let settings = RenditionSettings()

    @Test("a large source gets every configured size in every format")
    func largeSource() {
        let plan = settings.plan(sourceWidth: 5120)
        #expect(Set(plan.map(\.width)) == [320, 640, 1024, 1600, 2048])
        #expect(plan.count == 10)
    }

    @Test("nothing is upscaled: larger sizes are replaced by the source's own width")
    func noUpscale() {
        let plan = settings.plan(sourceWidth: 1200)
        #expect(plan.allSatisfy { $0.width <= 1200 })
        #expect(Set(plan.filter { $0.role == .carousel }.map(\.width)) == [640, 1024, 1200])
        let tiny = settings.plan(sourceWidth: 100)
        #expect(Set(tiny.map(\.width)) == [100])
    }

    @Test("a rendition URL path maps to one file inside the renditions folder, nothing else does")
    func layout() {
        let hash = String(repeating: "ab", count: 32)
        #expect(
            RenditionLayout.diskPath(forURLPath: "\(hash)/0123456789ab/carousel-640.webp")
                == "ab/\(hash)/0123456789ab/carousel-640.webp")
        let refused = [
            "../catalog.sqlite", "\(hash)/0123456789ab/../../x", "\(hash)/0123456789ab/carousel-640.webp/..",
            "\(hash)/0123456789AB/carousel-640.webp", "\(hash)/0123456789ab/original-640.jpg",
            "\(hash)/0123456789ab/carousel-0640.jpg", "\(hash)/0123456789ab/carousel-640.svg",
            "\(hash)%2F0123456789ab/carousel-640.jpg", "\(hash)/0123456789ab//carousel-640.jpg",
        ]
        for path in refused {
            #expect(RenditionLayout.diskPath(forURLPath: path) == nil, "\(path)")
        }
    }

    @Test("a different credit gives different rendition URLs, the same credit the same")
    func variantKey() {
        let hash = String(repeating: "cd", count: 32)
        let a = RenditionVariant(sourceHash: hash, settings: settings, credit: .init(artist: "A", copyright: "A"))
        let b = RenditionVariant(sourceHash: hash, settings: settings, credit: .init(artist: "B", copyright: "B"))
        let a2 = RenditionVariant(sourceHash: hash, settings: settings, credit: .init(artist: "A", copyright: "A"))
        #expect(a.key != b.key)
        #expect(a.key == a2.key)
    }
}
