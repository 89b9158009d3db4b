import Foundation
import PeerdexCore
import PeerdexTUI

/// The user's `config.toml`: where it lives and what it may say.
///
/// ```toml
/// theme = "forest"        # default, forest or monochrome
/// color = true            # false: monochrome, as with NO_COLOR
/// bootstrap = ["192.0.2.7:7447"]   # DHT nodes to join through; "mainline" = the public DHT
/// rendezvous = ["192.0.2.8:7447"]  # rendezvous servers, asked when no bootstrap node answers
/// nearby = true           # LAN discovery (mDNS); nearby_probe = "10.0.0.0/24" also probes that range
/// [keys]
/// favorite = "s"          # action = key, or a list: down = ["j", "down"]
/// ```
public enum ConfigFile {
    /// `$XDG_CONFIG_HOME/peerdex/config.toml`, else `~/.config/peerdex/config.toml`.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/peerdex/config.toml" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/peerdex/config.toml"
    }

    /// The TUI settings from the config file (if there is one) and the environment (`NO_COLOR`).
    public static func tuiSettings(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AppError) -> TUISettings {
        let path = path(environment: environment)
        let settings = TUISettings(noColor: !(environment["NO_COLOR"] ?? "").isEmpty)
        guard FileManager.default.fileExists(atPath: path) else { return settings }
        let document = try document(at: path)
        return try apply(document, to: settings, path: path)
    }

    /// The DHT bootstrap nodes the config file lists (`bootstrap = ["HOST:PORT", ...]`), checked
    /// for form; none when there is no config file.
    public static func bootstrapNodes(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AppError) -> [String] {
        let path = path(environment: environment)
        guard let entries = try strings("bootstrap", at: path) else { return [] }
        do { try BootstrapNodes.validate(entries) } catch { throw .config(path: path, reason: error.description) }
        return entries
    }

    /// The rendezvous servers the config file lists (`rendezvous = ["HOST:PORT", ...]`, invites
    /// too), checked for form; none when there is no config file.
    public static func rendezvousServers(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AppError) -> [String] {
        let path = path(environment: environment)
        guard let entries = try strings("rendezvous", at: path) else { return [] }
        do { _ = try RendezvousClient.servers(entries) } catch { throw .config(path: path, reason: error.description) }
        return entries
    }

    /// Whether the config file turns LAN discovery on (`nearby = true`); false when there is no
    /// file or no such key, since advertising ourselves on the LAN is the user's choice.
    public static func nearbyEnabled(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AppError) -> Bool {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        switch try document(at: path).tables[""]?["nearby"] {
        case .bool(let enabled): return enabled
        case nil: return false
        default: throw .config(path: path, reason: "nearby must be true or false")
        }
    }

    /// The IPv4 range nearby discovery probes directly (`nearby_probe = "10.0.0.0/24"`, at most a
    /// /24), for networks that drop multicast; nil when there is no file or no such key.
    public static func nearbyProbeRange(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AppError) -> NearbyProbeRange? {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        switch try document(at: path).tables[""]?["nearby_probe"] {
        case .string(let text):
            do { return try NearbyProbeRange(parsing: text) } catch {
                throw .config(path: path, reason: "nearby_probe: \(error.description)")
            }
        case nil: return nil
        default: throw .config(path: path, reason: "nearby_probe must be a string like \"10.0.0.0/24\"")
        }
    }

    /// The top-level `key` of the config file at `path` as a list of strings (one string is a
    /// list of one); nil when there is no file or no such key.
    private static func strings(_ key: String, at path: String) throws(AppError) -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let document = try document(at: path)
        switch document.tables[""]?[key] {
        case .strings(let list): return list
        case .string(let one): return [one]
        case nil: return nil
        default: throw .config(path: path, reason: "\(key) must be a list of \"HOST:PORT\" strings")
        }
    }

    /// The config file at `path`, parsed.
    private static func document(at path: String) throws(AppError) -> TOMLDocument {
        do {
            return try TOMLDocument(parsing: try ContactExchange.readText(at: path))
        } catch let error as TOMLError {
            throw .config(path: path, reason: error.description)
        } catch {
            throw .config(path: path, reason: "\(error)")
        }
    }

    /// Applies a parsed config to settings; unknown keys and wrong types are errors, not ignored.
    static func apply(_ document: TOMLDocument, to settings: TUISettings, path: String) throws(AppError) -> TUISettings {
        var settings = settings
        for (table, values) in document.tables {
            for (key, value) in values {
                switch (table, key, value) {
                case ("", "theme", .string(let name)):
                    guard Theme.all.contains(where: { $0.name == name }) else {
                        let known = Theme.all.map(\.name).joined(separator: ", ")
                        throw .config(path: path, reason: "unknown theme '\(name)' (known: \(known))")
                    }
                    settings.themeName = name
                case ("", "color", .bool(let color)):
                    settings.noColor = settings.noColor || !color
                case ("keys", _, _), ("", "bootstrap", .strings), ("", "bootstrap", .string),
                    ("", "rendezvous", .strings), ("", "rendezvous", .string), ("", "nearby", .bool),
                    ("", "nearby_probe", .string):
                    continue  // keys are applied below; bootstrap, rendezvous and nearby* are the network's
                default:
                    throw .config(path: path, reason: "unknown setting '\(table.isEmpty ? key : table + "." + key)' "
                        + "or wrong type (see README: Configuration)")
                }
            }
        }
        var bindings = [String: String]()
        for (action, value) in document.tables["keys"] ?? [:] {
            switch value {
            case .string(let key): bindings[action] = key
            case .strings(let keys): bindings[action] = keys.joined(separator: ",")
            default: throw .config(path: path, reason: "keys.\(action) must be a key name or a list of them")
            }
        }
        do {
            settings.keymap = try settings.keymap.rebinding(bindings)
        } catch {
            throw .config(path: path, reason: error.description)
        }
        return settings
    }
}
