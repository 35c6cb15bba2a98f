import CZlib
public import NIOCore

/// The CRC-32 of ISO 3309 / ITU-T V.42 (polynomial 0x04C11DB7, reflected), as ZIP
/// (APPNOTE 4.4.7) and gzip (RFC 1952 §2.3.1) store it, computed by zlib's `crc32`.
///
/// ```swift
/// var crc = CRC32()
/// crc.update(buffer)       // any number of times, in order
/// crc.value                // 0xCBF43926 for the ASCII bytes "123456789"
/// ```
public struct CRC32: Sendable, Hashable {
    /// The checksum of everything given so far (0 for nothing).
    public private(set) var value: UInt32 = 0

    public init() {}

    public init(of bytes: [UInt8]) {
        update(bytes)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update(raw: $0) }
    }

    public mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { update(raw: $0) }
    }

    private mutating func update(raw: UnsafeRawBufferPointer) {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var crc = UInt(value)
        var start = base
        var remaining = raw.count
        // zlib takes a 32-bit length.
        while remaining > 0 {
            let length = min(remaining, Int(Int32.max))
            crc = CZlib.crc32(crc, start, uInt(length))
            start += length
            remaining -= length
        }
        value = UInt32(truncatingIfNeeded: crc)
    }
}
