// swift-tools-version:6.0
import PackageDescription

/// peerdex: a terminal contact client for a peer-to-peer messenger.
///
/// Modules are side-effect boundaries (see docs/ARCHITECTURE.md): PeerdexCore is pure,
/// PeerdexStore alone imports GRDB, PeerdexApp is the composition root and `peerdex` is a thin
/// swift-argument-parser executable.
let package = Package(
    name: "peerdex",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "peerdex", targets: ["peerdex"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .target(name: "PeerdexCore"),
        .target(
            name: "PeerdexStore",
            dependencies: ["PeerdexCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "PeerdexApp",
            dependencies: ["PeerdexCore", "PeerdexStore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "peerdex",
            dependencies: ["PeerdexApp", "PeerdexCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "PeerdexBench",
            dependencies: ["PeerdexApp", "PeerdexCore", "PeerdexStore"]
        ),
        .target(name: "PeerdexTestSupport", dependencies: ["PeerdexCore"], path: "Tests/PeerdexTestSupport"),
        .testTarget(name: "PeerdexCoreTests", dependencies: ["PeerdexCore", "PeerdexTestSupport"]),
        .testTarget(name: "PeerdexStoreTests", dependencies: ["PeerdexStore", "PeerdexCore", "PeerdexTestSupport"]),
        .testTarget(name: "PeerdexAppTests", dependencies: ["PeerdexApp", "PeerdexCore", "PeerdexTestSupport"]),
        .testTarget(
            name: "peerdexTests",
            dependencies: ["peerdex", "PeerdexCore", "PeerdexTestSupport"]
        ),
    ]
)
