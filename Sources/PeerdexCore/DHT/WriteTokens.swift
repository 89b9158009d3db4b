import Crypto

/// The write tokens of BEP 5 (`get_peers` → `announce_peer`) and BEP 44 (`get` → `put`): proof that
/// a writer received our reply at the address it writes from, so that nobody stores under a
/// spoofed source address.
///
/// A token is the first `tokenLength` bytes of SHA-1(IP bytes ‖ secret [‖ target]). The engine
/// rotates the secret every `rotationInterval` seconds with fresh random bytes; tokens made with the
/// current or the previous secret are accepted, so a token lives 5 to 10 minutes (BEP 5). Binding
/// the token to the target as well (as libtorrent does) means that one `get` allows writing one
/// target only; pass the same `target` when making and when checking.
public struct WriteTokens: Sendable, Equatable, CustomStringConvertible {
    /// Token length in bytes: 8, so that guessing one takes 2^64 tries (libtorrent uses 4; BEP 5
    /// leaves the length to the node, and a token is opaque to everyone else).
    public static let tokenLength = 8
    /// How often the engine should call `rotate(newSecret:)`, in seconds (BEP 5: 5 minutes).
    public static let rotationInterval: Double = 300

    private var currentSecret: [UInt8]
    private var previousSecret: [UInt8]?

    /// Tokens made with `secret` (random bytes from the engine; 16 or more).
    public init(secret: [UInt8]) {
        currentSecret = secret
        previousSecret = nil
    }

    /// Makes `newSecret` current; tokens of the one it replaces stay valid until the next rotation.
    public mutating func rotate(newSecret: [UInt8]) {
        previousSecret = currentSecret
        currentSecret = newSecret
    }

    /// The token to hand to `ip` (in a `get_peers` or `get` reply).
    public func token(for ip: IPAddress, target: NodeID? = nil) -> [UInt8] {
        Self.token(ip: ip, secret: currentSecret, target: target)
    }

    /// Whether `token` is one we handed to `ip` (for `target`, if given) within the last two
    /// secrets. The comparison takes the same time wherever the bytes differ.
    public func isValid(_ token: [UInt8], for ip: IPAddress, target: NodeID? = nil) -> Bool {
        guard token.count == Self.tokenLength else { return false }
        var valid = Self.constantTimeEqual(token, Self.token(ip: ip, secret: currentSecret, target: target))
        if let previousSecret {
            valid = Self.constantTimeEqual(token, Self.token(ip: ip, secret: previousSecret, target: target)) || valid
        }
        return valid
    }

    /// A description that leaves the secrets out, for logs.
    public var description: String { "WriteTokens(\(previousSecret == nil ? 1 : 2) secrets)" }

    // MARK: - Computing

    private static func token(ip: IPAddress, secret: [UInt8], target: NodeID?) -> [UInt8] {
        var hasher = Insecure.SHA1()
        hasher.update(data: ip.bytes)
        hasher.update(data: secret)
        if let target { hasher.update(data: target.bytes) }
        return Array(hasher.finalize().prefix(tokenLength))
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
