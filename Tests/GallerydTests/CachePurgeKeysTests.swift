import Catalog
import SQLiteCatalog
import Testing

@testable import Server

@Suite("What a purge names")
struct CachePurgeKeysTests {
    func contents(_ revision: Int, public isPublic: Bool = true, shown: Set<String>, all: Set<String>)
        -> GalleryContents
    {
        GalleryContents(revision: revision, isPublic: isPublic, shown: shown, all: all)
    }

    @Test("nothing changed: no purge; a correction: the gallery and the list")
    func correction() {
        let before = ["g": contents(1, shown: ["a", "b"], all: ["a", "b"])]
        #expect(CachePurger.keys(from: before, to: before).isEmpty)
        #expect(
            CachePurger.keys(from: before, to: ["g": contents(2, shown: ["a", "b"], all: ["a", "b"])])
                == ["galleries", "gallery:g"])
    }

    @Test("a withdrawn or erased photo is purged, and one never seen public but not public now as well")
    func withdrawn() {
        let before = ["g": contents(1, shown: ["a"], all: ["a", "b", "c"])]
        // b was published and hidden between two looks; c is erased (gone from `all`).
        let after = ["g": contents(3, shown: ["a"], all: ["a", "b"])]
        #expect(CachePurger.keys(from: before, to: after) == ["asset:b", "asset:c", "galleries", "gallery:g"])
    }

    @Test("a gallery that leaves (embargo, removal) purges all its photos; one that arrives purges its pages")
    func galleryLeavesAndArrives() {
        let before = ["g": contents(1, shown: ["a", "b"], all: ["a", "b"])]
        let embargoed = ["g": contents(1, public: false, shown: [], all: ["a", "b"])]
        #expect(CachePurger.keys(from: before, to: embargoed) == ["asset:a", "asset:b", "galleries", "gallery:g"])
        #expect(CachePurger.keys(from: before, to: [:]) == ["asset:a", "asset:b", "galleries", "gallery:g"])
        #expect(CachePurger.keys(from: embargoed, to: before) == ["galleries", "gallery:g"])
    }
}
