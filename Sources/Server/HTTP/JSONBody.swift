import Crypto
import Foundation
import GalleryCore
import Hummingbird

/// A JSON response body encoded once, with its strong entity tag.
struct JSONBody: Sendable {
    let bytes: ByteBuffer
    let etag: String

    init(bytes: ByteBuffer, etag: String) {
        self.bytes = bytes
        self.etag = etag
    }

    init(_ value: some Encodable) throws {
        let data = try JSONBody.encoder.encode(value)
        self.bytes = ByteBuffer(bytes: data)
        self.etag = "\"" + String(SHA256.hash(data: data).hexString.prefix(32)) + "\""
    }

    /// ISO 8601 dates, `/` unescaped, keys sorted so equal documents have equal bytes.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// 200 with the body, no validators (admin answers).
    func response(status: HTTPResponse.Status = .ok, cacheControl: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: cacheControl],
            body: .init(byteBuffer: bytes))
    }

    /// 200 with the body, or 304 when the request already holds this version.
    func response(to request: Request, cacheControl: String, vary: String? = nil) -> Response {
        if EntityTag.matches(request.headers[.ifNoneMatch], etag) {
            return EntityTag.notModified(etag: etag, cacheControl: cacheControl, vary: vary)
        }
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .eTag: etag, .cacheControl: cacheControl,
        ]
        if let vary { headers[.vary] = vary }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }
}
