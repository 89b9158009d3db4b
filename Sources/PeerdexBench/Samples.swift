/// A set of measurements and their percentiles.
struct Samples {
    /// The measurements, in the order taken.
    private(set) var values: [Double] = []

    /// An empty set.
    init() {}

    /// Adds one measurement.
    mutating func append(_ value: Double) { values.append(value) }

    /// How many measurements there are.
    var count: Int { values.count }

    /// The nearest-rank percentile (`percentile(50)` is the median); 0 when empty.
    ///
    /// Nearest rank rather than interpolation: p99 of 1,000 samples is the 990th smallest, a value
    /// that was actually measured.
    func percentile(_ percent: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The median.
    var median: Double { percentile(50) }

    /// The largest measurement.
    var maximum: Double { values.max() ?? 0 }

    /// The arithmetic mean.
    var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
