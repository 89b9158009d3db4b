// MARK: - Decoding

extension DNSMessage {
    /// Reads one message from a datagram of anyone: strictly (nothing may run past the end, no
    /// bytes may follow the last record, record data must be exactly what its type needs) and
    /// within `limits` (length, entries, compression pointers that only point backward), so a
    /// hostile packet costs bounded work and ends in a `DNSMessageError`, never a trap.
    public init(decoding bytes: some Collection<UInt8>, limits: DNSMessageLimits = .default) throws(DNSMessageError) {
        guard bytes.count <= limits.maximumLength else { throw .messageTooLong(bytes.count) }
        var reader = DNSMessageReader(input: Array(bytes), limits: limits)
        self = try reader.message()
    }
}

/// Reads one message front to back; `offset` is the next byte of the sections.
struct DNSMessageReader {
    private let input: [UInt8]
    private let limits: DNSMessageLimits
    private var offset = 0

    init(input: [UInt8], limits: DNSMessageLimits) {
        self.input = input
        self.limits = limits
    }

    mutating func message() throws(DNSMessageError) -> DNSMessage {
        guard input.count >= DNSMessage.headerLength else { throw .truncatedHeader(length: input.count) }
        var message = DNSMessage(id: read16(at: 0), flags: DNSFlags(rawValue: read16(at: 2)))
        let sections: [DNSSection] = [.question, .answer, .authority, .additional]
        let counts = sections.indices.map { Int(read16(at: 4 + 2 * $0)) }
        for (section, count) in zip(sections, counts) where count > limits.maximumEntriesPerSection {
            throw .tooManyEntries(section, count: count)
        }
        let total = counts.reduce(0, +)
        guard total <= limits.maximumEntries else { throw .tooManyEntriesInAll(total) }
        offset = DNSMessage.headerLength

        for _ in 0..<counts[0] { message.questions.append(try question()) }
        for _ in 0..<counts[1] { message.answers.append(try record()) }
        for _ in 0..<counts[2] { message.authorities.append(try record()) }
        for _ in 0..<counts[3] { message.additionals.append(try record()) }
        guard offset == input.count else { throw .trailingBytes(offset: offset) }
        return message
    }

    // MARK: - Entries

    private mutating func question() throws(DNSMessageError) -> DNSQuestion {
        let (name, fields) = try name(at: offset, end: input.count)
        guard fields + 4 <= input.count else { throw .truncatedFields(offset: fields) }
        let type = DNSRecordType(rawValue: read16(at: fields))
        let classField = read16(at: fields + 2)
        offset = fields + 4
        return DNSQuestion(name: name, type: type, recordClass: classField, unicastResponse: classField & 0x8000 != 0)
    }

    private mutating func record() throws(DNSMessageError) -> DNSResourceRecord {
        let (name, fields) = try name(at: offset, end: input.count)
        guard fields + 10 <= input.count else { throw .truncatedFields(offset: fields) }
        let type = DNSRecordType(rawValue: read16(at: fields))
        let classField = read16(at: fields + 2)
        let ttl = UInt32(read16(at: fields + 4)) << 16 | UInt32(read16(at: fields + 6))
        let length = Int(read16(at: fields + 8))
        let start = fields + 10
        guard start + length <= input.count else { throw .truncatedRecordData(offset: start, length: length) }
        let data = try data(of: type, in: start..<start + length)
        offset = start + length
        return DNSResourceRecord(
            name: name, ttl: ttl, data: data, recordClass: classField, cacheFlush: classField & 0x8000 != 0
        )
    }

    // MARK: - Record data

    private func data(of type: DNSRecordType, in range: Range<Int>) throws(DNSMessageError) -> DNSRecordData {
        let mismatch = DNSMessageError.recordDataMismatch(type, offset: range.lowerBound)
        switch type {
        case .a, .aaaa:
            guard range.count == (type == .a ? 4 : 16), let address = IPAddress(bytes: input[range]) else {
                throw mismatch
            }
            return .address(address)
        case .ptr:
            let (target, end) = try name(inDataOf: type, at: range.lowerBound, end: range.upperBound)
            guard end == range.upperBound else { throw mismatch }
            return .pointer(target)
        case .srv:
            guard range.count >= 7 else { throw mismatch }
            let start = range.lowerBound
            let (target, end) = try name(inDataOf: type, at: start + 6, end: range.upperBound)
            guard end == range.upperBound else { throw mismatch }
            return .service(
                DNSServiceData(
                    priority: read16(at: start), weight: read16(at: start + 2), port: read16(at: start + 4),
                    target: target
                )
            )
        case .txt:
            var strings = [[UInt8]]()
            var position = range.lowerBound
            while position < range.upperBound {
                let end = position + 1 + Int(input[position])
                guard end <= range.upperBound else { throw mismatch }
                strings.append(Array(input[position + 1..<end]))
                position = end
            }
            return .text(strings)
        case .nsec:
            let (next, bitmapStart) = try name(inDataOf: type, at: range.lowerBound, end: range.upperBound)
            return .nextSecure(next: next, types: try typeBitmap(in: bitmapStart..<range.upperBound))
        default:
            return .unknown(type, Array(input[range]))
        }
    }

    /// RFC 4034 §4.1.2: windows in increasing order, each with a bitmap of 1 to 32 bytes.
    private func typeBitmap(in range: Range<Int>) throws(DNSMessageError) -> Set<DNSRecordType> {
        var types = Set<DNSRecordType>()
        var position = range.lowerBound
        var previousWindow = -1
        while position < range.upperBound {
            guard position + 2 <= range.upperBound else { throw .malformedTypeBitmap(offset: range.lowerBound) }
            let window = Int(input[position])
            let length = Int(input[position + 1])
            guard window > previousWindow, (1...32).contains(length), position + 2 + length <= range.upperBound else {
                throw .malformedTypeBitmap(offset: range.lowerBound)
            }
            for index in 0..<length {
                let byte = input[position + 2 + index]
                for bit in 0..<8 where byte & (0x80 >> bit) != 0 {
                    types.insert(DNSRecordType(rawValue: UInt16(window << 8 | index * 8 + bit)))
                }
            }
            previousWindow = window
            position += 2 + length
        }
        return types
    }

    // MARK: - Names

    /// A name inside record data: one that runs past the data is the data's fault.
    private func name(inDataOf type: DNSRecordType, at start: Int, end: Int) throws(DNSMessageError) -> (DNSName, Int) {
        do {
            return try name(at: start, end: end)
        } catch {
            if case .truncatedName = error { throw .recordDataMismatch(type, offset: start) }
            throw error
        }
    }

    /// The name starting at `start`, its labels in place not past `end`, and the offset after
    /// it in place (after the first pointer, if any).
    ///
    /// Every pointer must point before the labels it ends (the "segment" read since the last
    /// jump), which makes loops impossible: a pointer into its own segment is a loop, one at or
    /// past itself, or into the header, points forward.
    private func name(at start: Int, end: Int) throws(DNSMessageError) -> (DNSName, Int) {
        var labels = [[UInt8]]()
        var wireLength = 1
        var position = start
        var segmentStart = start
        var bound = end
        var resumeAt: Int?
        var pointers = 0
        while true {
            guard position < bound else { throw .truncatedName(offset: start) }
            let length = Int(input[position])
            switch length & 0xC0 {
            case 0xC0:
                guard position + 1 < bound else { throw .truncatedName(offset: start) }
                let target = (length & 0x3F) << 8 | Int(input[position + 1])
                guard target >= DNSMessage.headerLength, target < position else {
                    throw .forwardPointer(offset: position, target: target)
                }
                guard target < segmentStart else { throw .pointerLoop(offset: position, target: target) }
                pointers += 1
                guard pointers <= limits.maximumPointersPerName else { throw .tooManyPointers(offset: start) }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
                segmentStart = target
                bound = input.count
            case 0x00:
                if length == 0 { return (DNSName(checkedLabels: labels), resumeAt ?? position + 1) }
                guard position + 1 + length <= bound else { throw .truncatedName(offset: start) }
                wireLength += 1 + length
                guard wireLength <= DNSName.maximumWireLength else {
                    throw .invalidName(.nameTooLong(wireLength), offset: start)
                }
                labels.append(Array(input[position + 1..<position + 1 + length]))
                position += 1 + length
            default:
                throw .invalidName(.labelTooLong(length), offset: position)
            }
        }
    }

    private func read16(at position: Int) -> UInt16 {
        UInt16(input[position]) << 8 | UInt16(input[position + 1])
    }
}
