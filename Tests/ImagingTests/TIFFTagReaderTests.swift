import Foundation
import GalleryCore
import GalleryFixtures
import Testing

@testable import Imaging

@Suite("TIFF text tags")
struct TIFFTagReaderTests {
    @Test("a TIFF's own IFD0 text tags are read, wherever in the file they are")
    func readsIFD0() {
        var block = ExifBlock()
        block.ascii(0x010E, Array("Stra".utf8) + [0xDF] + Array("enfest".utf8))
        block.ascii(0x013B, "Russell Leavitt")
        block.ascii(0x8298, "© Land NRW")
        let tiff = Array(block.encoded().dropFirst(6))
        let fields = tiff.withUnsafeBytes { TIFFTagReader.read($0) }
        #expect(fields?.imageDescription == "Straßenfest")
        #expect(fields?.artist == "Russell Leavitt")
        #expect(fields?.copyright == "© Land NRW")
    }

    @Test("TIFF text tags in Windows-1252 keep „ “ – and €")
    func windows1252() {
        var block = ExifBlock()
        block.ascii(
            0x010E, [0x84] + Array("Stra".utf8) + [0xDF] + Array("enfest".utf8) + [0x93, 0x20, 0x96, 0x20, 0x80])
        block.ascii(0x013B, Array("J".utf8) + [0xF6] + Array("rg M".utf8) + [0xFC] + Array("ller".utf8))
        let tiff = Array(block.encoded().dropFirst(6))
        let fields = tiff.withUnsafeBytes { TIFFTagReader.read($0) }
        #expect(fields?.imageDescription == "„Straßenfest“ – €")
        #expect(fields?.artist == "Jörg Müller")
    }

    @Test("offsets past the end and garbage yield nothing, never a crash")
    func hostile() {
        var block = ExifBlock()
        block.ascii(0x010E, String(repeating: "x", count: 100))
        var tiff = Array(block.encoded().dropFirst(6))
        // Point the description's value far outside the file.
        tiff[8 + 2 + 8] = 0xFF
        tiff[8 + 2 + 9] = 0xFF
        #expect(tiff.withUnsafeBytes { TIFFTagReader.read($0) }?.imageDescription == nil)
        for garbage in [
            [UInt8](), [0x49, 0x49], [0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F], Array(repeating: 0x4D, count: 64),
        ] {
            _ = garbage.withUnsafeBytes { TIFFTagReader.read($0) }
        }
    }
}
