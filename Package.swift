// swift-tools-version: 6.1

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "galleryd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "galleryd", targets: ["galleryd"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(
            url: "https://github.com/apple/swift-configuration.git",
            from: "1.4.0",
            traits: [.defaults, "YAML"]
        ),
    ],
    targets: [
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .systemLibrary(
            name: "CExif",
            pkgConfig: "libexif",
            providers: [.apt(["libexif-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Checksums and compression through zlib: C pointers stay in here, as libvips' and
        // libexif's stay in Imaging.
        .target(
            name: "Codecs",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // Snowball's German stemmer for search (libstemmer): its C pointers stay in here.
        .target(
            name: "Stemming",
            dependencies: ["CStemmer", "GalleryCore"],
            swiftSettings: swiftSettings
        ),
        // Archive layouts (stored ZIP, ZIP64) computed without I/O: where each byte comes from.
        .target(
            name: "Archive",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GalleryCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Imaging",
            dependencies: ["GalleryCore", "CVips", "CExif", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The storage contract: the protocols every caller uses, the records as plain values
        // and the rules both stores share. No database package: the stores are its peers.
        .target(
            name: "Catalog",
            dependencies: [
                "GalleryCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The catalog on one machine: a SQLite file through GRDB (catalog.url sqlite:…).
        .target(
            name: "SQLiteCatalog",
            dependencies: [
                "Catalog", "GalleryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The catalog on several machines: PostgreSQL (catalog.url postgres://…).
        .target(
            name: "PostgresCatalog",
            dependencies: [
                "Catalog", "GalleryCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its error type only: which failures of the pool mean the server is away.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "GalleryCore", "Imaging", "Catalog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "GalleryCore", "Catalog", "Archive", "Codecs", "Stemming",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "galleryd",
            dependencies: [
                "GalleryCore", "Imaging", "Catalog", "SQLiteCatalog", "PostgresCatalog", "Ingest", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // libFuzzer target over the readers of untrusted bytes (scripts/fuzz builds it with
        // -sanitize=fuzzer,address); in an ordinary build it replays a corpus.
        .executableTarget(
            name: "GalleryFuzz",
            dependencies: [
                "GalleryCore", "Imaging", "Stemming",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Fuzz/GalleryFuzz",
            swiftSettings: swiftSettings
        ),
        // Test fixtures: draws images with libvips and writes EXIF/IPTC/XMP with libexif,
        // so that tests never depend on files outside the repository.
        .target(
            name: "GalleryFixtures",
            dependencies: [
                "CVips", "CExif", "GalleryCore", "Imaging", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/GalleryFixtures",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SearchTests",
            dependencies: ["GalleryCore", "Stemming"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: ["Archive"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GalleryCoreTests",
            dependencies: ["GalleryCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ImagingTests",
            dependencies: ["Imaging", "GalleryFixtures"],
            swiftSettings: swiftSettings
        ),
        // One suite for every storage implementation: SQLite files and a throwaway
        // PostgreSQL cluster (initdb + pg_ctl in a temp folder, Unix socket only).
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Catalog", "SQLiteCatalog", "PostgresCatalog", "GalleryCore", "GalleryFixtures",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GallerydTests",
            dependencies: [
                "galleryd", "GalleryCore", "Imaging", "Catalog", "SQLiteCatalog", "PostgresCatalog", "Ingest", "Server",
                "GalleryFixtures",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
