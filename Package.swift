// swift-tools-version:6.0
import PackageDescription

/// peerdex: a terminal contact client for a peer-to-peer messenger.
let package = Package(
    name: "peerdex",
    platforms: [.macOS(.v14)],
    targets: [
        .target(name: "PeerdexCore"),
        .testTarget(name: "PeerdexCoreTests", dependencies: ["PeerdexCore"]),
    ]
)
