import CQREncode
import PeerdexCore

#if canImport(Glibc)
import Glibc
#endif

/// Makes QR codes with libqrencode; the only module that links it, so that the pure modules
/// (the TUI among them) only ever see a `QRCode` value.
public enum QREncoder {
    /// How much of a code may be damaged and still read (ISO/IEC 18004 error correction levels).
    public enum Level: Sendable, CaseIterable {
        /// About 7 % recoverable: the smallest code, enough for a screen (nothing scratches it).
        case low
        /// About 15 %.
        case medium
        /// About 25 %.
        case quartile
        /// About 30 %.
        case high

        var libraryLevel: QRecLevel {
            switch self {
            case .low: return QR_ECLEVEL_L
            case .medium: return QR_ECLEVEL_M
            case .quartile: return QR_ECLEVEL_Q
            case .high: return QR_ECLEVEL_H
            }
        }
    }

    /// The level invites use: at `.low` a typical invite (a peer ID and an IPv4 address, even
    /// with a short name) is a version 5 code, 37 modules, which with its quiet zone fits an
    /// 80×24 terminal; `.medium` makes the named one a version 6, two lines too tall.
    public static let inviteLevel = Level.low

    /// The smallest code holding `text` at `level`. Text is split into numeric, alphanumeric
    /// and byte segments as libqrencode finds shortest, case kept; it decodes to `text` exactly.
    public static func encode(_ text: String, level: Level = inviteLevel) throws(QREncodingError) -> QRCode {
        guard !text.isEmpty else { throw .empty }
        guard !text.utf8.contains(0) else { throw .containsNul }
        errno = 0
        guard let code = QRcode_encodeString(text, 0, level.libraryLevel, QR_MODE_8, 1) else {
            let reason = errno
            if reason == ERANGE { throw .tooLong(bytes: text.utf8.count, level: level) }
            throw .failed(reason == 0 ? "unknown error" : String(cString: strerror(reason)))
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Each byte is one module; its lowest bit says dark (the others are libqrencode's own).
        let bytes = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        guard let grid = QRCode(width: width, modules: bytes.map { $0 & 1 == 1 }) else {
            throw .failed("libqrencode returned a malformed symbol")
        }
        return grid
    }
}

/// Why a text could not become a QR code.
public enum QREncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There was nothing to encode.
    case empty
    /// The text holds a NUL character, which the library cannot take.
    case containsNul
    /// More than the largest code (version 40) holds at this level.
    case tooLong(bytes: Int, level: QREncoder.Level)
    /// The library failed for another reason (memory).
    case failed(String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .empty: return "nothing to put in a QR code"
        case .containsNul: return "the text holds a NUL character, which a QR code here cannot carry"
        case .tooLong(let bytes, let level):
            return "\(bytes) bytes are too many for a QR code at error correction level \(level)"
        case .failed(let reason): return "the QR code could not be made: \(reason)"
        }
    }
}
