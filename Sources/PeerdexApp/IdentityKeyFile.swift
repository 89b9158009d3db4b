import Foundation

/// The contents of `identity.key`: this installation's secret keys, in a versioned text format.
///
/// Version 2 (written since the transport needed a second key):
///
/// ```
/// # peerdex identity: secret, keep it mode 0600 and never share it
/// version 2
/// ed25519-seed <base64 of 32 bytes>
/// x25519-private <base64 of 32 bytes>
/// ```
///
/// Version 1 was the raw 32-byte Ed25519 seed and nothing else; it is still read, and
/// `Identity.loadOrCreate` rewrites it as version 2 in place. Lines starting with `#` and blank
/// lines are ignored; an unknown key name is an error, so that a damaged file is never half used.
struct IdentityKeyFile: Equatable {
    /// The version this code writes.
    static let currentVersion = 2
    /// The byte length of every key in the file.
    static let keyLength = 32

    /// The Ed25519 signing seed: the peer ID is its public key.
    var signingSeed: [UInt8]
    /// The X25519 static key of the Noise handshake, bound to the identity by a signature.
    /// Nil in a version 1 file.
    var agreementKey: [UInt8]?
    /// The version the file was written in.
    var version: Int

    /// Why a file's contents are not an identity.
    enum ParseError: Error, Equatable, CustomStringConvertible {
        /// Neither 32 raw bytes nor the text format.
        case unrecognized(byteCount: Int)
        /// Written by a newer peerdex.
        case newerVersion(Int)
        /// A line of the text format is wrong.
        case badLine(Int, String)
        /// A required key is missing.
        case missing(String)

        var description: String {
            switch self {
            case .unrecognized(let count):
                return "is damaged (\(count) bytes: neither a 32-byte version 1 key nor a version 2 key file)"
            case .newerVersion(let version):
                return "was written by a newer peerdex (key file version \(version)); upgrade peerdex to use it"
            case .badLine(let number, let reason): return "is damaged (line \(number): \(reason))"
            case .missing(let name): return "is damaged (no \(name) line)"
            }
        }
    }

    /// Reads either version.
    init(parsing data: Data) throws(ParseError) {
        let header = Data("# peerdex identity".utf8)
        if data.count == Self.keyLength, !data.starts(with: header) {
            self.init(signingSeed: Array(data), agreementKey: nil, version: 1)
            return
        }
        guard let text = String(data: data, encoding: .utf8), text.hasPrefix("# peerdex identity") || text.hasPrefix("version")
        else { throw .unrecognized(byteCount: data.count) }
        var version: Int?
        var keys = [String: [UInt8]]()
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .badLine(number, "expected a name and a value") }
            let (name, value) = (String(parts[0]), String(parts[1]))
            if name == "version" {
                guard version == nil, let parsed = Int(value), parsed >= 2 else { throw .badLine(number, "bad version") }
                guard parsed <= Self.currentVersion else { throw .newerVersion(parsed) }
                version = parsed
                continue
            }
            guard version != nil else { throw .badLine(number, "the version line must come first") }
            guard ["ed25519-seed", "x25519-private"].contains(name), keys[name] == nil else {
                throw .badLine(number, "unexpected '\(name)'")
            }
            guard let bytes = Data(base64Encoded: value), bytes.count == Self.keyLength else {
                throw .badLine(number, "\(name) is not \(Self.keyLength) bytes of base64")
            }
            keys[name] = Array(bytes)
        }
        guard let version else { throw .missing("version") }
        guard let seed = keys["ed25519-seed"] else { throw .missing("ed25519-seed") }
        guard let agreement = keys["x25519-private"] else { throw .missing("x25519-private") }
        self.init(signingSeed: seed, agreementKey: agreement, version: version)
    }

    /// A file of the current version from its keys.
    init(signingSeed: [UInt8], agreementKey: [UInt8]?, version: Int = currentVersion) {
        self.signingSeed = signingSeed
        self.agreementKey = agreementKey
        self.version = version
    }

    /// The current version's text; needs both keys.
    func encoded() -> Data {
        precondition(agreementKey != nil, "a version \(Self.currentVersion) key file holds both keys")
        return Data(
            """
            # peerdex identity: secret, keep it mode 0600 and never share it
            version \(Self.currentVersion)
            ed25519-seed \(Data(signingSeed).base64EncodedString())
            x25519-private \(Data(agreementKey!).base64EncodedString())

            """.utf8)
    }
}
