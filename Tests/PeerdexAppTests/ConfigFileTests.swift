import Foundation
import PeerdexCore
import PeerdexTUI
import Testing

@testable import PeerdexApp

@Suite struct ConfigFileTests {
    let home = NSTemporaryDirectory() + "peerdex-config-\(UUID().uuidString)"

    func write(_ text: String) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: home + "/peerdex", withIntermediateDirectories: true)
        try text.write(toFile: home + "/peerdex/config.toml", atomically: true, encoding: .utf8)
        return ["XDG_CONFIG_HOME": home]
    }

    @Test func noFileMeansDefaults() throws {
        let settings = try ConfigFile.tuiSettings(environment: ["XDG_CONFIG_HOME": home])
        #expect(settings.themeName == nil)
        #expect(!settings.noColor)
        #expect(settings.keymap == Keymap.standard)
    }

    @Test func themeColorAndKeysAreApplied() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write("""
            theme = "forest"
            color = false
            [keys]
            favorite = "s"
            down = ["j", "ctrl-n"]
            """)
        let settings = try ConfigFile.tuiSettings(environment: environment)
        #expect(settings.themeName == "forest")
        #expect(settings.noColor)
        #expect(settings.keymap.action(for: try #require(Key(name: "s"))) == .toggleFavorite)
        #expect(settings.keymap.action(for: try #require(Key(name: "ctrl-n"))) == .moveDown)
    }

    @Test func noColorComesFromTheEnvironmentToo() throws {
        let settings = try ConfigFile.tuiSettings(environment: ["XDG_CONFIG_HOME": home, "NO_COLOR": "1"])
        #expect(settings.noColor)
    }

    @Test(arguments: [
        ("theme = \"neon\"", "unknown theme 'neon'"), ("colour = true", "unknown setting 'colour'"),
        ("[keys]\nfly = \"x\"", "fly"), ("[keys]\nfavorite = \"hyper-x\"", "hyper-x"), ("theme = ", "line 1"),
    ])
    func mistakesAreReportedWithTheFile(text: String, message: String) throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write(text)
        let error = #expect(throws: AppError.self) { try ConfigFile.tuiSettings(environment: environment) }
        #expect(error?.description.contains("config.toml") == true)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    // MARK: - The network's keys

    @Test func bootstrapAndRendezvousListsAreReadAndAreNoTUIMistake() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write("""
            bootstrap = ["127.0.0.1:7000"]
            rendezvous = ["127.0.0.1:7001", "[::1]:7002"]
            """)
        #expect(try ConfigFile.bootstrapNodes(environment: environment) == ["127.0.0.1:7000"])
        #expect(try ConfigFile.rendezvousServers(environment: environment) == ["127.0.0.1:7001", "[::1]:7002"])
        _ = try ConfigFile.tuiSettings(environment: environment)
        let one = try write("rendezvous = \"127.0.0.1:7001\"")
        #expect(try ConfigFile.rendezvousServers(environment: one) == ["127.0.0.1:7001"])
        #expect(try ConfigFile.bootstrapNodes(environment: one) == [])
        #expect(try ConfigFile.rendezvousServers(environment: ["XDG_CONFIG_HOME": home + "/none"]) == [])
    }

    @Test(arguments: [
        ("rendezvous = [\"nowhere\"]", "rendezvous server 'nowhere'"), ("rendezvous = 7", "rendezvous must be a list"),
        ("rendezvous = [\"peerdex://x\"]", "rendezvous server 'peerdex://x'"),
    ])
    func aMalformedRendezvousListIsReportedWithTheFile(text: String, message: String) throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write(text)
        let error = #expect(throws: AppError.self) { try ConfigFile.rendezvousServers(environment: environment) }
        #expect(error?.description.contains("config.toml") == true)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func aNearbyProbeRangeIsReadAndIsNoTUIMistake() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write("nearby = true\nnearby_probe = \"10.213.0.0/24\"\n")
        #expect(try ConfigFile.nearbyProbeRange(environment: environment)?.description == "10.213.0.0/24")
        #expect(try ConfigFile.nearbyEnabled(environment: environment))
        _ = try ConfigFile.tuiSettings(environment: environment)
        #expect(try ConfigFile.nearbyProbeRange(environment: try write("nearby = true\n")) == nil)
    }

    @Test(arguments: [
        ("nearby_probe = \"10.0.0.0/16\"", "config.toml: nearby_probe: '10.0.0.0/16' is too wide: a probe range is at most a /24 (256 addresses)"),
        ("nearby_probe = \"10.0.0.9/24\"", "config.toml: nearby_probe: '10.0.0.9/24' has host bits set; did you mean 10.0.0.0/24?"),
        ("nearby_probe = 24", "config.toml: nearby_probe must be a string like \"10.0.0.0/24\""),
    ])
    func aBadNearbyProbeRangeIsReportedWithTheFile(text: String, message: String) throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = try write(text)
        let error = #expect(throws: AppError.self) { try ConfigFile.nearbyProbeRange(environment: environment) }
        #expect(error?.description.hasSuffix(message) == true, "\(String(describing: error))")
    }
}
