import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The top-level properties of an XMP packet's `rdf:Description` as `prefix:name`, parsed
/// by Foundation's XMLParser, which refuses any packet that is not well-formed XML.
public enum XMPProperties {
    static let prefixes = [
        "http://purl.org/dc/elements/1.1/": "dc", "http://ns.adobe.com/photoshop/1.0/": "photoshop",
        "http://ns.adobe.com/xap/1.0/rights/": "xmpRights", "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
        "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
        "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore", "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    ]

    public struct NotWellFormed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every XMP packet in an encoded file (JPEG APP1, WebP `XMP ` chunk, HEIF/AVIF item),
    /// found by its `<x:xmpmeta` … `</x:xmpmeta>` bounds, whatever the container.
    public static func packets(in file: [UInt8]) -> [[UInt8]] {
        let start = Array("<x:xmpmeta".utf8)
        let end = Array("</x:xmpmeta>".utf8)
        var packets: [[UInt8]] = []
        var index = 0
        while let open = firstIndex(of: start, in: file, from: index),
            let close = firstIndex(of: end, in: file, from: open)
        {
            packets.append(Array(file[open..<(close + end.count)]))
            index = close + end.count
        }
        return packets
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { position in
            haystack[position] == needle[0] && Array(haystack[position..<(position + needle.count)]) == needle
        }
    }

    /// Properties written as attributes of `rdf:Description` count too.
    public static func parse(_ packet: [UInt8]) throws -> Set<String> {
        let collector = Collector()
        let parser = XMLParser(data: Data(packet))
        parser.shouldProcessNamespaces = true
        parser.delegate = collector
        guard parser.parse() else {
            throw NotWellFormed(
                description: "\(parser.parserError.map { "\($0)" } ?? "?"): \(String(decoding: packet, as: UTF8.self))")
        }
        return collector.properties
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var properties: Set<String> = []
        var depth = 0
        var descriptionDepth: Int?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            if elementName == "Description" {
                descriptionDepth = depth
                for name in attributes.keys where name != "rdf:about" && !name.hasPrefix("xmlns") {
                    properties.insert(name)
                }
            } else if let descriptionDepth, depth == descriptionDepth + 1 {
                properties.insert((prefixes[namespaceURI ?? ""] ?? namespaceURI ?? "?") + ":" + elementName)
            }
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            depth -= 1
        }
    }
}
