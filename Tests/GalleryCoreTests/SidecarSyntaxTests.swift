import Foundation
import GalleryCore
import Testing

@Suite("What a sidecar may use of YAML")
struct SidecarSyntaxTests {
    /// The seeds of the fuzz corpus (Fuzz/corpus/sidecar-*), without their selector byte.
    static func seed(_ name: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("Fuzz/corpus/\(name)"))
        return String(decoding: bytes.dropFirst(), as: UTF8.self)
    }

    @Test(
        "anchors, aliases, tags and deep nesting are refused, naming the line",
        arguments: [
            ("sidecar-billion-laughs-keys", "line 1 uses an anchor"),
            ("sidecar-anchor-value", "line 1 uses an anchor"),
            ("sidecar-tag-python", "line 1 uses a tag"),
            ("sidecar-tag-local", "line 1 uses a tag"),
            ("sidecar-deep-flow", "nests deeper than 32 levels"),
            ("sidecar-deep-block", "nests deeper than 32 levels"),
        ])
    func refused(seed: String, problem: String) throws {
        let found = SidecarSyntax.problem(in: try Self.seed(seed))
        #expect(found?.contains(problem) == true, "\(seed): \(found ?? "allowed")")
    }

    @Test("aliases alone, in flow collections and as keys are refused")
    func aliasesAnywhere() {
        for text in ["title: *a\n", "order: [a.jpg, *b]\n", "items:\n  *k : {caption: x}\n", "- *a\n", "? *a\n: x\n"] {
            #expect(SidecarSyntax.problem(in: text) != nil, "\(text)")
        }
    }

    @Test("ordinary sidecars stay allowed: stars, ampersands and exclamation marks in text")
    func allowed() throws {
        #expect(SidecarSyntax.problem(in: try Self.seed("sidecar-plain-stars")) == nil)
        #expect(SidecarSyntax.problem(in: try Self.seed("sidecar")) == nil)
        let sidecar = """
            # Termine & Orte! *wichtig*
            title: "Auftakt *neu*"
            summary: >
              Zu Beginn hat sich Minister Prof. Dr. Pinkwart getroffen & gesprochen!
            credit: 'Foto: E. Lichtenscheidt'
            order: [bild-1.jpg, "bild-2.jpg"]
            items:
              bild-1.jpg:
                caption: Wirtschafts- und Digitalminister *Pinkwart* & Gäste
                alt: Ein Bild! Mit Ausrufezeichen
              "bild *2*.jpg": {caption: 'O''Neill & Co', credit: "A & B"}
            embeds:
              - {service: youtube, url: "https://www.youtube.com/watch?v=x&t=1"}
            """
        #expect(SidecarSyntax.problem(in: sidecar) == nil)
    }

    @Test("any text is judged quickly and without a crash")
    func anyText() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "&a", "*a", "!t", " ", ":", "- ", "? ", "[", "]", "{", "}", ",", "\n", "  ", "\"", "'", "#", "|", ">", "x",
            "\\",
        ]
        let started = ContinuousClock.now
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement()! }.joined()
            _ = SidecarSyntax.problem(in: text)
        }
        let deep = String(repeating: "[", count: 100_000)
        #expect(SidecarSyntax.problem(in: deep) != nil)
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
