import GalleryCore

extension RenditionSettings {
    /// `renditions.*`, with the print downloads (`downloads.*`) read apart; the defaults are
    /// the type's own (config/galleryd.yaml repeats them, checked by ConfigurationDefaultsTests).
    init(config: ConfigScope, download: DownloadSettings) throws {
        let defaults = RenditionSettings()
        let formats = try config.strings("formats", default: defaults.formats.map(\.rawValue)).map { name in
            guard let format = OutputFormat(rawValue: name) else {
                throw ConfigurationError(description: "\(config.name("formats")): unknown format \(name)")
            }
            return format
        }
        self.init(
            thumbnailWidth: try config.int("thumbnailWidth", default: defaults.thumbnailWidth, in: 8...16_384),
            thumbnailHeight: try config.int("thumbnailHeight", default: defaults.thumbnailHeight, in: 8...16_384),
            carouselWidths: try config.widths("carouselWidths", default: defaults.carouselWidths, in: 8...16_384),
            // One ratio rather than a list of heights: overriding the widths (an environment
            // variable over the config file) can never leave them without heights.
            carouselHeightRatio: try config.double(
                "carouselHeightRatio", default: defaults.carouselHeightRatio, in: 0.1...100),
            formats: formats,
            jpegQuality: try config.int("jpegQuality", default: defaults.jpegQuality, in: 1...100),
            webpQuality: try config.int("webpQuality", default: defaults.webpQuality, in: 1...100),
            avifQuality: try config.int("avifQuality", default: defaults.avifQuality, in: 1...100),
            webpEffort: try config.int("webpEffort", default: defaults.webpEffort, in: 0...6),
            burnCredit: config.bool("burnCredit", default: defaults.burnCredit),
            download: download)
    }
}

extension DownloadSettings {
    /// `downloads.enabled`, `quality`, `maxLongSide`.
    init(config: ConfigScope) throws {
        let defaults = RenditionSettings().download
        self.init(
            enabled: config.bool("enabled", default: defaults.enabled),
            quality: try config.int("quality", default: defaults.quality, in: 1...100),
            maxLongSide: try config.int("maxLongSide", default: defaults.maxLongSide, in: 0...65_535))
    }
}
