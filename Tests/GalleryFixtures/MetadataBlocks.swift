import Crypto
public import Foundation

/// Builds EXIF blocks byte by byte (little-endian TIFF), independently of libexif, so that
/// tests can write exactly what cameras and broken tools write: Latin-1 text, GPS, UCS-2
/// XP tags, UserComment with a charset prefix, and hostile structures.
public struct ExifBlock {
    public enum IFD: Sendable { case zero, exif, gps }

    public struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        var bytes: [UInt8]
    }

    var entries: [IFD: [Entry]] = [:]

    public init() {}

    /// An ASCII-typed field holding these raw bytes (NUL appended): pass Latin-1 or UTF-8.
    public mutating func ascii(_ tag: UInt16, _ bytes: [UInt8], in ifd: IFD = .zero) {
        add(Entry(tag: tag, type: 2, count: UInt32(bytes.count + 1), bytes: bytes + [0]), to: ifd)
    }

    public mutating func ascii(_ tag: UInt16, _ text: String, in ifd: IFD = .zero) {
        ascii(tag, Array(text.utf8), in: ifd)
    }

    public mutating func short(_ tag: UInt16, _ value: UInt16, in ifd: IFD = .zero) {
        add(Entry(tag: tag, type: 3, count: 1, bytes: [UInt8(value & 0xff), UInt8(value >> 8)]), to: ifd)
    }

    public mutating func bytes(_ tag: UInt16, _ bytes: [UInt8], type: UInt16 = 1, in ifd: IFD = .zero) {
        add(Entry(tag: tag, type: type, count: UInt32(bytes.count), bytes: bytes), to: ifd)
    }

    public mutating func rationals(_ tag: UInt16, _ values: [(UInt32, UInt32)], in ifd: IFD) {
        var bytes: [UInt8] = []
        for (numerator, denominator) in values { bytes += le32(numerator) + le32(denominator) }
        add(Entry(tag: tag, type: 5, count: UInt32(values.count), bytes: bytes), to: ifd)
    }

    /// GPS position (latitude/longitude refs and values), as phones write it.
    public mutating func gps(latitude: Double, longitude: Double) {
        ascii(0x0001, latitude >= 0 ? "N" : "S", in: .gps)
        rationals(0x0002, degrees(abs(latitude)), in: .gps)
        ascii(0x0003, longitude >= 0 ? "E" : "W", in: .gps)
        rationals(0x0004, degrees(abs(longitude)), in: .gps)
    }

    /// Windows XP text tags: UCS-2 little-endian in a BYTE array.
    public mutating func windowsText(_ tag: UInt16, _ text: String) {
        let units = Array(text.utf16) + [0]
        bytes(tag, units.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })
    }

    /// UserComment with its 8-byte character code.
    public mutating func userComment(_ text: String, unicode: Bool = false) {
        let payload: [UInt8] =
            unicode
            ? Array("UNICODE\0".utf8) + Array(text.utf16).flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
            : Array("ASCII\0\0\0".utf8) + Array(text.utf8)
        bytes(0x9286, payload, type: 7, in: .exif)
    }

    private mutating func add(_ entry: Entry, to ifd: IFD) {
        entries[ifd, default: []].append(entry)
    }

    /// The block as libvips and JPEG APP1 carry it: `Exif\0\0` + TIFF.
    public func encoded(loopingIFD: Bool = false) -> [UInt8] {
        var zero = entries[.zero] ?? []
        let exif = entries[.exif] ?? []
        let gps = entries[.gps] ?? []
        // Pointers are placed first with a dummy value; fixed below.
        if !exif.isEmpty { zero.append(Entry(tag: 0x8769, type: 4, count: 1, bytes: le32(0))) }
        if !gps.isEmpty { zero.append(Entry(tag: 0x8825, type: 4, count: 1, bytes: le32(0))) }
        zero.sort { $0.tag < $1.tag }

        var tiff: [UInt8] = Array("II".utf8) + [42, 0] + le32(8)
        let zeroOffset = 8
        let exifOffset = zeroOffset + Self.size(of: zero)
        let gpsOffset = exifOffset + (exif.isEmpty ? 0 : Self.size(of: exif))
        zero = zero.map { entry in
            var entry = entry
            if entry.tag == 0x8769 { entry.bytes = le32(UInt32(exifOffset)) }
            if entry.tag == 0x8825 { entry.bytes = le32(UInt32(gpsOffset)) }
            return entry
        }
        // A "next IFD" pointing back at IFD0 makes a loop that a careless reader follows forever.
        tiff += Self.encode(zero, at: zeroOffset, next: loopingIFD ? UInt32(zeroOffset) : 0)
        if !exif.isEmpty { tiff += Self.encode(exif.sorted { $0.tag < $1.tag }, at: exifOffset, next: 0) }
        if !gps.isEmpty { tiff += Self.encode(gps.sorted { $0.tag < $1.tag }, at: gpsOffset, next: 0) }
        return Array("Exif\0\0".utf8) + tiff
    }

    static func size(of entries: [Entry]) -> Int {
        2 + entries.count * 12 + 4 + entries.reduce(0) { $0 + ($1.bytes.count > 4 ? ($1.bytes.count + 1) & ~1 : 0) }
    }

    static func encode(_ entries: [Entry], at offset: Int, next: UInt32) -> [UInt8] {
        var directory: [UInt8] = le16(UInt16(entries.count))
        var data: [UInt8] = []
        let dataStart = offset + 2 + entries.count * 12 + 4
        for entry in entries {
            directory += le16(entry.tag) + le16(entry.type) + le32(entry.count)
            if entry.bytes.count <= 4 {
                directory += entry.bytes + Array(repeating: 0, count: 4 - entry.bytes.count)
            } else {
                directory += le32(UInt32(dataStart + data.count))
                data += entry.bytes
                if data.count % 2 == 1 { data.append(0) }
            }
        }
        return directory + le32(next) + data
    }

    private func degrees(_ value: Double) -> [(UInt32, UInt32)] {
        let whole = UInt32(value)
        let minutes = UInt32((value - Double(whole)) * 60)
        let seconds = UInt32(((value - Double(whole)) * 60 - Double(minutes)) * 60 * 100)
        return [(whole, 1), (minutes, 1), (seconds, 100)]
    }
}

/// IPTC IIM datasets in a Photoshop image resource block (APP13 payload).
public struct IPTCBlock {
    var datasets: [(record: UInt8, dataset: UInt8, value: [UInt8])] = []

    /// The IPTC digest XMP-aware tools store (Photoshop resource 0x0425, MD5 of the IIM).
    public enum Digest: Sendable {
        /// None stored (tools that do not know XMP, or XMP never synchronised).
        case none
        /// The MD5 of the IIM as written: XMP was synchronised with it.
        case matching
        /// The MD5 of other bytes: IIM was changed after XMP was synchronised.
        case stale
    }

    public var digest: Digest = .none

    public init(utf8: Bool) {
        if utf8 { datasets.append((1, 90, [0x1B, 0x25, 0x47])) }
    }

    public mutating func add(_ dataset: UInt8, _ value: [UInt8]) {
        datasets.append((2, dataset, value))
    }

    public mutating func add(_ dataset: UInt8, _ text: String) {
        add(dataset, Array(text.utf8))
    }

    /// The IIM stream; `lengthOverrun` makes the last dataset claim more bytes than follow.
    public func iim(lengthOverrun: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, entry) in datasets.enumerated() {
            let claimed = entry.value.count + (index == datasets.count - 1 ? lengthOverrun : 0)
            bytes += [0x1C, entry.record, entry.dataset, UInt8(claimed >> 8 & 0xff), UInt8(claimed & 0xff)]
            bytes += entry.value
        }
        return bytes
    }

    /// "Photoshop 3.0\0" + 8BIM resource 0x0404.
    public func photoshopResource(lengthOverrun: Int = 0) -> [UInt8] {
        let iim = iim(lengthOverrun: lengthOverrun)
        var bytes = Array("Photoshop 3.0\0".utf8) + Array("8BIM".utf8) + [0x04, 0x04, 0, 0]
        // Photoshop resources are big-endian.
        bytes += [
            UInt8(iim.count >> 24 & 0xff), UInt8(iim.count >> 16 & 0xff), UInt8(iim.count >> 8 & 0xff),
            UInt8(iim.count & 0xff),
        ]
        bytes += iim
        if iim.count % 2 == 1 { bytes.append(0) }
        let md5: [UInt8]
        switch digest {
        case .none: return bytes
        case .matching: md5 = Array(Insecure.MD5.hash(data: iim))
        case .stale: md5 = Array(Insecure.MD5.hash(data: iim + [0x1C]))
        }
        return bytes + Array("8BIM".utf8) + [0x04, 0x25, 0, 0, 0, 0, 0, 16] + md5
    }
}

/// Metadata placed in PNG and WebP containers the way their writers place it, around pixels
/// libvips encoded.
public enum FixtureContainer {
    /// A PNG with an `eXIf` chunk (TIFF structure, no header) and an uncompressed `iTXt`
    /// XMP chunk before `IEND`.
    public static func png(_ image: RGBImage, exif: ExifBlock? = nil, xmp: String? = nil) -> [UInt8] {
        let png = FixtureEncoder.encode(image, as: .png)
        var chunks: [UInt8] = []
        if let exif { chunks += chunk("eXIf", Array(exif.encoded().dropFirst(6))) }
        if let xmp { chunks += chunk("iTXt", Array("XML:com.adobe.xmp".utf8) + [0, 0, 0, 0, 0] + Array(xmp.utf8)) }
        let iend = png.count - 12
        return Array(png[..<iend]) + chunks + Array(png[iend...])
    }

    /// An extended WebP (`VP8X`) with `EXIF` and `XMP ` chunks after the image data.
    public static func webp(_ image: RGBImage, exif: ExifBlock? = nil, xmp: String? = nil) -> [UInt8] {
        let encoded = FixtureEncoder.encode(image, as: .webp)
        // Keep the image data only (libvips may write its own VP8X and metadata chunks).
        var imageChunk: [UInt8] = []
        var cursor = 12  // after "RIFF" size "WEBP"
        while cursor + 8 <= encoded.count {
            let type = String(decoding: encoded[cursor..<cursor + 4], as: UTF8.self)
            let size = encoded[cursor + 4..<cursor + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            let end = min(encoded.count, cursor + 8 + size + size % 2)
            if ["VP8 ", "VP8L", "ALPH"].contains(type) { imageChunk += encoded[cursor..<end] }
            cursor = end
        }
        let flags: UInt8 = (exif == nil ? 0 : 0x08) | (xmp == nil ? 0 : 0x04)
        let (w, h) = (UInt32(image.width - 1), UInt32(image.height - 1))
        var body = Array("WEBP".utf8)
        body += riff("VP8X", [flags, 0, 0, 0] + Array(le32(w).prefix(3)) + Array(le32(h).prefix(3)))
        body += imageChunk
        if let exif { body += riff("EXIF", Array(exif.encoded().dropFirst(6))) }
        if let xmp { body += riff("XMP ", Array(xmp.utf8)) }
        return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
    }

    /// A big-endian ("MM") grey TIFF whose IFD0 carries the IPTC stream in tag 33723 typed
    /// LONG, as Photoshop writes it.
    public static func bigEndianTIFF(width: Int, height: Int, iptc: IPTCBlock) -> [UInt8] {
        var iim = iptc.iim()
        while iim.count % 4 != 0 { iim.append(0) }
        let pixels = [UInt8](repeating: 128, count: width * height)
        // (tag, type, count, value or offset)
        var entries: [(UInt16, UInt16, UInt32, UInt32)] = [
            (256, 4, 1, UInt32(width)), (257, 4, 1, UInt32(height)), (258, 3, 1, 8 << 16), (259, 3, 1, 1 << 16),
            (262, 3, 1, 1 << 16), (273, 4, 1, 0), (277, 3, 1, 1 << 16), (278, 4, 1, UInt32(height)),
            (279, 4, 1, UInt32(pixels.count)), (0x83BB, 4, UInt32(iim.count / 4), 0),
        ]
        let ifdSize = 2 + entries.count * 12 + 4
        let iimOffset = 8 + ifdSize
        let pixelOffset = iimOffset + iim.count
        entries[5].3 = UInt32(pixelOffset)
        entries[9].3 = UInt32(iimOffset)
        var bytes: [UInt8] = Array("MM".utf8) + [0, 42] + be32(8)
        bytes += [UInt8(entries.count >> 8), UInt8(entries.count & 0xff)]
        for (tag, type, count, value) in entries {
            bytes += [UInt8(tag >> 8), UInt8(tag & 0xff), UInt8(type >> 8), UInt8(type & 0xff)] + be32(count)
            bytes += be32(value)
        }
        bytes += be32(0)
        return bytes + iim + pixels
    }

    static func riff(_ type: String, _ data: [UInt8]) -> [UInt8] {
        Array(type.utf8) + le32(UInt32(data.count)) + data + (data.count % 2 == 1 ? [0] : [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return be32(UInt32(data.count)) + typed + be32(crc32(typed))
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// CRC-32 as PNG computes it (ISO 3309, PNG §5.5).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }
}

/// An XMP packet (APP1 payload with the XMP namespace header).
public enum XMPPacket {
    public static func app1Payload(_ packet: String) -> [UInt8] {
        Array("http://ns.adobe.com/xap/1.0/\0".utf8) + Array(packet.utf8)
    }

    /// A packet with the usual caption and credit properties, in element form.
    public static func standard(
        descriptions: [(lang: String, text: String)] = [], creator: [String] = [], rights: String? = nil,
        credit: String? = nil, headline: String? = nil, webStatement: String? = nil, altText: String? = nil,
        dateCreated: String? = nil
    ) -> String {
        func alt(_ name: String, _ items: [(lang: String, text: String)]) -> String {
            guard !items.isEmpty else { return "" }
            let lis = items.map { "<rdf:li xml:lang=\"\($0.lang)\">\(escape($0.text))</rdf:li>" }.joined()
            return "<\(name)><rdf:Alt>\(lis)</rdf:Alt></\(name)>"
        }
        var body = alt("dc:description", descriptions)
        if !creator.isEmpty {
            body +=
                "<dc:creator><rdf:Seq>" + creator.map { "<rdf:li>\(escape($0))</rdf:li>" }.joined()
                + "</rdf:Seq></dc:creator>"
        }
        if let rights { body += alt("dc:rights", [("x-default", rights)]) }
        if let credit { body += "<photoshop:Credit>\(escape(credit))</photoshop:Credit>" }
        if let headline { body += "<photoshop:Headline>\(escape(headline))</photoshop:Headline>" }
        if let webStatement { body += "<xmpRights:WebStatement>\(escape(webStatement))</xmpRights:WebStatement>" }
        if let altText { body += alt("Iptc4xmpCore:AltTextAccessibility", [("x-default", altText)]) }
        if let dateCreated { body += "<photoshop:DateCreated>\(dateCreated)</photoshop:DateCreated>" }
        return wrap(body)
    }

    public static func wrap(_ body: String, attributes: String = "") -> String {
        """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
        <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" \
        xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" \
        xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" \(attributes)>\(body)</rdf:Description>\
        </rdf:RDF></x:xmpmeta>
        <?xpacket end="w"?>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}

/// Inserts APPn segments into a JPEG right after SOI/APP0, as cameras and editors place them.
public enum JPEGSegments {
    public static func insert(into jpeg: [UInt8], app1: [[UInt8]] = [], app13: [[UInt8]] = []) -> [UInt8] {
        precondition(jpeg.starts(with: [0xFF, 0xD8]), "not a JPEG")
        var position = 2
        // Keep a JFIF APP0 first.
        if jpeg.count > 4, jpeg[2] == 0xFF, jpeg[3] == 0xE0 {
            position = 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5]))
        }
        var segments: [UInt8] = []
        for payload in app1 { segments += segment(0xE1, payload) }
        for payload in app13 { segments += segment(0xED, payload) }
        return Array(jpeg[..<position]) + segments + Array(jpeg[position...])
    }

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count + 2 <= 0xFFFF, "segment too long")
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xff)] + payload
    }

    /// A JPEG whose frame header claims another size (e.g. 65000×65000), pixels unchanged.
    public static func claimingSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        var bytes = jpeg
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { break }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC2).contains(marker) {
                bytes[index + 5] = UInt8(height >> 8)
                bytes[index + 6] = UInt8(height & 0xff)
                bytes[index + 7] = UInt8(width >> 8)
                bytes[index + 8] = UInt8(width & 0xff)
                return bytes
            }
            index += 2 + length
        }
        fatalError("no SOF marker found")
    }
}

func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
func le32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
}

/// A JPEG with metadata, for tests: pixels, EXIF, IPTC and XMP as given.
public struct FixtureJPEG {
    public var image: RGBImage
    public var exif: ExifBlock?
    public var iptc: IPTCBlock?
    public var xmp: String?

    public init(
        image: RGBImage = .gradient(width: 64, height: 48), exif: ExifBlock? = nil, iptc: IPTCBlock? = nil,
        xmp: String? = nil
    ) {
        self.image = image
        self.exif = exif
        self.iptc = iptc
        self.xmp = xmp
    }

    public var bytes: [UInt8] {
        var app1: [[UInt8]] = []
        if let exif { app1.append(exif.encoded()) }
        if let xmp { app1.append(XMPPacket.app1Payload(xmp)) }
        return JPEGSegments.insert(
            into: FixtureEncoder.encode(image), app1: app1, app13: iptc.map { [$0.photoshopResource()] } ?? [])
    }

    public var data: Data { Data(bytes) }
}
