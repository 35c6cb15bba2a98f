import Configuration

/// One section of the configuration (`http`, `renditions`, …): a reader scoped to it, as
/// Hummingbird's `init(reader:)`s take one, whose errors name each key in full
/// (`renditions.jpegQuality 0 must be from 1 to 100`), so that every settings type reads its
/// own keys and the message still says where to look.
struct ConfigScope {
    let reader: ConfigReader
    /// The section's key, `http` or `rights.usageTerms`.
    let prefix: String

    init(_ root: ConfigReader, _ prefix: String) {
        self.reader = root.scoped(to: ConfigKey(prefix))
        self.prefix = prefix
    }

    /// A key of this section, in full.
    func name(_ key: String) -> String { prefix + "." + key }

    func string(_ key: String) -> String? { reader.string(forKey: ConfigKey(key)) }
    func string(_ key: String, default value: String) -> String {
        reader.string(forKey: ConfigKey(key), default: value)
    }
    func bool(_ key: String, default value: Bool) -> Bool { reader.bool(forKey: ConfigKey(key), default: value) }
    func strings(_ key: String, default value: [String] = []) -> [String] {
        reader.stringArray(forKey: ConfigKey(key), default: value)
    }

    /// A number refused, naming the key, when it lies outside what galleryd can use (so no
    /// conversion or arithmetic on it can trap).
    func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        let given = reader.int(forKey: ConfigKey(key), default: value)
        guard range.contains(given) else {
            throw ConfigurationError(
                description: "\(name(key)) \(given) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return given
    }

    /// Widths: each in `range`, at most 32, at least one.
    func widths(_ key: String, default value: [Int], in range: ClosedRange<Int>) throws -> [Int] {
        let values = reader.intArray(forKey: ConfigKey(key), default: value)
        guard values.count <= 32, let bad = values.first(where: { !range.contains($0) }) ?? (values.isEmpty ? 0 : nil)
        else { return values }
        throw ConfigurationError(
            description:
                "\(name(key)): \(bad) is no width from \(range.lowerBound) to \(range.upperBound) (at most 32 widths)")
    }

    func double(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
        let given = reader.double(forKey: ConfigKey(key), default: value)
        guard given.isFinite, range.contains(given) else {
            throw ConfigurationError(
                description: "\(name(key)) \(given) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return given
    }

    /// A duration written in seconds (fractions allowed), to the millisecond below.
    func seconds(_ key: String, default value: Duration, in range: ClosedRange<Double>) throws -> Duration {
        .milliseconds(Int64(try double(key, default: value.seconds, in: range) * 1000))
    }
}
