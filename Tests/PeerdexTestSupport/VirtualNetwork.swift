import PeerdexCore

/// The simulated network under `DHTSimulator`: where each node lives, and how long a datagram
/// takes from one node to another or whether it is lost.
///
/// Node `n` lives at 10.x.y.z, the (n + 1)-th address of 10.0.0.0/8, on a port of its own: a
/// private range, so the engines' diversity limits (which exempt local addresses by default)
/// and BEP 42 stay out of the way, and nothing ever reaches a real socket.
///
/// A datagram's delay and loss are drawn from a hash of the seed, its two ends and the time it
/// is sent, not from a generator consumed in sending order. The engine may list the datagrams of
/// one step in an order that varies from run to run (it walks dictionaries), and a run must not
/// depend on that order. (Two datagrams between the same pair at the same instant therefore
/// share their fate.)
public struct VirtualNetwork: Sendable {
    /// One-way delay of a datagram, in seconds.
    public var latency: LatencyModel
    /// Probability that a datagram is lost, 0...1.
    public var loss: Double
    /// Seeds every draw.
    public let seed: UInt64

    /// A network with this delay and loss, drawn from `seed`.
    public init(seed: UInt64, latency: LatencyModel = .uniform(0.010...0.100), loss: Double = 0) {
        self.seed = seed
        self.latency = latency
        self.loss = min(max(loss, 0), 1)
    }

    // MARK: - Addresses

    /// First address of the range: node 0 is 10.0.0.1.
    private static let firstAddress: UInt32 = 0x0A00_0001
    /// Most nodes the range holds.
    public static let capacity = 0x00FF_FFFE

    /// The endpoint of node `node`.
    public static func endpoint(of node: Int) -> DHTEndpoint {
        DHTEndpoint(ip: .v4(firstAddress + UInt32(node)), port: UInt16(1_024 + node % 64_000))
    }

    /// The node living at `endpoint`, if the range holds one there (whether or not it was created).
    public static func node(at endpoint: DHTEndpoint) -> Int? {
        guard case .v4(let address) = endpoint.ip, address >= firstAddress else { return nil }
        let node = Int(address - firstAddress)
        guard node < capacity, endpoint.port == UInt16(1_024 + node % 64_000) else { return nil }
        return node
    }

    // MARK: - Delivery

    /// Seconds a datagram sent from `source` to `destination` at `time` takes.
    public func delay(from source: Int, to destination: Int, at time: Double) -> Double {
        latency.seconds(at: Self.unit(draw(source, destination, time, salt: 0x6C61_7465)))
    }

    /// Whether a datagram sent from `source` to `destination` at `time` is lost.
    public func drops(from source: Int, to destination: Int, at time: Double) -> Bool {
        guard loss > 0 else { return false }
        return Self.unit(draw(source, destination, time, salt: 0x6C6F_7373)) < loss
    }

    private func draw(_ source: Int, _ destination: Int, _ time: Double, salt: UInt64) -> UInt64 {
        let ends = UInt64(truncatingIfNeeded: source) << 32 ^ UInt64(truncatingIfNeeded: destination)
        return SimulationRandom.mix(seed ^ salt ^ SimulationRandom.mix(ends ^ SimulationRandom.mix(time.bitPattern)))
    }

    /// A number in [0, 1) from 64 random bits.
    static func unit(_ bits: UInt64) -> Double { Double(bits >> 11) / Double(1 << 53) }
}

/// How long a datagram is in flight.
public enum LatencyModel: Sendable {
    /// Always this many seconds.
    case fixed(Double)
    /// Uniformly distributed over the range, in seconds.
    case uniform(ClosedRange<Double>)
    /// Any distribution, as its quantile function: seconds for a uniform draw in [0, 1).
    case quantile(@Sendable (Double) -> Double)

    /// The delay for the uniform draw `unit`.
    public func seconds(at unit: Double) -> Double {
        switch self {
        case .fixed(let seconds): seconds
        case .uniform(let range): range.lowerBound + (range.upperBound - range.lowerBound) * unit
        case .quantile(let quantile): max(quantile(unit), 0)
        }
    }
}

/// SplitMix64 with an explicit seed (no environment override): the simulator's generator, one
/// per node and one for the simulation, so that each draws its own repeatable sequence.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator whose sequence `seed` fixes.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.finalize(state)
    }

    /// 64 well-mixed bits from any 64 bits (one SplitMix64 step from `value`): a hash.
    public static func mix(_ value: UInt64) -> UInt64 { finalize(value &+ increment) }

    private static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0), by our own arithmetic so that a seed means the same
    /// draws with every toolchain.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
