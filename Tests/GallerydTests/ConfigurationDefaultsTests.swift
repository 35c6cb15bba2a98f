import Configuration
import Foundation
import Testing

@testable import galleryd

@Suite("The configuration's defaults")
struct ConfigurationDefaultsTests {
    @Test("config/galleryd.yaml says what galleryd does without it: every value in it is the built-in default")
    func fileMatchesDefaults() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let flags: [AbsoluteConfigKey: ConfigValue] = [
            "media": .init(.string("/srv/media"), isSecret: false),
            "data": .init(.string("/srv/data"), isSecret: false),
        ]
        // No file at all (`load(file: nil)` would take config/galleryd.yaml from the working folder).
        let builtIn = try GallerydConfiguration(
            reader: ConfigReader(providers: [InMemoryProvider(name: "flags", values: flags)]))
        let file = try await GallerydConfiguration.load(
            file: root.appendingPathComponent("config/galleryd.yaml").path, flags: flags)
        // Field by field, so that a difference names the setting.
        let builtInFields = Self.fields(of: builtIn)
        let fileFields = Self.fields(of: file)
        #expect(builtInFields.count == fileFields.count && builtInFields.count > 30)
        for (builtInField, fileField) in zip(builtInFields, fileFields) where builtInField.0 != "limits" {
            #expect(fileField.1 == builtInField.1, "\(fileField.0) differs")
        }
        #expect(file.limits == builtIn.limits, "limits differ")  // a Set: its description has no fixed order
    }

    /// Every setting, the sections' (`http`, `watch`, …) each on its own.
    static func fields(of value: Any, prefix: String = "") -> [(String, String)] {
        Mirror(reflecting: value).children.flatMap { child -> [(String, String)] in
            let label = prefix + (child.label ?? "?")
            guard String(describing: type(of: child.value)).hasSuffix("Configuration") else {
                return [(label, String(reflecting: child.value))]
            }
            return fields(of: child.value, prefix: label + ".")
        }
    }
}
