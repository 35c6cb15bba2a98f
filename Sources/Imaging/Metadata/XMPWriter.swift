import GalleryCore

/// Builds the only XMP packet a published rendition or download carries: the rights
/// properties of the IPTC Photo Metadata Standard that Google Images reads for its
/// "Licensable" badge, with the bound values — `dc:creator`, `dc:rights`,
/// `photoshop:Credit`, `xmpRights:WebStatement`, `xmpRights:UsageTerms`, `plus:Licensor`
/// (`LicensorName`, `LicensorURL`) and `Iptc4xmpExt:DigitalSourceType`, each where known.
/// Nothing else: no history, no document ids, no GPS, no toolkit name.
///
/// Values are escaped for XML, and characters XML 1.0 cannot carry at all (most C0
/// controls, lone surrogates' replacements, U+FFFE/U+FFFF) are dropped, so every packet
/// parses.
enum XMPWriter {
    /// Bytes an XMP packet may have in a JPEG's APP1 segment: 65,533 less the namespace
    /// header `http://ns.adobe.com/xap/1.0/\0` (XMP Part 3, §1.1.3), with room to spare.
    static let maximumPacketBytes = 65_000

    /// The packet for `rights`, made to fit ``maximumPacketBytes``: usage terms in many
    /// languages (the only field that can grow that large) lose their last languages, and at
    /// worst the first is shortened, rather than every rights property being lost with an
    /// APP1 segment that is too large. `warnings` says what was left out.
    static func fitted(for rights: EmbeddedRights) -> (packet: [UInt8], warnings: [String]) {
        var packet = packet(for: rights)
        guard packet.count > maximumPacketBytes, var terms = rights.usageTerms?.alternatives else {
            return (packet, [])
        }
        var trimmed = rights
        var dropped: [String] = []
        while packet.count > maximumPacketBytes, terms.count > 1 {
            dropped.append(terms.removeLast().language)
            trimmed.usageTerms = LanguageAlternative(
                Dictionary(terms.map { ($0.language, $0.text) }, uniquingKeysWith: { first, _ in first }))
            packet = XMPWriter.packet(for: trimmed)
        }
        var warnings: [String] = []
        if !dropped.isEmpty {
            warnings.append(
                "usage terms in \(dropped.reversed().joined(separator: ", ")) left out of the renditions' XMP: "
                    + "the packet would exceed a JPEG segment (64 KB)")
        }
        if packet.count > maximumPacketBytes, var first = terms.first {
            let excess = packet.count - maximumPacketBytes
            first.text = String(
                decoding: first.text.utf8.prefix(max(0, first.text.utf8.count - excess - 64)), as: UTF8.self)
            trimmed.usageTerms = LanguageAlternative([first.language: first.text])
            packet = XMPWriter.packet(for: trimmed)
            warnings.append("usage terms shortened in the renditions' XMP to fit a JPEG segment (64 KB)")
        }
        return (packet, warnings)
    }

    static func packet(for rights: EmbeddedRights) -> [UInt8] {
        var properties: [String] = []
        if let artist = rights.artist {
            properties.append("<dc:creator><rdf:Seq><rdf:li>\(escape(artist))</rdf:li></rdf:Seq></dc:creator>")
        }
        if let copyright = rights.copyright {
            properties.append(alternative("dc:rights", [("x-default", copyright)]))
        }
        if let credit = rights.credit { properties.append("<photoshop:Credit>\(escape(credit))</photoshop:Credit>") }
        if let statement = rights.webStatement {
            properties.append("<xmpRights:WebStatement>\(escape(statement))</xmpRights:WebStatement>")
        }
        if let terms = rights.usageTerms {
            properties.append(alternative("xmpRights:UsageTerms", terms.alternatives))
        }
        if rights.licensorName != nil || rights.licensorURL != nil {
            var fields = ""
            if let name = rights.licensorName { fields += "<plus:LicensorName>\(escape(name))</plus:LicensorName>" }
            if let url = rights.licensorURL { fields += "<plus:LicensorURL>\(escape(url))</plus:LicensorURL>" }
            properties.append(
                "<plus:Licensor><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\(fields)</rdf:li></rdf:Seq></plus:Licensor>"
            )
        }
        if let sourceType = rights.digitalSourceType {
            properties.append(
                "<Iptc4xmpExt:DigitalSourceType>\(escape(sourceType))</Iptc4xmpExt:DigitalSourceType>")
        }
        guard !properties.isEmpty else { return [] }
        let text = """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
            <rdf:RDF xmlns:rdf="\(XMPNamespace.rdf)">
            <rdf:Description rdf:about="" xmlns:dc="\(XMPNamespace.dc)" xmlns:photoshop="\(XMPNamespace.photoshop)" \
            xmlns:xmpRights="\(XMPNamespace.xmpRights)" xmlns:plus="\(XMPNamespace.plus)" \
            xmlns:Iptc4xmpExt="\(XMPNamespace.iptcExtension)">
            \(properties.joined(separator: "\n"))
            </rdf:Description>
            </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="r"?>
            """
        return Array(text.utf8)
    }

    private static func alternative(_ name: String, _ entries: [(language: String, text: String)]) -> String {
        let items = entries.map { "<rdf:li xml:lang=\"\(escape($0.language))\">\(escape($0.text))</rdf:li>" }
        return "<\(name)><rdf:Alt>\(items.joined())</rdf:Alt></\(name)>"
    }

    /// Text content or attribute value: `&`, `<`, `>`, `"` and `'` escaped (so `]]>` and
    /// quotes are harmless), characters outside XML 1.0's `Char` production dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            case "\r": result += "&#13;"
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && value != 0xFFFE && value != 0xFFFF && !(0x7F...0x9F).contains(value)
                if allowed { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
