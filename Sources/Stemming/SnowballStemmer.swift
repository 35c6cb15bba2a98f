import CStemmer
public import GalleryCore
import Synchronization

/// A Snowball stemmer (https://snowballstem.org) through Debian's `libstemmer`: the German
/// algorithm by default, as PostgreSQL's `german` configuration runs it.
///
/// ```swift
/// let german = try SnowballStemmer(language: "german")
/// german.stem("konferenzen")   // "konferenz"
/// german.stem("kommune")       // "kommun", as "kommunen"
/// ```
///
/// A libstemmer stemmer is not safe to share between threads: each call takes one from a
/// small pool (made on demand, kept for the next call).
public final class SnowballStemmer: WordStemmer, Sendable {
    public struct UnknownLanguage: Error, CustomStringConvertible {
        public var language: String
        public var description: String { "libstemmer has no stemmer for \"\(language)\"" }
    }

    /// An `sb_stemmer *`, owned by the pool.
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    public let language: String
    /// German, shared (libstemmer always has it).
    public static let german = try! SnowballStemmer(language: "german")
    private let idle: Mutex<[Handle]>
    /// Stemmers kept between calls at most.
    static let keptIdle = 8

    public init(language: String = "german") throws(UnknownLanguage) {
        guard let first = sb_stemmer_new(language, "UTF_8") else { throw UnknownLanguage(language: language) }
        self.language = language
        self.idle = Mutex([Handle(pointer: first)])
    }

    deinit {
        idle.withLock { handles in for handle in handles { sb_stemmer_delete(handle.pointer) } }
    }

    /// The stem of one lower-case word (UTF-8); the word itself if libstemmer fails.
    public func stem(_ word: String) -> String {
        guard !word.isEmpty else { return word }
        let handle = idle.withLock { $0.popLast() } ?? sb_stemmer_new(language, "UTF_8").map { Handle(pointer: $0) }
        guard let handle else { return word }
        defer {
            let surplus = idle.withLock { handles -> Handle? in
                guard handles.count < Self.keptIdle else { return handle }
                handles.append(handle)
                return nil
            }
            if let surplus { sb_stemmer_delete(surplus.pointer) }
        }
        let bytes = Array(word.utf8)
        guard let stemmed = sb_stemmer_stem(handle.pointer, bytes, Int32(bytes.count)) else { return word }
        let length = Int(sb_stemmer_length(handle.pointer))
        return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
    }
}
