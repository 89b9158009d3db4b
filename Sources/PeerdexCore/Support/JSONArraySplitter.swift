/// Finds the elements of a top-level JSON array without decoding them, so that large arrays can
/// be decoded in parallel, a run of elements per core.
///
/// It checks only what it needs to split safely (strings, escapes, nesting); the decoder that then
/// reads each run checks the rest. Anything it does not understand gives nil, and the caller falls
/// back to decoding the whole document, whose error says what is wrong.
public enum JSONArraySplitter {
    /// The byte ranges of the array's elements (white space trimmed), or nil when `bytes` is not
    /// one well-nested array with non-empty elements.
    public static func elementRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var index = skipSpace(bytes, from: 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index = skipSpace(bytes, from: index + 1)
        var ranges = [Range<Int>]()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            return skipSpace(bytes, from: index + 1) == bytes.count ? ranges : nil
        }
        var depth = 0
        var inString = false
        var start = index
        var lastNonSpace = index
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                // The tight loop: most bytes are inside strings, and only quotes and escapes matter.
                index = nextQuoteOrEscape(bytes, from: index)
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                inString = false
                lastNonSpace = index
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"):
                guard depth > 0 else { return nil }
                depth -= 1
            case UInt8(ascii: "]") where depth > 0:
                depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: "]"):
                guard depth == 0 else { break }
                guard start < index, !isSpace(bytes[start]) else { return nil }
                ranges.append(start..<lastNonSpace + 1)
                if byte == UInt8(ascii: "]") {
                    return skipSpace(bytes, from: index + 1) == bytes.count ? ranges : nil
                }
                start = skipSpace(bytes, from: index + 1)
                index = start
                lastNonSpace = start
                continue
            default:
                break
            }
            if !isSpace(byte) { lastNonSpace = index }
            index += 1
        }
        return nil
    }

    /// The index of the first `"` or `\` at or after `start`, or `bytes.count`.
    ///
    /// Eight bytes at a time: a word with neither byte is skipped whole (the classic test for a
    /// zero byte, applied to the word XORed with each byte value).
    static func nextQuoteOrEscape(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
                let escapes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
                let hasZero = ((quotes &- ones) & ~quotes | (escapes &- ones) & ~escapes) & highs
                if hasZero != 0 { break }
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
        return index
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index
    }
}
