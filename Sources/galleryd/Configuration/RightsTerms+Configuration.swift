import GalleryCore

extension RightsTerms {
    /// The site's rights defaults (`rights.*`). Addresses must be http(s) URLs: a mistyped
    /// one stops start-up rather than being published in every photo.
    init(config: ConfigScope) throws {
        func address(_ key: String) throws -> String? {
            let value = config.string(key, default: "")
            guard !value.isEmpty else { return nil }
            guard let address = RightsTerms.webAddress(value) else {
                throw ConfigurationError(description: "\(config.name(key)) \(value) is not an http or https URL")
            }
            return address
        }
        let terms = LanguageAlternative(
            ["de": config.string("usageTerms.de", default: ""), "en": config.string("usageTerms.en", default: "")])
        let licensor = config.string("licensor", default: "")
        self.init(
            license: try address("license"), acquireLicensePage: try address("acquireLicensePage"),
            usageTerms: terms, licensor: licensor.isEmpty ? nil : licensor)
    }
}
