import Catalog
import Testing

@Suite("catalog.url")
struct CatalogLocationTests {
    @Test("sqlite: names a file, made absolute by the caller; postgres:// a server, a database and TLS")
    func parses() throws {
        #expect(
            try CatalogLocation(url: "sqlite:/var/lib/galleryd/catalog.sqlite")
                == .sqlite(path: "/var/lib/galleryd/catalog.sqlite"))
        #expect(try CatalogLocation(url: "sqlite:///srv/c.sqlite") == .sqlite(path: "/srv/c.sqlite"))
        #expect(
            try CatalogLocation(url: "sqlite:var/c.sqlite") { "/etc/galleryd/" + $0 }
                == .sqlite(path: "/etc/galleryd/var/c.sqlite"))

        guard case .postgres(let tcp) = try CatalogLocation(url: "postgres://galleryd@db.example:6543/gallery") else {
            Issue.record("not postgres")
            return
        }
        #expect(tcp.host == "db.example" && tcp.port == 6543 && tcp.user == "galleryd" && tcp.database == "gallery")
        #expect(tcp.socketPath == nil && tcp.tls == .prefer)

        guard
            case .postgres(let socket) = try CatalogLocation(url: "postgresql://galleryd@/gallery?host=/run/postgresql")
        else {
            Issue.record("not postgres")
            return
        }
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432" && socket.host == nil && socket.tls == .disable)

        guard
            case .postgres(let verified) = try CatalogLocation(
                url: "postgres://galleryd@db.example/gallery?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem")
        else {
            Issue.record("not postgres")
            return
        }
        #expect(
            verified.tls == .verifyFull && verified.rootCertificateFile == "/etc/ssl/db-ca.pem" && verified.port == 5432
        )
        #expect(
            verified.description
                == "postgres://galleryd@db.example:5432/gallery?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem")
    }

    @Test(
        "what cannot be used is refused with a message naming it",
        arguments: [
            ("postgres://galleryd:secret@db/gallery", "must not hold a password"),
            ("postgres://db/gallery", "names no user"),
            ("postgres://galleryd@db/", "names no database"),
            ("postgres://galleryd@/gallery", "names no host"),
            ("postgres://galleryd@db/gallery?sslmode=maybe", "sslmode maybe is not one of"),
            ("postgres://galleryd@db/gallery?password=secret", "unknown parameter password"),
            ("mysql://galleryd@db/gallery", "neither sqlite:<path> nor postgres://"),
            ("sqlite:", "needs a file path"),
        ])
    func refuses(_ url: String, _ message: String) {
        #expect {
            try CatalogLocation(url: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
