// swift-tools-version:6.0
import PackageDescription

/// peerdex: a terminal contact client for a peer-to-peer messenger.
///
/// Modules are side-effect boundaries (see docs/ARCHITECTURE.md): PeerdexCore is pure,
/// PeerdexStore alone imports GRDB, PeerdexNet alone imports NIOPosix, PeerdexTUI renders into a
/// cell buffer, PeerdexTerminal alone imports ncurses, PeerdexApp is the composition root and
/// `peerdex` a thin executable.
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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        .target(
            name: "PeerdexCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "PeerdexParallel"),
        .target(
            name: "PeerdexStore",
            dependencies: [
                "PeerdexCore", "PeerdexParallel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "PeerdexNet",
            dependencies: [
                "PeerdexCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .systemLibrary(name: "CQREncode", path: "Sources/CQREncode"),
        .target(name: "PeerdexQR", dependencies: ["CQREncode", "PeerdexCore"]),
        .target(name: "CSignalPipe"),
        .target(name: "PeerdexTUI", dependencies: ["PeerdexCore"]),
        .target(name: "PeerdexTerminal", dependencies: ["CNCurses", "PeerdexTUI"]),
        .target(
            name: "PeerdexApp",
            dependencies: [
                "CSignalPipe", "PeerdexCore", "PeerdexNet", "PeerdexParallel", "PeerdexQR", "PeerdexStore", "PeerdexTUI",
                "PeerdexTerminal",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "peerdex",
            dependencies: [
                "PeerdexApp", "PeerdexCore", "PeerdexNet", "PeerdexQR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "PeerdexBench",
            dependencies: [
                "PeerdexApp", "PeerdexCore", "PeerdexNet", "PeerdexTUI", "PeerdexTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "PeerdexTestSupport", dependencies: ["PeerdexCore"], path: "Tests/PeerdexTestSupport"),
        .testTarget(
            name: "PeerdexCoreTests",
            dependencies: ["PeerdexCore", "PeerdexTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Vectors"]  // read from the source tree by path, not bundled
        ),
        .testTarget(
            name: "PeerdexNetTests",
            dependencies: [
                "PeerdexNet", "PeerdexCore", "PeerdexTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "PeerdexParallelTests", dependencies: ["PeerdexParallel"]),
        .testTarget(name: "PeerdexQRTests", dependencies: ["PeerdexQR", "PeerdexCore", "PeerdexTestSupport"]),
        .testTarget(name: "PeerdexStoreTests", dependencies: ["PeerdexStore", "PeerdexCore", "PeerdexTestSupport"]),
        .testTarget(
            name: "PeerdexTUITests",
            dependencies: ["PeerdexTUI", "PeerdexCore"],
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "PeerdexTerminalTests", dependencies: ["PeerdexTerminal", "CNCurses", "PeerdexTUI"]),
        .testTarget(
            name: "PeerdexAppTests",
            dependencies: [
                "PeerdexApp", "PeerdexCore", "PeerdexNet", "PeerdexStore", "PeerdexTUI", "PeerdexTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "peerdexTests",
            dependencies: [
                "peerdex", "PeerdexCore", "PeerdexNet", "PeerdexStore", "PeerdexTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// libFuzzer targets for every decoder of untrusted bytes (scripts/fuzz.sh, `make fuzz`), declared
// only when PEERDEX_FUZZ is set: they are built with `-sanitize=fuzzer,address -parse-as-library`
// into a scratch path of their own, and libFuzzer supplies their `main`.
if Context.environment["PEERDEX_FUZZ"] != nil {
    for name in ["FuzzFrames", "FuzzHandshake", "FuzzHandshakePayload", "FuzzEnvelope", "FuzzKRPC"] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["PeerdexCore", .product(name: "Crypto", package: "swift-crypto")],
                path: "Fuzz/Sources/\(name)"))
    }
}
