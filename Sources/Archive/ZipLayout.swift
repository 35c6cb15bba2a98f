public import Foundation

/// A file in a ZIP archive that is stored, not compressed (APPNOTE.TXT 6.3.10, method 0).
public struct ZipEntry: Sendable, Hashable {
    /// The path inside the archive, in UTF-8 (general purpose bit 11 is set).
    public var name: String
    /// Bytes of the file, as stored.
    public var byteCount: Int
    /// CRC-32 of the bytes (APPNOTE 4.4.7); 0 where only the layout's size is wanted.
    public var crc32: UInt32
    /// Written as an MS-DOS date and time in UTC and as a Unix time (extra field 0x5455).
    public var modified: Date

    public init(name: String, byteCount: Int, crc32: UInt32, modified: Date) {
        self.name = name
        self.byteCount = byteCount
        self.crc32 = crc32
        self.modified = modified
    }
}

/// Where every byte of a stored ZIP archive comes from, computed before the first byte is
/// sent: the archive's length is known (a `Content-Length`), and any range of it can be
/// produced on its own (an HTTP `Range`), without writing the archive anywhere.
///
/// The archive is a sequence of pieces: header bytes made here, and the contents of each
/// entry, which the caller reads from wherever it keeps them.
///
/// ```swift
/// let layout = try ZipLayout(entries: entries)
/// for (piece, part) in layout.pieces(in: 0..<layout.byteCount) {
///     switch piece { case .header(let bytes): send(bytes[part]); case .contents(let i): send(file(i), part) }
/// }
/// ```
///
/// ZIP64 (APPNOTE 4.3.14, 4.5.3) is used where a size or offset reaches 2³² − 1 or the
/// count 65,535, or everywhere when asked (`forceZip64`, so that small archives can check
/// readers' ZIP64 handling).
public struct ZipLayout: Sendable {
    public enum Piece: Sendable, Equatable {
        /// Bytes of local headers, the central directory and the end records.
        case header([UInt8])
        /// The contents of the entry at this index.
        case contents(Int)
    }

    public enum LayoutError: Error, Equatable {
        /// A name longer than the 65,535 bytes a header can hold.
        case nameTooLong(String)
    }

    /// The pieces in order, with the offset each starts at.
    public let pieces: [(offset: Int, piece: Piece)]
    /// Bytes of each entry's contents, by index (where a ``Piece/contents(_:)`` ends).
    let entrySizes: [Int]
    /// Bytes of the whole archive.
    public let byteCount: Int
    /// Whether any ZIP64 record was written.
    public let usesZip64: Bool

    public init(entries: [ZipEntry], forceZip64: Bool = false) throws(LayoutError) {
        var pieces: [(offset: Int, piece: Piece)] = []
        var central: [UInt8] = []
        var offset = 0
        var anyZip64 = forceZip64
        for (index, entry) in entries.enumerated() {
            let name = Array(entry.name.utf8)
            guard name.count <= Int(UInt16.max) else { throw .nameTooLong(entry.name) }
            let bigSize = forceZip64 || entry.byteCount >= Self.limit32
            let bigOffset = forceZip64 || offset >= Self.limit32
            anyZip64 = anyZip64 || bigSize || bigOffset
            let (time, date) = Self.dosTime(entry.modified)
            let unixTime = UInt32(clamping: max(0, Int(entry.modified.timeIntervalSince1970)))
            let version: UInt16 = bigSize || bigOffset ? 45 : 20

            var local = Bytes()
            local.u32(0x0403_4b50)
            local.u16(version)
            local.u16(Self.utf8Names)
            local.u16(0)  // stored
            local.u16(time)
            local.u16(date)
            local.u32(entry.crc32)
            local.u32(bigSize ? UInt32.max : UInt32(entry.byteCount))
            local.u32(bigSize ? UInt32.max : UInt32(entry.byteCount))
            local.u16(UInt16(name.count))
            local.u16(UInt16((bigSize ? 20 : 0) + 9))
            local.append(name)
            if bigSize {
                local.u16(0x0001)
                local.u16(16)
                local.u64(UInt64(entry.byteCount))
                local.u64(UInt64(entry.byteCount))
            }
            local.timestamp(unixTime)
            pieces.append((offset, .header(local.bytes)))
            offset += local.bytes.count
            pieces.append((offset, .contents(index)))

            // Central directory header (APPNOTE 4.3.12); ZIP64 extra holds only the fields
            // marked 0xFFFFFFFF, in the order of 4.5.3.
            var extra64 = Bytes()
            if bigSize {
                extra64.u64(UInt64(entry.byteCount))
                extra64.u64(UInt64(entry.byteCount))
            }
            if bigOffset { extra64.u64(UInt64(pieces[pieces.count - 2].offset)) }
            var header = Bytes()
            header.u32(0x0201_4b50)
            header.u16(3 << 8 | 45)  // made by: Unix, APPNOTE 4.5
            header.u16(version)
            header.u16(Self.utf8Names)
            header.u16(0)
            header.u16(time)
            header.u16(date)
            header.u32(entry.crc32)
            header.u32(bigSize ? UInt32.max : UInt32(entry.byteCount))
            header.u32(bigSize ? UInt32.max : UInt32(entry.byteCount))
            header.u16(UInt16(name.count))
            header.u16(UInt16((extra64.bytes.isEmpty ? 0 : 4 + extra64.bytes.count) + 9))
            header.u16(0)  // comment
            header.u16(0)  // disk
            header.u16(0)  // internal attributes
            header.u32(0o100644 << 16)  // a regular file, rw-r--r--
            header.u32(bigOffset ? UInt32.max : UInt32(pieces[pieces.count - 2].offset))
            header.append(name)
            if !extra64.bytes.isEmpty {
                header.u16(0x0001)
                header.u16(UInt16(extra64.bytes.count))
                header.append(extra64.bytes)
            }
            header.timestamp(unixTime)
            central.append(contentsOf: header.bytes)
            offset += entry.byteCount
        }

        let directoryOffset = offset
        let directorySize = central.count
        let count = entries.count
        anyZip64 = anyZip64 || count >= 0xFFFF || directoryOffset >= Self.limit32 || directorySize >= Self.limit32
        var end = Bytes()
        end.append(central)
        if anyZip64 {
            // ZIP64 end of central directory record (4.3.14) and its locator (4.3.15).
            let recordOffset = directoryOffset + directorySize
            end.u32(0x0606_4b50)
            end.u64(44)
            end.u16(3 << 8 | 45)
            end.u16(45)
            end.u32(0)
            end.u32(0)
            end.u64(UInt64(count))
            end.u64(UInt64(count))
            end.u64(UInt64(directorySize))
            end.u64(UInt64(directoryOffset))
            end.u32(0x0706_4b50)
            end.u32(0)
            end.u64(UInt64(recordOffset))
            end.u32(1)
        }
        // End of central directory record (4.3.16); with ZIP64, the fields say "see there".
        end.u32(0x0605_4b50)
        end.u16(0)
        end.u16(0)
        end.u16(anyZip64 ? UInt16.max : UInt16(count))
        end.u16(anyZip64 ? UInt16.max : UInt16(count))
        end.u32(anyZip64 ? UInt32.max : UInt32(directorySize))
        end.u32(anyZip64 ? UInt32.max : UInt32(directoryOffset))
        end.u16(0)
        pieces.append((offset, .header(end.bytes)))
        self.pieces = pieces
        self.entrySizes = entries.map(\.byteCount)
        self.byteCount = offset + end.bytes.count
        self.usesZip64 = anyZip64
    }

    /// The pieces that overlap `range` of the archive, each with the part of it inside the
    /// range (counted from the piece's own start), in order.
    public func pieces(in range: Range<Int>) -> [(piece: Piece, part: Range<Int>)] {
        guard !range.isEmpty else { return [] }
        // The last piece starting at or before the range: a binary search, so a resumed
        // download of a large gallery finds its place at once.
        var low = 0
        var high = pieces.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if pieces[middle].offset <= range.lowerBound { low = middle } else { high = middle }
        }
        var result: [(piece: Piece, part: Range<Int>)] = []
        for index in low..<pieces.count {
            let (start, piece) = pieces[index]
            guard start < range.upperBound else { break }
            let length: Int
            switch piece {
            case .header(let bytes): length = bytes.count
            case .contents(let entry): length = entrySizes[entry]
            }
            let part = max(range.lowerBound, start) - start..<min(range.upperBound, start + length) - start
            if !part.isEmpty { result.append((piece, part)) }
        }
        return result
    }

    static let limit32 = Int(UInt32.max)
    /// General purpose bit 11: names are UTF-8 (APPNOTE 4.4.4, appendix D).
    static let utf8Names: UInt16 = 1 << 11

    /// MS-DOS time and date (APPNOTE 4.4.6) in UTC, clamped to 1980…2107, seconds halved.
    static func dosTime(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = parts.year ?? 1980
        guard year >= 1980 else { return (0, 1 << 5 | 1) }
        guard year <= 2107 else { return (23 << 11 | 59 << 5 | 29, 127 << 9 | 12 << 5 | 31) }
        let time = (parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2
        let day = (year - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1)
        return (UInt16(time), UInt16(day))
    }
}

/// Little-endian writing, as every ZIP field is (APPNOTE 4.4.1.1).
private struct Bytes {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value & 0xFF))
        bytes.append(UInt8(value >> 8))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// Extended timestamp extra field 0x5455 (Info-ZIP, APPNOTE 4.6.1): modification time
    /// only, the same 9 bytes in local and central headers.
    mutating func timestamp(_ unixTime: UInt32) {
        u16(0x5455)
        u16(5)
        bytes.append(1)
        u32(unixTime)
    }
}
