/// Reduces a word to its stem, so that inflections of one word match (`konferenzen` and
/// `konferenz`). galleryd's is Snowball's German stemmer (`Stemming.SnowballStemmer`).
public protocol WordStemmer: Sendable {
    /// The stem of one lower-case word without diacritics (``SearchText/words(_:)``).
    func stem(_ word: String) -> String
}
