/// RFC 4648 base32 with the lowercase alphabet and no padding, as used by peer IDs.
///
/// Lowercase because IDs are read aloud and pasted into shells; no padding because every peer ID
/// is a whole number of 5-byte groups, so padding would only be noise.
public enum Base32 {
    /// The 32 characters of the alphabet, in value order.
    public static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    private static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(value) }
        return table
    }()

    /// Encodes bytes as unpadded lowercase base32.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of one alphabet character, or nil when the byte is not in the alphabet.
    public static func value(of byte: UInt8) -> UInt8? {
        let value = decodeTable[Int(byte)]
        return value < 0 ? nil : UInt8(value)
    }

    /// Decodes unpadded lowercase base32; nil when a character is outside the alphabet.
    ///
    /// Trailing bits that do not fill a byte are dropped, as RFC 4648 prescribes.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            guard let value = value(of: byte) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }
}
