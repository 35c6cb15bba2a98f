import Foundation
import Testing

@testable import Archive

/// `ZipLayout` against a reader we did not write (Python's `zipfile`), on archives drawn at
/// random: names in any script (combining marks, spaces, emoji), sizes from empty up,
/// ZIP64 forced or not; and the arithmetic of archives too large to write in a test.
@Suite("Stored ZIP layouts")
struct ZipLayoutTests {
    /// The whole archive: headers from the layout, contents as given.
    static func bytes(_ layout: ZipLayout, _ contents: [[UInt8]]) -> [UInt8] {
        layout.pieces(in: 0..<layout.byteCount).flatMap { piece, part -> [UInt8] in
            switch piece {
            case .header(let bytes): return Array(bytes[part])
            case .contents(let index): return Array(contents[index][part])
            }
        }
    }

    static let alphabet = Array("abcXYZ019 _-.äöüßÄÖÜéèçñøłŠ漢字😀\u{301}")

    @Test("random archives read back by Python's zipfile: names, sizes, CRCs, contents; any range equals the slice")
    func randomArchives() throws {
        var generator = SystemRandomNumberGenerator()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galleryd-zip-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for round in 0..<40 {
            let count = Int.random(in: 0...12, using: &generator)
            var names = Set<String>()
            while names.count < count {
                let length = Int.random(in: 1...40, using: &generator)
                names.insert(String((0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }))
            }
            let ordered = names.sorted()
            let contents = ordered.map { _ in
                (0..<Int.random(in: 0...3000, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            }
            let modified = Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator))
            let entries = zip(ordered, contents).map { name, bytes in
                ZipEntry(name: name, byteCount: bytes.count, crc32: Self.crc32(bytes), modified: modified)
            }
            let forced = Bool.random(using: &generator)
            let layout = try ZipLayout(entries: entries, forceZip64: forced)
            let archive = Self.bytes(layout, contents)
            #expect(archive.count == layout.byteCount)
            // Any range is the slice of the whole.
            for _ in 0..<20 {
                let start = Int.random(in: 0..<archive.count, using: &generator)
                let end = Int.random(in: start...archive.count, using: &generator)
                let part = layout.pieces(in: start..<end).flatMap { piece, part -> [UInt8] in
                    switch piece {
                    case .header(let bytes): return Array(bytes[part])
                    case .contents(let index): return Array(contents[index][part])
                    }
                }
                #expect(part == Array(archive[start..<end]), "round \(round): \(start)..<\(end)")
            }
            let file = folder.appendingPathComponent("\(round).zip")
            try Data(archive).write(to: file)
            let expected = zip(ordered, contents).map { "\($0)\t\($1.count)\t\(Self.hex(Data($1)))" }
            let read = try Self.python(file)
            #expect(read == expected, "round \(round), forced ZIP64: \(forced)")
        }
    }

    @Test("over 4 GiB: sizes and offsets move into ZIP64 fields, the count too past 65,534 entries")
    func large() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let big = try ZipLayout(entries: [
            ZipEntry(name: "a.jpg", byteCount: 5 << 30, crc32: 1, modified: now),
            ZipEntry(name: "b.jpg", byteCount: 10, crc32: 2, modified: now),
        ])
        #expect(big.usesZip64)
        // a: 30 + 5 + 20 (ZIP64) + 9 header; b: 30 + 5 + 9 (its offset needs ZIP64 only
        // in the central directory); central: 46 + 5 + 20 + 9 and 46 + 5 + 12 + 9;
        // ZIP64 end record 56 + locator 20 + end record 22.
        #expect(big.byteCount == (64 + (5 << 30)) + (44 + 10) + 80 + 72 + 56 + 20 + 22)
        let small = try ZipLayout(entries: [ZipEntry(name: "a.jpg", byteCount: 10, crc32: 1, modified: now)])
        #expect(!small.usesZip64 && small.byteCount == 44 + 10 + 60 + 22)
        let many = try ZipLayout(
            entries: (0..<65_535).map { ZipEntry(name: "\($0)", byteCount: 0, crc32: 0, modified: now) })
        #expect(many.usesZip64)
        #expect(throws: ZipLayout.LayoutError.self) {
            try ZipLayout(entries: [
                ZipEntry(name: String(repeating: "x", count: 70_000), byteCount: 0, crc32: 0, modified: now)
            ])
        }
    }

    static func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }

    /// `name \t size \t contents in hex` per entry, after `testzip()` checked every CRC.
    static func python(_ file: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for i in z.infolist():
                assert i.compress_type == 0 and i.flag_bits & 0x800
                sys.stdout.buffer.write(f"{i.filename}\\t{i.file_size}\\t{z.read(i).hex()}\\n".encode())
            """,
            file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
    }

    /// The CRC-32 of ISO 3309, bit by bit: a reference independent of zlib.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
