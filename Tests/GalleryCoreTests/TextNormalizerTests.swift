import GalleryCore
import Testing

@Suite("Metadata text decoding")
struct TextNormalizerTests {
    @Test("Latin-1 bytes (a subset of Windows-1252) are decoded, umlauts survive")
    func latin1() {
        let bytes: [UInt8] =
            Array("Oberb".utf8) + [0xFC] + Array("rgermeister D".utf8) + [0xFC] + Array("sseldorf".utf8)
        #expect(TextNormalizer.decode(bytes) == "Oberbürgermeister Düsseldorf")
    }

    @Test("8-bit text that is not UTF-8 is Windows-1252: „ “ – € and … survive")
    func windows1252() {
        // „Grüße“ – 5 € …  in Windows-1252.
        let bytes: [UInt8] = [0x84, 0x47, 0x72, 0xFC, 0xDF, 0x65, 0x93, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x20, 0x85]
        #expect(TextNormalizer.decode(bytes) == "„Grüße“ – 5 € …")
        #expect(TextNormalizer.decode([0x91, 0x61, 0x92, 0x20, 0x97, 0x20, 0x99]) == "‘a’ — ™")
    }

    @Test(
        "the five bytes Windows-1252 leaves undefined become U+FFFD, not silence",
        arguments: [0x81, 0x8D, 0x8F, 0x90, 0x9D])
    func undefinedBytes(byte: UInt8) {
        #expect(TextNormalizer.decode([0x61, byte, 0x62]) == "a\u{FFFD}b")
    }

    @Test("UTF-8 bytes are decoded as UTF-8")
    func utf8() {
        #expect(TextNormalizer.decode(Array("Förderphase – „Zitat“".utf8)) == "Förderphase – „Zitat“")
    }

    @Test("trailing NULs and padding spaces are dropped; text after a NUL is cut")
    func padding() {
        #expect(TextNormalizer.decode(Array("Caption   ".utf8) + [0, 0, 65]) == "Caption")
    }

    @Test("control characters are removed, line breaks kept")
    func controlCharacters() {
        #expect(TextNormalizer.clean("Zeile 1\r\nZeile\u{7} 2\u{1B}[31m") == "Zeile 1\n\nZeile 2[31m")
    }

    @Test("UCS-2 little-endian (Windows XP tags) is decoded")
    func utf16() {
        let units = Array("Grüße".utf16) + [0]
        let bytes = units.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
        #expect(TextNormalizer.decodeUTF16LE(bytes) == "Grüße")
    }

    @Test("a 64 KiB caption is bounded")
    func bounded() throws {
        let huge = String(repeating: "Wort ", count: 13_000)
        let cleaned = try #require(TextNormalizer.clean(huge))
        #expect(cleaned.count <= TextNormalizer.maximumLength + 1)
        #expect(cleaned.hasSuffix("…"))
    }
}
