import Server
import Testing

@Suite("Client addresses behind reverse proxies")
struct ClientAddressTests {
    let resolver = ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "::1"].map { AddressRange($0)! })

    @Test(
        "the visitor is the right-most forwarded address that is no trusted proxy",
        arguments: [
            ("10.0.0.5", ["198.51.100.4"], "198.51.100.4"),
            ("10.0.0.5", ["198.51.100.4, 10.0.0.7"], "198.51.100.4"),
            // Whatever the client wrote itself stays left of what the proxies saw.
            ("10.0.0.5", ["6.6.6.6, 198.51.100.4"], "198.51.100.4"),
            ("10.0.0.5", ["198.51.100.4", "10.0.0.7"], "198.51.100.4"),
            ("10.0.0.5", [], "10.0.0.5"),
            ("10.0.0.5", ["10.0.0.8, 10.0.0.7"], "10.0.0.8"),
            // A malformed entry ends the chain at the last hop that can be believed.
            ("10.0.0.5", ["198.51.100.4, unknown"], "10.0.0.5"),
            ("10.0.0.5", ["198.51.100.4:8080"], "10.0.0.5"),
            ("::1", ["2001:db8::17"], "2001:db8::17"),
            ("::ffff:10.0.0.5", ["198.51.100.4"], "198.51.100.4"),
            // From anywhere else the header is the client's own claim.
            ("198.51.100.9", ["10.0.0.1"], "198.51.100.9"),
            ("2001:db8::9", ["198.51.100.4"], "2001:db8::9"),
        ])
    func resolves(peer: String, forwardedFor: [String], expected: String) {
        #expect(resolver.clientAddress(peer: peer, forwardedFor: forwardedFor) == expected)
    }

    @Test(
        "ranges are addresses or networks that fit their family",
        arguments: ["10.0.0.0/33", "::/129", "abc", "10.0.0/8", ""])
    func invalidRanges(text: String) {
        #expect(AddressRange(text) == nil)
    }

    @Test("a network contains exactly the addresses under its prefix")
    func networks() throws {
        let network = try #require(AddressRange("172.16.0.0/12"))
        #expect(network.contains("172.31.255.255"))
        #expect(!network.contains("172.32.0.0"))
        #expect(!network.contains("2001:db8::1"))
        #expect(try #require(AddressRange("::/0")).contains("2001:db8::1"))
        #expect(try #require(AddressRange("2001:db8::/33")).contains("2001:db8:7fff::1"))
        #expect(!(try #require(AddressRange("2001:db8::/33")).contains("2001:db8:8000::1")))
    }
}
