import GalleryCore
import Testing

@Suite("Rendition plans and paths")
struct RenditionPlanTests {
    let settings = RenditionSettings()

    @Test("a large source gets every configured size in every format")
    func largeSource() {
        let plan = settings.plan(sourceWidth: 5120, sourceHeight: 3413)
        #expect(Set(plan.map(\.width)) == [320, 640, 1024, 1600, 2048])
        #expect(plan.count == 10)
        #expect(plan.first { $0.role == .carousel && $0.width == 1024 }?.height == 683)
    }

    @Test("nothing is upscaled: larger sizes are replaced by the source's own size")
    func noUpscale() {
        let plan = settings.plan(sourceWidth: 1200, sourceHeight: 800)
        #expect(plan.allSatisfy { $0.width <= 1200 && $0.height <= 800 })
        #expect(Set(plan.filter { $0.role == .carousel }.map(\.width)) == [640, 1024, 1200])
        let tiny = settings.plan(sourceWidth: 100, sourceHeight: 80)
        #expect(Set(tiny.map(\.width)) == [100])
        #expect(Set(tiny.map(\.height)) == [80])
    }

    @Test("every rendition fits its role's box on both sides, at least 1×1, never upscaled")
    func boxes() {
        let shapes = [
            (150, 9000), (16000, 200), (9000, 150), (200, 16000), (1, 1), (1, 20000), (20000, 1), (3000, 4000),
            (4000, 3000), (640, 959), (20, 9000), (1000, 260),
        ]
        for (w, h) in shapes {
            let plan = settings.plan(sourceWidth: w, sourceHeight: h)
            #expect(!plan.isEmpty)
            for spec in plan {
                let boxes = spec.role == .thumbnail ? [(width: 320, height: 320)] : settings.carouselBoxes
                #expect(spec.width >= 1 && spec.height >= 1, "\(w)×\(h) \(spec)")
                #expect(spec.width <= w && spec.height <= h, "not upscaled: \(w)×\(h) \(spec)")
                #expect(
                    boxes.contains { spec.width <= $0.width && spec.height <= $0.height },
                    "inside a box: \(w)×\(h) \(spec)")
            }
        }
        // A portrait photo's thumbnail fits 320×320; its carousel keeps the width.
        let portrait = settings.plan(sourceWidth: 3000, sourceHeight: 4000)
        #expect(portrait.first { $0.role == .thumbnail }.map { [$0.width, $0.height] } == [240, 320])
        #expect(portrait.first { $0.role == .carousel && $0.width == 1024 }?.height == 1365)
    }

    @Test("a strip or a panorama gets a useful thumbnail: a 1:4 or 4:1 part, not a sliver")
    func extremeThumbnails() {
        func thumbnail(_ w: Int, _ h: Int) -> RenditionSpec? {
            settings.plan(sourceWidth: w, sourceHeight: h).first { $0.role == .thumbnail }
        }
        let strip = thumbnail(150, 9000)
        #expect(strip.map { [$0.width, $0.height] } == [80, 320])
        #expect(strip?.crop == true)
        let panorama = thumbnail(16000, 200)
        #expect(panorama.map { [$0.width, $0.height] } == [320, 80])
        #expect(panorama?.crop == true)
        // As the source allows: a 20 px wide strip stays 20 px wide.
        #expect(thumbnail(20, 9000).map { [$0.width, $0.height] } == [20, 80])
        // Within 4:1 the whole picture is shown, fitted.
        let wide = thumbnail(1000, 260)
        #expect(wide.map { [$0.width, $0.height, $0.crop ? 1 : 0] } == [320, 83, 0])
        // Carousel sizes are never crops; the strip's are at most 960 tall.
        let carousel = settings.plan(sourceWidth: 150, sourceHeight: 9000).filter { $0.role == .carousel }
        #expect(carousel.allSatisfy { !$0.crop && $0.height <= 3072 })
        #expect(carousel.map(\.height).min() == 960)
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
        let a = RenditionVariant(sourceHash: hash, settings: settings, rights: .init(artist: "A", copyright: "A"))
        let b = RenditionVariant(sourceHash: hash, settings: settings, rights: .init(artist: "B", copyright: "B"))
        let a2 = RenditionVariant(sourceHash: hash, settings: settings, rights: .init(artist: "A", copyright: "A"))
        #expect(a.key != b.key)
        #expect(a.key == a2.key)
    }
}
