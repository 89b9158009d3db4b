// swift-tools-version:6.0
import PackageDescription

/// peerdex: a terminal contact client for a peer-to-peer messenger.
let package = Package(
    name: "peerdex",
    platforms: [.macOS(.v14)],
    targets: [
        .target(name: "PeerdexCore"),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .target(name: "PeerdexTUI", dependencies: ["PeerdexCore"]),
        .target(name: "PeerdexTerminal", dependencies: ["CNCurses", "PeerdexTUI"]),
        .testTarget(name: "PeerdexCoreTests", dependencies: ["PeerdexCore"]),
        .testTarget(name: "PeerdexTerminalTests", dependencies: ["PeerdexTerminal", "CNCurses", "PeerdexTUI"]),
        .testTarget(
            name: "PeerdexTUITests",
            dependencies: ["PeerdexTUI", "PeerdexCore"],
            exclude: ["Snapshots"]
        ),
    ]
)
