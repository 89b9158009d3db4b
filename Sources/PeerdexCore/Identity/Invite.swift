/// What a person pastes to add someone: a bare peer ID or `peerdex://<id>[@host:port][?name=…]`.
///
/// Everywhere a peer ID is accepted an invite is accepted too, so commands parse input with
/// `Invite(parsing:)` and use `peerID`, plus the address and name when present.
public struct Invite: Hashable, Sendable, CustomStringConvertible {
    /// The URL scheme of invites.
    public static let scheme = "peerdex"

    /// Whose invite this is.
    public var peerID: PeerID
    /// Where the peer listened when it made the invite, if it said.
    public var address: HostPort?
    /// The display name the peer suggested for itself, if any.
    public var name: String?

    /// An invite from its parts.
    public init(peerID: PeerID, address: HostPort? = nil, name: String? = nil) {
        self.peerID = peerID
        self.address = address
        self.name = name
    }

    /// Parses a bare peer ID or an invite URL, ignoring surrounding white space.
    public init(parsing text: some StringProtocol) throws(InviteError) {
        let trimmed = String(text.trimmingWhitespace())
        let prefix = Self.scheme + "://"
        guard trimmed.lowercased().hasPrefix(prefix) else {
            if trimmed.contains("://") {
                throw .wrongScheme(String(trimmed.prefix { $0 != ":" }))
            }
            do { self.init(peerID: try PeerID(parsing: trimmed)) } catch { throw .peerID(error) }
            return
        }
        var rest = Substring(trimmed.dropFirst(prefix.count))
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var address: HostPort?
        if let at = rest.firstIndex(of: "@") {
            let hostPort = rest[rest.index(after: at)...]
            do { address = try HostPort(parsing: hostPort) } catch { throw .address(error) }
            rest = rest[..<at]
        }
        let peerID: PeerID
        do { peerID = try PeerID(parsing: rest) } catch { throw .peerID(error) }
        var name: String?
        if let query {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts[0] == "name" else { continue }
                let raw = parts.count > 1 ? parts[1] : ""
                guard let decoded = PercentEncoding.decode(raw) else { throw .badName(String(raw)) }
                name = decoded.isEmpty ? nil : decoded
            }
        }
        self.init(peerID: peerID, address: address, name: name)
    }

    /// The invite URL; the bare `peerdex://<id>` when it has neither address nor name.
    public var url: String {
        var text = "\(Self.scheme)://\(peerID.text)"
        if let address { text += "@\(address)" }
        if let name, !name.isEmpty { text += "?name=\(PercentEncoding.encode(name))" }
        return text
    }

    /// The invite URL.
    public var description: String { url }
}

/// Why a piece of text is neither a peer ID nor an invite.
public enum InviteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer ID part is malformed.
    case peerID(PeerIDError)
    /// The `@host:port` part is malformed.
    case address(HostPortError)
    /// A URL with a scheme other than `peerdex`.
    case wrongScheme(String)
    /// The `name` parameter is not valid percent-encoded UTF-8.
    case badName(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .peerID(let error): return "invalid peer ID: \(error)"
        case .address(let error): return "invalid address in invite: \(error)"
        case .wrongScheme(let scheme):
            return "'\(scheme)://' is not a peerdex invite (invites start with peerdex://)"
        case .badName(let raw): return "the invite's name '\(raw)' is not valid percent-encoded UTF-8"
        }
    }
}

/// A host (name, IPv4 or bracketed IPv6) and a TCP port.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// Host name or address, without IPv6 brackets.
    public var host: String
    /// TCP port, 1-65535.
    public var port: Int

    /// A host and port from their parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; port 0 (any free port) only for a listener.
    public init(parsing text: some StringProtocol, allowingPortZero: Bool = false) throws(HostPortError) {
        let text = String(text.trimmingWhitespace())
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed(text) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { throw .missingPort(text) }
            portText = after.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw .malformed(text) }
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else {
            throw .malformed(text)
        }
        guard let port = Int(portText), ((allowingPortZero ? 0 : 1)...65_535).contains(port) else {
            throw .badPort(String(portText))
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a piece of text is not `host:port`.
public enum HostPortError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `:port` at the end.
    case missingPort(String)
    /// The port is not a number from 1 to 65535.
    case badPort(String)
    /// The host part is empty or contains characters a host cannot.
    case malformed(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .missingPort(let text): return "'\(text)' has no port (expected HOST:PORT)"
        case .badPort(let port): return "'\(port)' is not a port number (1-65535)"
        case .malformed(let text): return "'\(text)' is not HOST:PORT"
        }
    }
}

/// RFC 3986 percent-encoding of UTF-8 text, for invite parameters.
public enum PercentEncoding {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// Encodes every byte outside RFC 3986's unreserved set.
    public static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    /// Decodes `%XX` escapes (and `+` as a space); nil when an escape or the UTF-8 is invalid.
    public static func decode(_ text: some StringProtocol) -> String? {
        var bytes = [UInt8]()
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
