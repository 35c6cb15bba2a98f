import Foundation
import GalleryCore
import Hummingbird

/// A JSON value as sent, with booleans and numbers kept apart (JSONSerialization on Linux
/// blurs them).
enum JSONValue: Codable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers stay integers, so an Int field decodes again.
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// A JSON request body read strictly: bounded in size, an object, only known fields, each
/// of the right type and length. Every failure is a 400 problem detail naming the field.
struct JSONRequest {
    let object: [String: JSONValue]

    static let maximumBodySize = 256 * 1024

    init(_ request: Request, allowedFields: Set<String>, maximumBodySize: Int = Self.maximumBodySize) async throws {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodySize)
        } catch {
            throw ProblemDetails(.contentTooLarge, detail: "the request body is larger than \(maximumBodySize) bytes")
        }
        let bytes = Array(body.readableBytesView)
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            throw ProblemDetails(.badRequest, detail: "the request body must be a JSON object")
        }
        // Parsers disagree on which of two equal keys wins (Foundation the first, browsers
        // and most proxies the last): an ambiguous body is refused rather than guessed.
        if let duplicate = Self.firstDuplicateKey(in: bytes) {
            throw Self.invalid(duplicate, "appears more than once in one object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowedFields.contains($0) }) {
            throw Self.invalid(
                unknown, "is not a known field (allowed: \(allowedFields.sorted().joined(separator: ", ")))")
        }
        self.object = object
    }

    static func invalid(_ field: String, _ problem: String) -> ProblemDetails {
        ProblemDetails(.badRequest, detail: "field \"\(field)\" \(problem)", extensions: ["field": field])
    }

    /// A string field: absent → `nil`, `null` → `.some(nil)`, a string → `.some(value)`.
    func optionalString(_ field: String, maximumLength: Int) throws -> String?? {
        switch object[field] {
        case nil: return nil
        case .null: return .some(nil)
        case .string(let text):
            guard text.count <= maximumLength else {
                throw Self.invalid(field, "is longer than \(maximumLength) characters")
            }
            guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else {
                throw Self.invalid(field, "contains a NUL character")
            }
            return .some(text)
        default: throw Self.invalid(field, "must be a string or null")
        }
    }

    /// A text in several languages: absent → `nil`, `null` → `.some(nil)`, a string (every
    /// language) or an object of language tags to strings → `.some(value)`.
    func optionalLanguageAlternative(_ field: String, maximumLength: Int) throws -> LanguageAlternative?? {
        var texts: [String: String] = [:]
        switch object[field] {
        case nil: return nil
        case .null: return .some(nil)
        case .string: texts["x-default"] = try optionalString(field, maximumLength: maximumLength)!!
        case .object(let languages) where !languages.isEmpty && languages.count <= 20:
            for (language, value) in languages {
                guard case .string(let text) = value, text.count <= maximumLength,
                    !text.unicodeScalars.contains(where: { $0.value == 0 })
                else {
                    throw Self.invalid(
                        field, "must map language tags to strings of at most \(maximumLength) characters")
                }
                texts[language] = text
            }
        default: throw Self.invalid(field, "must be a string, an object of language tags to strings, or null")
        }
        for tag in texts.keys where LanguageAlternative([tag: "x"]) == nil {
            throw Self.invalid(field, "has \"\(tag)\", which is no language tag (de, en, x-default, …)")
        }
        // Only empty texts: the override is removed, as with every other text.
        return .some(LanguageAlternative(texts))
    }

    func requiredString(_ field: String, maximumLength: Int) throws -> String {
        guard let value = try optionalString(field, maximumLength: maximumLength), let text = value else {
            throw Self.invalid(field, "is required and must be a string")
        }
        return text
    }

    func optionalBool(_ field: String) throws -> Bool?? {
        switch object[field] {
        case nil: return nil
        case .null: return .some(nil)
        case .bool(let value): return .some(value)
        default: throw Self.invalid(field, "must be true, false or null")
        }
    }

    func optionalInt(_ field: String, range: ClosedRange<Int>) throws -> Int? {
        switch object[field] {
        case nil: return nil
        case .number(let value):
            // `Int(exactly:)`: a fraction, NaN or a number beyond Int (1e19) is no whole number here.
            guard let whole = Int(exactly: value), range.contains(whole) else { fallthrough }
            return whole
        default: throw Self.invalid(field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    func optionalStringArray(_ field: String, maximumCount: Int, maximumLength: Int) throws -> [String]?? {
        switch object[field] {
        case nil: return nil
        case .null: return .some(nil)
        case .array(let values):
            let strings = values.compactMap { value -> String? in
                if case .string(let text) = value, text.count <= maximumLength,
                    !text.unicodeScalars.contains(where: { $0.value == 0 })
                {
                    return text
                }
                return nil
            }
            guard values.count <= maximumCount, strings.count == values.count else {
                throw Self.invalid(
                    field,
                    "must be an array of at most \(maximumCount) strings of at most \(maximumLength) characters, without NUL"
                )
            }
            return .some(strings)
        default: throw Self.invalid(field, "must be an array of strings or null")
        }
    }

    /// The first key that occurs twice in one object of `json`, a document that has already
    /// parsed as JSON (RFC 8259 §4: names "SHOULD be unique"). Keys are compared after
    /// unescaping, so `"a"` and `"\u0061"` are the same key.
    static func firstDuplicateKey(in json: [UInt8]) -> String? {
        struct Frame {
            var isObject: Bool
            var keys: Set<String> = []
            var expectingKey = true
        }
        var stack: [Frame] = []
        var index = 0
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "{"): stack.append(Frame(isObject: true))
            case UInt8(ascii: "["): stack.append(Frame(isObject: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","): if !stack.isEmpty { stack[stack.count - 1].expectingKey = true }
            case UInt8(ascii: "\""):
                let start = index
                var escaped = false
                index += 1
                while index < json.count, json[index] != UInt8(ascii: "\"") {
                    if json[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 1
                    }
                    index += 1
                }
                guard let top = stack.last, top.isObject, top.expectingKey, index < json.count else { break }
                let raw = json[start...index]
                let key =
                    escaped
                    ? (try? JSONDecoder().decode(String.self, from: Data(raw))) ?? String(decoding: raw, as: UTF8.self)
                    : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                guard stack[stack.count - 1].keys.insert(key).inserted else { return key }
                stack[stack.count - 1].expectingKey = false
            default: break
            }
            index += 1
        }
        return nil
    }
}
