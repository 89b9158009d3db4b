/// Why bytes are not a DNS message we accept, or a message cannot be encoded. Offsets count
/// from the start of the message.
public enum DNSMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message is over `DNSMessageLimits.maximumLength`; carries its length.
    case messageTooLong(Int)
    /// Fewer than 12 bytes; carries the length.
    case truncatedHeader(length: Int)
    /// A section holds more entries than the limit; carries the section and the count.
    case tooManyEntries(DNSSection, count: Int)
    /// The four sections together hold more entries than the limit; carries the total.
    case tooManyEntriesInAll(Int)
    /// A name runs past the end of the message (or of its record data).
    case truncatedName(offset: Int)
    /// A name breaks the rules of `DNSName`: a length byte over 63 (0x40–0xBF are not pointers
    /// either), or over 255 bytes in all. Carries where the name, or the label, starts.
    case invalidName(DNSNameError, offset: Int)
    /// A compression pointer at `offset` to `target`, which is not before it (or is inside the
    /// header): a pointer must point strictly backward into the sections.
    case forwardPointer(offset: Int, target: Int)
    /// A compression pointer at `offset` back into the name it is part of, which would loop.
    case pointerLoop(offset: Int, target: Int)
    /// A name follows more compression pointers than the limit; carries where the name starts.
    case tooManyPointers(offset: Int)
    /// The fixed fields of a question or record (type, class, TTL, data length) run past the end.
    case truncatedFields(offset: Int)
    /// Record data declared longer than what is left; carries where the data starts and its
    /// declared length.
    case truncatedRecordData(offset: Int, length: Int)
    /// Record data whose length is not what its type needs (an A record not of 4 bytes, an SRV
    /// target that ends before or after the data); carries the type and where the data starts.
    case recordDataMismatch(DNSRecordType, offset: Int)
    /// An NSEC type bitmap with windows out of order or of a length outside 1...32; carries where
    /// it starts.
    case malformedTypeBitmap(offset: Int)
    /// Bytes after the last record the header counts.
    case trailingBytes(offset: Int)
    /// A TXT string over 255 bytes, which cannot be encoded; carries its length.
    case textStringTooLong(Int)

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .messageTooLong(let length): "DNS message of \(length) bytes is over the limit"
        case .truncatedHeader(let length): "DNS message of \(length) bytes is shorter than a header"
        case .tooManyEntries(let section, let count): "DNS \(section) section of \(count) entries is over the limit"
        case .tooManyEntriesInAll(let count): "DNS message of \(count) entries is over the limit"
        case .truncatedName(let offset): "DNS name at offset \(offset) runs past the end"
        case .invalidName(let error, let offset): "\(error) at offset \(offset)"
        case .forwardPointer(let offset, let target):
            "DNS compression pointer at offset \(offset) points forward or into the header (to \(target))"
        case .pointerLoop(let offset, let target):
            "DNS compression pointer at offset \(offset) loops back into its own name (to \(target))"
        case .tooManyPointers(let offset): "DNS name at offset \(offset) follows too many compression pointers"
        case .truncatedFields(let offset): "DNS question or record at offset \(offset) runs past the end"
        case .truncatedRecordData(let offset, let length):
            "DNS record data of \(length) bytes at offset \(offset) runs past the end"
        case .recordDataMismatch(let type, let offset): "DNS \(type) data at offset \(offset) has the wrong length"
        case .malformedTypeBitmap(let offset): "DNS NSEC type bitmap at offset \(offset) is malformed"
        case .trailingBytes(let offset): "DNS message has bytes after its last record, at offset \(offset)"
        case .textStringTooLong(let length): "DNS TXT string of \(length) bytes is over 255"
        }
    }
}
