import Crypto
import Foundation
import GalleryCore
import NIOCore

/// A gallery's JSON, encoded once, split where each request's own part goes.
///
/// With sorted keys the document reads `{"consent":…,"embeds":…,"items":…,"share":…,…}`:
/// only `consent` and `embeds` depend on the visitor's consent, and they come first. So
/// the rest (`"items":…}`, nearly all the bytes) is kept encoded, with its SHA-256, and a
/// request encodes just its consent state and embeds in front of it. The entity tag is
/// the SHA-256 of the request's part and the rest's digest: equal bytes, equal tag.
struct GalleryJSONTemplate: Sendable {
    /// Shared by every answer built from this template (never copied per request).
    private let rest: ByteBuffer
    private let restDigest: [UInt8]

    private static let emptyHead = Array(#"{"consent":{"granted":[],"policyVersion":""},"embeds":[],"#.utf8)

    /// `nil` if the encoder's output does not have the expected shape (then callers encode
    /// whole documents).
    init?(document: GalleryDocument) {
        var empty = document
        empty.consent = ConsentState(policyVersion: "", granted: [])
        empty.embeds = []
        guard let data = try? JSONBody.encoder.encode(empty), data.starts(with: Self.emptyHead) else { return nil }
        let restBytes = data.dropFirst(Self.emptyHead.count)
        rest = ByteBuffer(bytes: restBytes)
        restDigest = Array(SHA256.hash(data: restBytes))
    }

    /// Bytes held (the encoded rest).
    var byteCount: Int { rest.readableBytes }

    /// The whole document for one request: its consent state and embeds, then the rest.
    func body(consent: ConsentState, embeds: [EmbedDocument]) throws -> JSONBody {
        let consentJSON = try JSONBody.encoder.encode(consent)
        let embedsJSON = try JSONBody.encoder.encode(embeds)
        var head: [UInt8] = []
        head.reserveCapacity(consentJSON.count + embedsJSON.count + 24)
        head += Array(#"{"consent":"#.utf8)
        head += consentJSON
        head += Array(#","embeds":"#.utf8)
        head += embedsJSON
        head += [UInt8(ascii: ",")]
        var hasher = SHA256()
        hasher.update(data: head)
        hasher.update(data: restDigest)
        return JSONBody(
            head: ByteBuffer(bytes: head), rest: rest,
            etag: "\"" + String(hasher.finalize().hexString.prefix(32)) + "\"")
    }
}
