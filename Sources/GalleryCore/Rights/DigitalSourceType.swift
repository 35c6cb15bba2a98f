import Foundation

/// How an image was made, as the IPTC Photo Metadata Standard's Digital Source Type
/// (`Iptc4xmpExt:DigitalSourceType`, IPTC Photo Metadata Standard 2023.2 §"Digital Source
/// Type") names it: a URI of the IPTC NewsCodes vocabulary
/// `http://cv.iptc.org/newscodes/digitalsourcetype/`, e.g. `…/trainedAlgorithmicMedia`.
public struct DigitalSourceType: Hashable, Sendable {
    public static let vocabulary = "http://cv.iptc.org/newscodes/digitalsourcetype/"

    public let uri: String

    /// The vocabulary's terms (cv.iptc.org/newscodes/digitalsourcetype, 2024), which may be
    /// given by their code alone.
    public static let codes: Set<String> = [
        "digitalCapture", "computationalCapture", "negativeFilm", "positiveFilm", "print", "humanEdits",
        "minorHumanEdits", "compositeCapture", "algorithmicallyEnhanced", "dataDrivenMedia", "digitalArt",
        "virtualRecording", "compositeSynthetic", "trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia",
        "algorithmicMedia", "screenCapture",
    ]

    /// A term of the IPTC vocabulary, as its code (`trainedAlgorithmicMedia`) or its URI
    /// (http or https), stored as the URI; `nil` for anything else — a Digital Source Type
    /// outside the vocabulary says nothing a reader can act on (and free text such as
    /// `</script>` has no place in JSON-LD and XMP).
    public init?(validating text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if Self.codes.contains(trimmed) {
            self.uri = Self.vocabulary + trimmed
            return
        }
        // The vocabulary is written with http and https alike; one spelling keeps codes comparable.
        guard let url = RightsTerms.webAddress(trimmed), let code = Self.code(in: url), Self.codes.contains(code)
        else { return nil }
        self.uri = Self.vocabulary + code
    }

    /// The vocabulary's code (`trainedAlgorithmicMedia`), when the URI is one of its terms.
    public var code: String? { Self.code(in: uri) }

    private static func code(in uri: String) -> String? {
        for prefix in [
            "http://cv.iptc.org/newscodes/digitalsourcetype/", "https://cv.iptc.org/newscodes/digitalsourcetype/",
        ]
        where uri.hasPrefix(prefix) {
            let code = String(uri.dropFirst(prefix.count))
            return !code.isEmpty && code.allSatisfy({ $0.isASCII && $0.isLetter }) ? code : nil
        }
        return nil
    }

    /// What the EU AI Act's transparency duty (Regulation (EU) 2024/1689, Art. 50) asks to
    /// show for this kind of image: made by a generative model, or a photo altered with one.
    public var aiDisclosure: AIDisclosure? {
        switch code {
        case "trainedAlgorithmicMedia", "algorithmicMedia": .generated
        case "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic": .edited
        default: nil
        }
    }
}

/// The label an AI-generated or AI-altered image carries beside its credit.
public enum AIDisclosure: String, Sendable, Codable {
    /// Made by an AI model ("KI-generiert").
    case generated
    /// A photo altered or combined with AI-made parts ("mit KI bearbeitet").
    case edited
}
