/// Splits a byte stream into Noise frames: each message preceded by its length as two
/// big-endian bytes (Noise specification, section 13), so at most 65,535 bytes.
///
/// A pure parser (STYLE.md rule 4): the transport's NIO handler feeds it what arrives and sends
/// on the frames it returns. It never holds more than one frame and its two-byte header, and a
/// frame over `maximumLength` is refused as soon as its header is read, before its bytes arrive.
public struct NoiseFrameParser: Sendable {
    /// Why the stream cannot be read as frames.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// A frame announced more bytes than allowed.
        case frameTooLong(announced: Int, maximum: Int)
        /// A frame announced no bytes, which no Noise message can be.
        case emptyFrame

        /// One line that explains the problem.
        public var description: String {
            switch self {
            case .frameTooLong(let announced, let maximum): return "a frame of \(announced) bytes is over \(maximum)"
            case .emptyFrame: return "an empty frame"
            }
        }
    }

    /// The largest frame accepted (at most Noise's 65,535; smaller during a handshake).
    public var maximumLength: Int
    private var buffer: [UInt8] = []
    private var start = 0

    /// A parser of frames up to `maximumLength` bytes.
    public init(maximumLength: Int = Noise.maximumMessageLength) {
        self.maximumLength = min(maximumLength, Noise.maximumMessageLength)
    }

    /// Bytes received and not yet returned in a frame.
    public var bufferedCount: Int { buffer.count - start }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or nil until more bytes arrive; throws on a frame that can never be
    /// valid (the connection must then be closed: the stream has lost its framing).
    public mutating func nextFrame() throws(Failure) -> [UInt8]? {
        guard bufferedCount >= 2 else { return nil }
        let length = Int(buffer[start]) << 8 | Int(buffer[start + 1])
        guard length > 0 else { throw .emptyFrame }
        guard length <= maximumLength else { throw .frameTooLong(announced: length, maximum: maximumLength) }
        guard bufferedCount >= 2 + length else { return nil }
        let frame = Array(buffer[(start + 2)..<(start + 2 + length)])
        start += 2 + length
        if start > 4_096, start * 2 > buffer.count {  // drop what was read, now and then
            buffer.removeFirst(start)
            start = 0
        }
        return frame
    }

    /// A message with its length in front, ready to send.
    public static func frame(_ message: [UInt8]) throws(Failure) -> [UInt8] {
        guard !message.isEmpty else { throw .emptyFrame }
        guard message.count <= Noise.maximumMessageLength else {
            throw .frameTooLong(announced: message.count, maximum: Noise.maximumMessageLength)
        }
        return [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }
}
