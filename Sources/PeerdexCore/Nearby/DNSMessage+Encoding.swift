// MARK: - Encoding

extension DNSMessage {
    /// The message on the wire with names compressed (RFC 1035 §4.1.4, and in the data of PTR,
    /// SRV and NSEC records as RFC 6762 §18.14 asks), or an error when it would break `limits`,
    /// which are the decoder's: whatever we send, a peer with our limits accepts.
    ///
    /// A `.text` record with no strings goes out as one empty string, since RFC 6763 §6.1 does
    /// not allow TXT data of zero bytes.
    public func encoded(limits: DNSMessageLimits = .default) throws(DNSMessageError) -> [UInt8] {
        let counts = [
            (DNSSection.question, questions.count), (.answer, answers.count), (.authority, authorities.count),
            (.additional, additionals.count),
        ]
        for (section, count) in counts where count > limits.maximumEntriesPerSection {
            throw .tooManyEntries(section, count: count)
        }
        let total = counts.reduce(0) { $0 + $1.1 }
        guard total <= limits.maximumEntries else { throw .tooManyEntriesInAll(total) }

        var writer = DNSMessageWriter(limits: limits)
        writer.append16(id)
        writer.append16(flags.rawValue)
        for (_, count) in counts { writer.append16(UInt16(count)) }
        for question in questions {
            try writer.appendName(question.name)
            writer.append16(question.type.rawValue)
            writer.append16(question.recordClass | (question.unicastResponse ? 0x8000 : 0))
            try writer.checkLength()
        }
        for record in answers + authorities + additionals {
            try writer.appendRecord(record)
        }
        return writer.bytes
    }
}

/// Builds one message, remembering where each name suffix was written so later names can point
/// at it.
struct DNSMessageWriter {
    private(set) var bytes: [UInt8] = []
    private let limits: DNSMessageLimits
    /// Where each suffix (exact bytes, so compression never changes a name's case) starts, and
    /// how many pointers a reader follows from there, so no name exceeds the reader's limit.
    private var suffixes: [[[UInt8]]: (offset: Int, pointers: Int)] = [:]

    /// Compression pointers hold 14 bits of offset.
    private static let maximumPointerTarget = 0x3FFF

    init(limits: DNSMessageLimits) {
        self.limits = limits
        bytes.reserveCapacity(512)
    }

    mutating func append16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func append32(_ value: UInt32) {
        append16(UInt16(value >> 16))
        append16(UInt16(value & 0xFFFF))
    }

    /// Fails once the message is over the limit; called after every variable-length part, so
    /// the buffer never grows much past it.
    func checkLength(adding extra: Int = 0) throws(DNSMessageError) {
        guard bytes.count + extra <= limits.maximumLength else { throw .messageTooLong(bytes.count + extra) }
    }

    mutating func appendName(_ name: DNSName) throws(DNSMessageError) {
        let labels = name.labels
        var written = [(suffix: [[UInt8]], offset: Int)]()
        var pointers = 0
        var index = 0
        while index < labels.count {
            let suffix = Array(labels[index...])
            if let earlier = suffixes[suffix], earlier.pointers < limits.maximumPointersPerName {
                append16(0xC000 | UInt16(earlier.offset))
                pointers = earlier.pointers + 1
                break
            }
            if bytes.count <= Self.maximumPointerTarget { written.append((suffix, bytes.count)) }
            bytes.append(UInt8(labels[index].count))
            bytes += labels[index]
            index += 1
        }
        if index == labels.count { bytes.append(0) }
        for (suffix, offset) in written where suffixes[suffix] == nil {
            suffixes[suffix] = (offset, pointers)
        }
        try checkLength()
    }

    mutating func appendRecord(_ record: DNSResourceRecord) throws(DNSMessageError) {
        try appendName(record.name)
        append16(record.type.rawValue)
        append16(record.recordClass | (record.cacheFlush ? 0x8000 : 0))
        append32(record.ttl)
        let lengthOffset = bytes.count
        append16(0)
        try appendData(record.data)
        let length = bytes.count - lengthOffset - 2
        try checkLength()
        bytes[lengthOffset] = UInt8(length >> 8)
        bytes[lengthOffset + 1] = UInt8(length & 0xFF)
    }

    private mutating func appendData(_ data: DNSRecordData) throws(DNSMessageError) {
        switch data {
        case .address(let address):
            bytes += address.bytes
        case .pointer(let name):
            try appendName(name)
        case .service(let service):
            append16(service.priority)
            append16(service.weight)
            append16(service.port)
            try appendName(service.target)
        case .text(let strings):
            for string in strings.isEmpty ? [[]] : strings {
                guard string.count <= 255 else { throw .textStringTooLong(string.count) }
                try checkLength(adding: 1 + string.count)
                bytes.append(UInt8(string.count))
                bytes += string
            }
        case .nextSecure(let next, let types):
            try appendName(next)
            appendTypeBitmap(types)
        case .unknown(_, let raw):
            try checkLength(adding: raw.count)
            bytes += raw
        }
    }

    /// RFC 4034 §4.1.2: per window of 256 types, its number, its bitmap's length, and the bitmap
    /// with trailing zero bytes left out.
    private mutating func appendTypeBitmap(_ types: Set<DNSRecordType>) {
        let windows = Dictionary(grouping: types.map(\.rawValue)) { UInt8($0 >> 8) }
        for window in windows.keys.sorted() {
            let lows = windows[window, default: []].map { Int($0 & 0xFF) }
            guard let highest = lows.max() else { continue }
            var bitmap = [UInt8](repeating: 0, count: highest / 8 + 1)
            for low in lows { bitmap[low / 8] |= 0x80 >> (low % 8) }
            bytes.append(window)
            bytes.append(UInt8(bitmap.count))
            bytes += bitmap
        }
    }
}
