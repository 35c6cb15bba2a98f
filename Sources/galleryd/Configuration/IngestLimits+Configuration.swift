import GalleryCore

extension IngestLimits {
    /// `ingest.maxPixels`, `maxBytes`, `maxFrames`, `formats`; the defaults are the type's own.
    init(config: ConfigScope) throws {
        let defaults = IngestLimits()
        let formats = try config.strings("formats", default: SourceFormat.allCases.map(\.rawValue)).map { name in
            guard let format = SourceFormat(rawValue: name) else {
                throw ConfigurationError(description: "\(config.name("formats")): unknown format \(name)")
            }
            return format
        }
        self.init(
            maxPixels: try config.int("maxPixels", default: defaults.maxPixels, in: 1...1 << 40),
            maxBytes: try config.int("maxBytes", default: defaults.maxBytes, in: 1...1 << 40),
            maxFrames: try config.int("maxFrames", default: defaults.maxFrames, in: 1...1_000_000),
            allowedFormats: Set(formats))
    }
}
