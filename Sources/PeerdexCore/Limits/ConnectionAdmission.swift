/// Counts open connections, in all and per remote address, and admits a new one only while both
/// counts are under their limits. Addresses are compared as text (`127.0.0.1`, `::1`); a
/// loopback address is exempt from the per-address limit unless `limitLoopback` is set (tests
/// set it, so that one machine can stand for many hosts).
public struct ConnectionAdmission: Sendable, Equatable {
    /// The most connections open at once.
    public let maximumConnections: Int
    /// The most connections open at once from one address.
    public let maximumPerAddress: Int
    /// Whether loopback addresses count against `maximumPerAddress`.
    public let limitLoopback: Bool
    /// Connections open now.
    public private(set) var openConnections = 0
    private var openByAddress: [String: Int] = [:]

    /// An empty table with these limits.
    public init(maximumConnections: Int, maximumPerAddress: Int, limitLoopback: Bool = false) {
        self.maximumConnections = maximumConnections
        self.maximumPerAddress = maximumPerAddress
        self.limitLoopback = limitLoopback
    }

    /// Why a connection was turned away.
    public enum Refusal: Equatable, Sendable, CustomStringConvertible {
        /// The node holds its maximum of connections.
        case tooManyConnections(Int)
        /// This address holds its maximum of connections.
        case tooManyFromAddress(String, Int)

        /// One line for the log.
        public var description: String {
            switch self {
            case .tooManyConnections(let limit): return "the node already holds its \(limit) connections"
            case .tooManyFromAddress(let address, let limit): return "\(address) already holds its \(limit) connections"
            }
        }
    }

    /// Admits one more connection from `address`, or says why not.
    public mutating func admit(_ address: String) -> Refusal? {
        guard openConnections < maximumConnections else { return .tooManyConnections(maximumConnections) }
        let fromAddress = openByAddress[address, default: 0]
        if limitLoopback || !Self.isLoopback(address), fromAddress >= maximumPerAddress {
            return .tooManyFromAddress(address, maximumPerAddress)
        }
        openConnections += 1
        openByAddress[address] = fromAddress + 1
        return nil
    }

    /// Forgets one connection from `address`, once it has closed.
    public mutating func release(_ address: String) {
        guard let count = openByAddress[address] else { return }
        openConnections -= 1
        openByAddress[address] = count > 1 ? count - 1 : nil
    }

    /// Connections open now from `address`.
    public func openConnections(from address: String) -> Int { openByAddress[address, default: 0] }

    /// Whether `address` (textual IPv4 or IPv6) is a loopback address: 127.0.0.0/8 or ::1.
    public static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
