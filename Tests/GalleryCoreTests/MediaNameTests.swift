import GalleryCore
import Testing

@Suite("Media names")
struct MediaNameTests {
    @Test("any bytes come back exactly; UTF-8 stays as it is; Latin-1 shows as Windows-1252")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<2_000 {
            let bytes = (0..<(length % 40)).map { _ in UInt8.random(in: 1...255, using: &generator) }
            let name = MediaName.decode(bytes)
            #expect(MediaName.fileSystemBytes(name) == bytes, "\(bytes)")
        }
        // Valid UTF-8 that holds a character of the escape range itself (U+F7B5): escaped,
        // so its bytes come back (random names found it).
        let privateUse: [UInt8] = [0xEF, 0x9E, 0xB5, 0x48]
        #expect(MediaName.fileSystemBytes(MediaName.decode(privateUse)) == privateUse)
        #expect(MediaName.decode(Array("Grüße – Köln.jpg".utf8)) == "Grüße – Köln.jpg")
        #expect(!MediaName.isEscaped("Grüße – Köln.jpg"))
        let latin = MediaName.decode(Array("Gr".utf8) + [0xFC, 0xDF, 0x65, 0x20, 0x96, 0x20, 0x80])
        #expect(MediaName.isEscaped(latin))
        #expect(MediaName.display(latin) == "Grüße – €")
    }
}
