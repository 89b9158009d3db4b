/// A priority queue of timed events (a binary min-heap): the agenda of a discrete-event
/// simulation.
///
/// Events come out earliest first; events at the same time come out in the order they went in,
/// so that a simulation driven by it is a pure function of its inputs.
public struct EventQueue<Payload> {
    private struct Entry {
        let time: Double
        let sequence: UInt64
        let payload: Payload

        /// Whether this entry comes out before `other`.
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    /// An empty queue.
    public init() {}

    /// How many events are waiting.
    public var count: Int { heap.count }

    /// Whether no event is waiting.
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    public var nextTime: Double? { heap.first?.time }

    // MARK: - Adding and taking

    /// Adds `payload`, due at `time`.
    public mutating func push(_ payload: Payload, at time: Double) {
        heap.append(Entry(time: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
        siftUp(from: heap.count - 1)
    }

    /// Removes and returns the earliest event, or nil when the queue is empty.
    public mutating func pop() -> (time: Double, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let entry = heap.removeLast()
        if !heap.isEmpty { siftDown(from: 0) }
        return (entry.time, entry.payload)
    }

    // MARK: - Heap order

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            let earlier = right < count && heap[right].precedes(heap[left]) ? right : left
            guard heap[earlier].precedes(heap[parent]) else { return }
            heap.swapAt(earlier, parent)
            parent = earlier
        }
    }
}
