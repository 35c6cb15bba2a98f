public import Foundation

/// Where the catalog lives, from `catalog.url` (`GALLERYD_CATALOG_URL`):
///
/// - `sqlite:` plus a path (`sqlite:/var/lib/galleryd/catalog.sqlite`): one machine; the
///   default is the data folder's `catalog.sqlite`.
/// - `postgres://user@host:port/database` (or `postgresql://`): several machines on one
///   PostgreSQL. A Unix socket is named as libpq names it, by a `host` parameter holding a
///   folder: `postgres://galleryd@/galleryd?host=/run/postgresql`. `sslmode` is `disable`,
///   `prefer` (the default over TCP), `require` or `verify-full` (checks the server's
///   certificate and name, against `sslrootcert` if given, else the system's roots).
///
/// A password never comes from the URL (it would sit in the config file): it comes from
/// `catalog.passwordFile` or the environment (`GALLERYD_CATALOG_PASSWORD`).
public enum CatalogLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Parses `url`; `resolve` makes a relative SQLite path absolute.
    public init(url: String, resolve: (String) -> String = { $0 }) throws {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty, !path.contains("\0") else {
                throw CatalogLocationError(
                    "catalog.url \(url): sqlite: needs a file path, e.g. sqlite:/var/lib/galleryd/catalog.sqlite")
            }
            self = .sqlite(path: resolve(path))
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: url))
        } else {
            throw CatalogLocationError(
                "catalog.url \(url) is neither sqlite:<path> nor postgres://user@host:port/database")
        }
    }

    /// The location as it may be logged (it never holds a password).
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }
}

/// A PostgreSQL server and database, without a password (``CatalogLocation``).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// Host name or address; nil when `socketFolder` is used.
    public var host: String?
    public var port: Int
    /// The folder of the server's Unix socket (`.s.PGSQL.<port>` in it).
    public var socketFolder: String?
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// PEM file of the certificate authorities `verify-full` trusts (else the system's).
    public var rootCertificateFile: String?

    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    public init(url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw CatalogLocationError("catalog.url is not a valid URL")
        }
        if components.password != nil {
            throw CatalogLocationError(
                "catalog.url must not hold a password: give it in catalog.passwordFile or GALLERYD_CATALOG_PASSWORD")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let known: Set<String> = ["host", "sslmode", "sslrootcert"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw CatalogLocationError(
                "catalog.url: unknown parameter \(unknown) (known: host, sslmode, sslrootcert)")
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? ""
        guard !user.isEmpty else {
            throw CatalogLocationError("catalog.url \(url) names no user: postgres://user@host:port/database")
        }
        database = String(components.path.drop(while: { $0 == "/" })).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else {
            throw CatalogLocationError("catalog.url \(url) names no database: postgres://user@host:port/database")
        }
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw CatalogLocationError("catalog.url: port \(port) is not a port") }
        if let folder = query["host"], folder.hasPrefix("/") {
            socketFolder = folder
            host = nil
        } else {
            host = query["host"].flatMap { $0.isEmpty ? nil : $0 } ?? components.host.flatMap { $0.isEmpty ? nil : $0 }
            socketFolder = nil
            guard host != nil else {
                throw CatalogLocationError(
                    "catalog.url \(url) names no host: postgres://user@host:port/database, or ?host=/socket/folder")
            }
        }
        if let mode = query["sslmode"] {
            guard let tls = TLSMode(rawValue: mode) else {
                throw CatalogLocationError(
                    "catalog.url: sslmode \(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            self.tls = tls
        } else {
            tls = socketFolder == nil ? .prefer : .disable
        }
        rootCertificateFile = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String {
        var text = "postgres://\(user)@\(host ?? "")"
        if host != nil { text += ":\(port)" }
        text += "/\(database)"
        var parameters: [String] = []
        if let socketFolder { parameters.append("host=\(socketFolder)") }
        parameters.append("sslmode=\(tls.rawValue)")
        if let rootCertificateFile { parameters.append("sslrootcert=\(rootCertificateFile)") }
        return text + "?" + parameters.joined(separator: "&")
    }
}

/// `catalog.url` cannot be used; the message names what is wrong.
public struct CatalogLocationError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
