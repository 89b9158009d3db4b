import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexNet

extension Peerdex {
    /// `peerdex nearby`: who runs peerdex on this LAN, verified.
    struct Nearby: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find peerdex nodes on the local network and prove who they are.",
            discussion: """
                Browses for _peerdex._tcp services over multicast DNS (224.0.0.251 and ff02::fb, port \
                5353) for --wait seconds and lists each peer whose advertised peer ID a Noise handshake \
                to its address proved; forged, replayed and unsigned advertisements are dropped. Unless \
                your profile is private it also advertises you (no name unless your visibility is \
                public), from a listener on --listen (a port the system picks when that one is taken), \
                and sends a goodbye when done. With --probe (or 'nearby_probe' in config.toml) it also \
                asks each address of an IPv4 range of at most a /24 on --probe-port directly, for \
                networks that drop multicast (at most 20 addresses a second). Ctrl-C stops early. \
                See docs/NEARBY.md.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Seconds to browse.", valueName: "seconds")) var wait = 3.0
        @Option(help: ArgumentHelp("Address and port of the listener peers verify us on.", valueName: "host:port"))
        var listen = "0.0.0.0:\(NodeLauncher.defaultPort)"
        @Option(
            name: .customLong("interface"),
            help: ArgumentHelp("Browse and advertise only on this network interface; repeatable.", valueName: "name"))
        var interfaces: [String] = []
        @Option(
            help: ArgumentHelp(
                "Also probe this IPv4 range (at most a /24) directly, for networks that drop multicast.",
                valueName: "cidr"))
        var probe: String?
        @Option(help: ArgumentHelp("The TCP port probed on each address of --probe.", valueName: "port"))
        var probePort = NearbyOptions.defaultProbePort
        @Flag(help: "Print one JSON object: peers (peerId, name, address, rttMs, lastHeard, contact), advertised, listening, waitedSeconds, dropped.")
        var json = false

        func validate() throws {
            guard wait > 0, wait <= 3_600 else { throw ValidationError("--wait must be from 0 to 3600 seconds") }
            _ = try address()
            _ = try NearbyOptions.probeRange(probe, option: "--probe")
            try NearbyOptions.validatePort(probePort, option: "--probe-port")
        }

        private func address() throws -> HostPort {
            do { return try HostPort(parsing: listen, allowingPortZero: true) } catch {
                throw ValidationError("--listen: \(error)")
            }
        }

        func run() async throws {
            let book = try global.openBook()
            var settings = NearbyOptions.settings(interfaces: interfaces)
            settings.probeRange = try NearbyOptions.probeRange(probe, option: "--probe") ?? ConfigFile.nearbyProbeRange()
            settings.probePort = probePort
            let report = try await NearbySession.run(
                book: book, listen: try address(), wait: .milliseconds(Int64(wait * 1_000)), settings: settings)
            if json {
                try Output.json(report)
                return
            }
            if report.peers.isEmpty {
                print("no peerdex node verified on this network within \(String(format: "%g", wait)) s")
            }
            for peer in report.peers {
                let name = peer.name.map(Output.oneLine) ?? "(no name shared)"
                let contact = peer.contact ? "  contact" : ""
                print("\(peer.peerId)  \(name)  \(peer.address)  \(String(format: "%.1f", peer.rttMs)) ms\(contact)")
            }
            let advertised = report.advertised ? "advertised on \(report.listening)" : "not advertised (visibility private)"
            FileHandle.standardError.write(Data("peerdex: \(advertised)\(Self.dropped(report.dropped))\n".utf8))
        }

        static func dropped(_ counts: [String: Int]) -> String {
            guard !counts.isEmpty else { return "" }
            return "; dropped " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
    }
}

/// LAN discovery's options, shared by `nearby`, `node` and `tui`.
struct NearbyOptions: ParsableArguments {
    @Flag(
        inversion: .prefixedNo,
        help: "Discover peerdex nodes on the LAN and, unless the profile is private, advertise this one (default: 'nearby' in config.toml, else off).")
    var nearby: Bool?

    @Option(
        name: .customLong("nearby-interface"),
        help: ArgumentHelp("Browse and advertise only on this network interface; repeatable.", valueName: "name"))
    var interfaces: [String] = []

    @Option(
        name: .customLong("nearby-probe"),
        help: ArgumentHelp(
            "With --nearby, also probe this IPv4 range (at most a /24) directly, for networks that drop multicast (default: 'nearby_probe' in config.toml, else none).",
            valueName: "cidr"))
    var probe: String?

    @Option(
        name: .customLong("nearby-probe-port"),
        help: ArgumentHelp("The TCP port probed on each address of --nearby-probe.", valueName: "port"))
    var probePort = Self.defaultProbePort

    /// The standard port, probed unless told otherwise.
    static let defaultProbePort = 7447

    func validate() throws {
        _ = try Self.probeRange(probe, option: "--nearby-probe")
        try Self.validatePort(probePort, option: "--nearby-probe-port")
    }

    /// The settings when LAN discovery is on (by the flag, else by config.toml), else nil.
    func enabledSettings() throws -> NearbyService.Settings? {
        guard try nearby ?? ConfigFile.nearbyEnabled() else {
            if probe != nil { throw ValidationError("--nearby-probe needs --nearby (or 'nearby = true' in config.toml)") }
            return nil
        }
        var settings = Self.settings(interfaces: interfaces)
        settings.probeRange = try Self.probeRange(probe, option: "--nearby-probe") ?? ConfigFile.nearbyProbeRange()
        settings.probePort = probePort
        return settings
    }

    /// `text` as a probe range, nil for none; a clear error naming `option` when it is not one.
    static func probeRange(_ text: String?, option: String) throws -> NearbyProbeRange? {
        guard let text else { return nil }
        do { return try NearbyProbeRange(parsing: text) } catch { throw ValidationError("\(option): \(error.description)") }
    }

    static func validatePort(_ port: Int, option: String) throws {
        guard (1...65_535).contains(port) else { throw ValidationError("\(option) must be from 1 to 65535") }
    }

    /// The service's settings for `interfaces` (every multicast interface when empty).
    static func settings(interfaces: [String]) -> NearbyService.Settings {
        var settings = NearbyService.Settings()
        if !interfaces.isEmpty { settings.transport.interfaces = interfaces }
        return settings
    }
}
