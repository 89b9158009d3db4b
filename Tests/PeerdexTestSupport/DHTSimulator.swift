import PeerdexCore

/// Thousands of `DHTEngine`s in one process on a virtual network and a virtual clock: the DHT's
/// proving ground (issue 10, "The simulator").
///
/// Every node is the very engine PeerdexNet runs: the simulator hands it datagrams with
/// `receive`, operations with `start`/`publish` and the passing of time with `tick` at its
/// `nextDeadline`, and carries out the actions it returns over a `VirtualNetwork` (seeded delay
/// and loss; a datagram to a dead node vanishes). One priority queue of events (deliveries and
/// ticks) drives everything, so a run takes as long as its work, not as its virtual time.
///
/// Deterministic: the same seed and the same calls give the same results, datagram for datagram.
///
/// ```swift
/// let simulator = DHTSimulator(seed: 7)
/// simulator.addNodes(1_000)
/// simulator.convergeTables()
/// let result = try simulator.run(.findNode(target), from: 0)
/// ```
public final class DHTSimulator {
    /// A node: its index in the order of `addNodes`, never reused (a dead node stays dead).
    public typealias Node = Int

    /// Why a simulated operation could not be carried out.
    public enum SimulationError: Error, Equatable {
        /// The node is dead, or was never added.
        case notAlive(Node)
        /// Operations still unfinished after `maximumOperationTime` of virtual time: an engine
        /// that never reports an operation.
        case stalled(unfinished: Int, at: Double)
    }

    /// What the network carried.
    public struct Counters: Sendable, Equatable {
        /// Datagrams the engines sent, every kind counted.
        public var datagramsSent = 0
        /// Datagrams handed to a live engine.
        public var datagramsDelivered = 0
        /// Datagrams lost to the network's loss rate.
        public var datagramsLost = 0
        /// Datagrams that reached a dead node (at sending or on arrival).
        public var datagramsToDeadNodes = 0
        /// Datagrams to an endpoint where no node was ever added.
        public var datagramsUnroutable = 0
        /// Datagrams a node sent to its own endpoint.
        public var datagramsToSelf = 0
        /// Calls of `tick`.
        public var ticks = 0
        /// Times an engine's `nextDeadline` was still due right after its `tick` (an engine bug;
        /// the simulator then waits a millisecond rather than spin).
        public var deadlinesStillDue = 0

        /// All zero.
        public init() {}
    }

    /// An event on the agenda.
    enum Event {
        /// A datagram arrives at `to`.
        case deliver([UInt8], from: Int32, to: Int32)
        /// The node's `nextDeadline` is due.
        case tick(Int32)
    }

    /// Identifies an operation the simulator awaits.
    struct OperationKey: Hashable {
        let node: Node
        let id: UInt64
    }

    /// The seed everything is drawn from.
    public let seed: UInt64
    /// The settings of every node.
    public let configuration: DHTEngineConfiguration
    /// Delay and loss.
    public let network: VirtualNetwork
    /// The virtual clock, in seconds (it starts at 1,000 so that no time is zero or negative).
    public private(set) var now: Double = 1_000
    /// What the network carried so far.
    public private(set) var counters = Counters()
    /// Virtual seconds an awaited operation may take before `run` gives up with `.stalled`.
    public var maximumOperationTime = 600.0
    /// Called for every operation that finishes, awaited or not (republishing, bucket refresh),
    /// with the node it ran on.
    public var onFinished: ((Node, DHTOperationID, DHTOperationResult) -> Void)?

    var random: SimulationRandom
    /// Each node's engine; nil once it is dead.
    var engines: [DHTEngine?] = []
    /// Each node's ID and endpoint, dead or alive.
    public private(set) var infos: [DHTNodeInfo] = []
    private var tickRandoms: [SimulationRandom] = []
    /// The time of each node's pending tick event (infinity when none is pending).
    private var scheduledTicks: [Double] = []
    private var events = EventQueue<Event>()
    private var awaiting: Set<OperationKey> = []
    private var results: [OperationKey: DHTOperationResult] = [:]

    /// An empty network whose nodes all use `configuration`; datagrams take `latency` and are
    /// lost with probability `loss`.
    public init(
        seed: UInt64, configuration: DHTEngineConfiguration = DHTEngineConfiguration(),
        latency: LatencyModel = .uniform(0.010...0.100), loss: Double = 0
    ) {
        self.seed = seed
        self.configuration = configuration
        network = VirtualNetwork(seed: SimulationRandom.mix(seed), latency: latency, loss: loss)
        random = SimulationRandom(seed: seed)
    }

    // MARK: - Nodes

    /// Adds `count` nodes with random IDs and empty routing tables; returns them.
    @discardableResult
    public func addNodes(_ count: Int) -> [Node] {
        precondition(infos.count + count <= VirtualNetwork.capacity, "the virtual network is full")
        var added = [Node]()
        added.reserveCapacity(count)
        for _ in 0..<count {
            let node = infos.count
            let id = NodeID(random: &random)
            let secret = (0..<2).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } }
            infos.append(DHTNodeInfo(id: id, endpoint: VirtualNetwork.endpoint(of: node)))
            engines.append(DHTEngine(localID: id, configuration: configuration, tokenSecret: secret, now: now))
            tickRandoms.append(SimulationRandom(seed: random.next()))
            scheduledTicks.append(.infinity)
            scheduleTick(node)
            added.append(node)
        }
        return added
    }

    /// Kills `node` silently: it answers nothing from now on, and nobody is told.
    public func kill(_ node: Node) {
        guard engines.indices.contains(node) else { return }
        engines[node] = nil
        scheduledTicks[node] = .infinity
    }

    /// Kills a random `fraction` of the live nodes (rounded), none of `sparing`; returns them.
    @discardableResult
    public func kill(fraction: Double, sparing: Set<Node> = []) -> [Node] {
        kill(count: Int((fraction * Double(liveNodes.count)).rounded()), sparing: sparing)
    }

    /// Kills `count` random live nodes (fewer if fewer are left), none of `sparing`; returns them.
    @discardableResult
    public func kill(count: Int, sparing: Set<Node> = []) -> [Node] {
        var candidates = liveNodes.filter { !sparing.contains($0) }
        let count = min(max(count, 0), candidates.count)
        var killed = [Node]()
        for index in 0..<count {
            candidates.swapAt(index, index + random.below(candidates.count - index))
            killed.append(candidates[index])
        }
        for node in killed { kill(node) }
        return killed.sorted()
    }

    /// Whether `node` was added and has not been killed.
    public func isAlive(_ node: Node) -> Bool { engines.indices.contains(node) && engines[node] != nil }

    /// Every live node, in order.
    public var liveNodes: [Node] { engines.indices.filter { engines[$0] != nil } }

    /// A copy of a live node's engine, to inspect its routing table, items or statistics.
    public func engine(_ node: Node) -> DHTEngine? { engines.indices.contains(node) ? engines[node] : nil }

    /// A live node chosen at random (by the simulation's seed), none of `excluding`.
    public func randomLiveNode(excluding: Set<Node> = []) -> Node? {
        // Draws among all nodes first, cheap while most are alive; lists the candidates if unlucky.
        for _ in 0..<32 where !infos.isEmpty {
            let node = random.below(infos.count)
            if engines[node] != nil && !excluding.contains(node) { return node }
        }
        let candidates = liveNodes.filter { !excluding.contains($0) }
        return candidates.isEmpty ? nil : candidates[random.below(candidates.count)]
    }

    /// A random ID drawn from the simulation's seed (a lookup target).
    public func randomID() -> NodeID { NodeID(random: &random) }

    // MARK: - Operations

    /// Starts `operation` on `node` and runs the network until it finishes.
    public func run(_ operation: DHTOperation, from node: Node) throws(SimulationError) -> DHTOperationResult {
        try runAll([(operation, node)])[0]
    }

    /// Starts every operation at once, each on its node, and runs the network until all have
    /// finished; returns their results in the same order.
    public func runAll(_ operations: [(DHTOperation, Node)]) throws(SimulationError) -> [DHTOperationResult] {
        try startAndWait(operations.map { operation, node in (node, { $0.start(operation, now: $1) }) })
    }

    /// Publishes `item` from `node` (a put now, and a republish every `republishInterval` while
    /// the node lives) and runs the network until the first put finishes.
    public func publish(_ item: MutableItem, from node: Node) throws(SimulationError) -> DHTOperationResult {
        try startAndWait([(node, { $0.publish(item, now: $1) })])[0]
    }

    /// Publishes every item at once, each from its node, and runs the network until every first
    /// put has finished; returns their results in the same order.
    public func publishAll(_ items: [(MutableItem, Node)]) throws(SimulationError) -> [DHTOperationResult] {
        try startAndWait(items.map { item, node in (node, { $0.publish(item, now: $1) }) })
    }

    /// Runs the network until the virtual clock reads `time`.
    public func runUntil(_ time: Double) {
        while let next = events.nextTime, next <= time { step() }
        now = max(now, time)
    }

    /// Runs the network for `seconds` of virtual time.
    public func advance(by seconds: Double) { runUntil(now + seconds) }

    // MARK: - The event loop

    /// Starts operations (each with `start` on its node's engine) and runs until all have finished.
    private func startAndWait(
        _ starts: [(Node, (inout DHTEngine, Double) -> (DHTOperationID, [DHTAction]))]
    ) throws(SimulationError) -> [DHTOperationResult] {
        var keys = [OperationKey]()
        keys.reserveCapacity(starts.count)
        for (node, start) in starts {
            guard isAlive(node) else {
                for key in keys { awaiting.remove(key) }
                throw .notAlive(node)
            }
            let (id, actions) = start(&engines[node]!, now)
            let key = OperationKey(node: node, id: id.rawValue)
            awaiting.insert(key)
            keys.append(key)
            carryOut(actions, from: node)
        }
        let deadline = now + maximumOperationTime
        while !awaiting.isEmpty {
            guard let next = events.nextTime, next <= deadline else {
                let unfinished = awaiting.count
                awaiting.removeAll()
                results.removeAll()
                throw .stalled(unfinished: unfinished, at: now)
            }
            step()
        }
        return keys.map { results.removeValue(forKey: $0)! }
    }

    /// Handles the earliest event.
    private func step() {
        guard let (time, event) = events.pop() else { return }
        now = max(now, time)
        switch event {
        case .deliver(let datagram, let source, let destination):
            let node = Int(destination)
            guard engines[node] != nil else {
                counters.datagramsToDeadNodes += 1
                return
            }
            counters.datagramsDelivered += 1
            let actions = engines[node]!.receive(datagram, from: infos[Int(source)].endpoint, now: now)
            carryOut(actions, from: node)
        case .tick(let index):
            let node = Int(index)
            guard engines[node] != nil, scheduledTicks[node] == time else { return }  // dead, or superseded
            scheduledTicks[node] = .infinity
            guard engines[node]!.nextDeadline <= now else {
                scheduleTick(node)  // the deadline moved later (a query was answered): no call needed
                return
            }
            counters.ticks += 1
            let actions = engines[node]!.tick(now: now, random: &tickRandoms[node])
            var notBefore = now
            if engines[node]!.nextDeadline <= now {
                counters.deadlinesStillDue += 1
                notBefore = now + 0.001  // calling again at once would spin the loop
            }
            carryOut(actions, from: node, nextTickNotBefore: notBefore)
        }
    }

    /// Performs a node's actions, then makes sure its next deadline is on the agenda.
    private func carryOut(_ actions: [DHTAction], from node: Node, nextTickNotBefore: Double? = nil) {
        for action in actions {
            switch action {
            case .send(let datagram, let endpoint):
                send(datagram, from: node, to: endpoint)
            case .finished(let id, let result):
                let key = OperationKey(node: node, id: id.rawValue)
                if awaiting.remove(key) != nil { results[key] = result }
                onFinished?(node, id, result)
            }
        }
        scheduleTick(node, notBefore: nextTickNotBefore ?? now)
    }

    private func send(_ datagram: [UInt8], from source: Node, to endpoint: DHTEndpoint) {
        counters.datagramsSent += 1
        guard let destination = VirtualNetwork.node(at: endpoint), destination < infos.count else {
            counters.datagramsUnroutable += 1
            return
        }
        if destination == source { counters.datagramsToSelf += 1 }
        guard engines[destination] != nil else {
            counters.datagramsToDeadNodes += 1
            return
        }
        if network.drops(from: source, to: destination, at: now) {
            counters.datagramsLost += 1
            return
        }
        let arrival = now + network.delay(from: source, to: destination, at: now)
        events.push(.deliver(datagram, from: Int32(source), to: Int32(destination)), at: arrival)
    }

    /// Puts the node's `nextDeadline` (or `notBefore`, if later) on the agenda unless an earlier
    /// tick is already there.
    private func scheduleTick(_ node: Node, notBefore: Double? = nil) {
        guard let engine = engines[node] else { return }
        let time = max(engine.nextDeadline, notBefore ?? now)
        guard time < scheduledTicks[node] else { return }
        scheduledTicks[node] = time
        events.push(.tick(Int32(node)), at: time)
    }
}
