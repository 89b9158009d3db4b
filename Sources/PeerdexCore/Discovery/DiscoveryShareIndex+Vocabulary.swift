extension DiscoveryShareIndex {
    /// Distinct folded strings sorted by their UTF-8 bytes, each with the entries holding it,
    /// stored flat so that reading one retains nothing (the index is read from several threads).
    ///
    /// Folded text is in NFC, where strings equal or starting with one another as the ranker
    /// compares them (by canonical equivalence) also do byte for byte: the byte ranges found
    /// here hold every string the ranker would accept, and the ranker still decides each one.
    struct Vocabulary: Sendable {
        /// The strings, by bytes.
        let strings: [String]
        /// Whether each is ASCII without carriage returns (`isPlainASCII`).
        let isPlain: [Bool]
        private let byteStorage: [UInt8]
        private let byteStarts: [Int]
        private let postingStorage: [Int32]
        private let postingStarts: [Int]
        /// The strings holding each 3-byte window, as ranges of `trigramStorage`; empty unless asked for.
        private let trigrams: [UInt32: Range<Int>]
        private let trigramStorage: [Int32]

        init(_ postingsByString: [String: [Int32]], trigrams indexTrigrams: Bool) {
            let sorted = postingsByString.map { (bytes: Array($0.key.utf8), string: $0.key, postings: $0.value) }
                .sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            strings = sorted.map(\.string)
            isPlain = sorted.map { DiscoveryShareIndex.isPlainASCII($0.bytes) }
            byteStorage = sorted.flatMap(\.bytes)
            byteStarts = sorted.reduce(into: [0]) { $0.append($0.last! + $1.bytes.count) }
            postingStorage = sorted.flatMap(\.postings)
            postingStarts = sorted.reduce(into: [0]) { $0.append($0.last! + $1.postings.count) }
            var lists = [UInt32: [Int32]]()
            if indexTrigrams {
                for (index, item) in sorted.enumerated() where item.bytes.count >= 3 {
                    var keys = Set<UInt32>()
                    for start in 0...(item.bytes.count - 3) {
                        keys.insert(DiscoveryShareIndex.key(item.bytes[start..<(start + 3)]))
                    }
                    for key in keys { lists[key, default: []].append(Int32(index)) }
                }
            }
            (trigrams, trigramStorage) = DiscoveryShareIndex.flattened(lists)
        }

        /// The flat storage seen through pointers, valid inside `withView`.
        struct View {
            /// Whether each string is ASCII without carriage returns.
            let isPlain: UnsafeBufferPointer<Bool>
            let byteStorage: UnsafeBufferPointer<UInt8>
            let byteStarts: UnsafeBufferPointer<Int>
            let postingStorage: UnsafeBufferPointer<Int32>
            let postingStarts: UnsafeBufferPointer<Int>

            /// The bytes of string `index`.
            func bytes(of index: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: byteStorage[byteStarts[index]..<byteStarts[index + 1]])
            }

            /// The entries holding string `index`, ascending.
            func postings(of index: Int) -> UnsafeBufferPointer<Int32> {
                UnsafeBufferPointer(rebasing: postingStorage[postingStarts[index]..<postingStarts[index + 1]])
            }

            /// The strings whose bytes start with `prefix`: a run, as they are sorted by bytes.
            func withPrefix(_ prefix: [UInt8]) -> Range<Int> {
                let count = byteStarts.count - 1
                var low = 0
                var high = count
                while low < high {
                    let middle = (low + high) / 2
                    if bytes(of: middle).lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
                }
                var end = low
                while end < count, bytes(of: end).starts(with: prefix) { end += 1 }
                return low..<end
            }
        }

        /// Calls `body` with a view of the storage.
        func withView<T>(_ body: (View) -> T) -> T {
            isPlain.withUnsafeBufferPointer { isPlain in
                byteStorage.withUnsafeBufferPointer { byteStorage in
                    byteStarts.withUnsafeBufferPointer { byteStarts in
                        postingStorage.withUnsafeBufferPointer { postingStorage in
                            postingStarts.withUnsafeBufferPointer { postingStarts in
                                body(
                                    View(
                                        isPlain: isPlain, byteStorage: byteStorage, byteStarts: byteStarts,
                                        postingStorage: postingStorage, postingStarts: postingStarts))
                            }
                        }
                    }
                }
            }
        }

        /// Calls `body` for each string holding every one of the three rarest 3-byte windows of
        /// `bytes` (at least 3 bytes long): all that may hold `bytes`, and a few more.
        func forEachHoldingTrigrams(of bytes: [UInt8], _ body: (Int) -> Void) {
            var lists = [Range<Int>]()
            for start in 0...(bytes.count - 3) {
                guard let list = trigrams[DiscoveryShareIndex.key(bytes[start..<(start + 3)])] else { return }
                lists.append(list)
            }
            lists.sort { $0.count < $1.count }
            let others = lists.dropFirst().prefix(2)
            trigramStorage.withUnsafeBufferPointer { storage in
                for index in storage[lists[0]] {
                    let inAll = others.allSatisfy {
                        DiscoveryShareIndex.contains(UnsafeBufferPointer(rebasing: storage[$0]), index)
                    }
                    if inAll { body(Int(index)) }
                }
            }
        }
    }
}
