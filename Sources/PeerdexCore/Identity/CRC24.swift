/// The CRC-24 of OpenPGP (RFC 4880 §6.1): the checksum carried at the end of every peer ID.
///
/// A CRC of degree 24 detects every burst error of up to 24 bits. One mistyped base32 character
/// changes at most 5 consecutive bits and a swap of two neighbours at most 10, so both are always
/// caught; a hash truncated to 24 bits would only catch them with high probability.
public enum CRC24 {
    private static let initial: UInt32 = 0xB7_04CE
    private static let polynomial: UInt32 = 0x86_4CFB

    /// The checksum's effect of each byte value, so that a byte costs one lookup, not eight shifts.
    private static let table: [UInt32] = (0..<256).map { value in
        var crc = UInt32(value) << 16
        for _ in 0..<8 {
            crc <<= 1
            if crc & 0x100_0000 != 0 { crc ^= polynomial }
        }
        return crc & 0xFF_FFFF
    }

    /// The 24-bit checksum of `bytes`, in the low 24 bits of the result.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = initial
        for byte in bytes {
            crc = ((crc << 8) & 0xFF_FFFF) ^ table[Int(((crc >> 16) ^ UInt32(byte)) & 0xFF)]
        }
        return crc
    }

    /// The checksum as three big-endian bytes.
    public static func checksumBytes(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let crc = checksum(bytes)
        return [UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }
}
