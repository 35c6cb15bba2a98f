import Testing

@testable import Imaging

@Suite("Render priority")
struct RenderPriorityTests {
    func niceOfThisThread() -> Int32 { RenderPriority.threadNice }

    @Test("image work runs at the configured nice value and the thread gets its own back")
    func lowered() {
        let before = niceOfThisThread()
        RenderPriority.set(10)
        let inside = RenderPriority.lowered { niceOfThisThread() }
        #expect(inside == 10)
        #expect(niceOfThisThread() == before)
        RenderPriority.set(0)
        #expect(RenderPriority.lowered { niceOfThisThread() } == before, "0: left as it is")
        RenderPriority.set(10)
    }
}
