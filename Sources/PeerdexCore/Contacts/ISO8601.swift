import struct Foundation.Date

/// ISO 8601 UTC timestamps with milliseconds (`2026-11-26T03:10:48.123Z`): every time peerdex writes as text.
///
/// Hand-written rather than `ISO8601DateFormatter` because a `Date` is a `Double`: going through
/// whole milliseconds as an integer is what makes export → import give back the very same value
/// for dates built as `Date(timeIntervalSince1970: Double(ms) / 1000)`.
public enum ISO8601 {
    private static let msPerDay: Int64 = 86_400_000

    /// The whole milliseconds since 1970 of a date, rounded: the form every stored time takes.
    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The date of a whole number of milliseconds since 1970.
    public static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// The timestamp, rounded to the nearest millisecond.
    public static func string(_ date: Date) -> String {
        let ms = milliseconds(date)
        let days = ms >= 0 ? ms / msPerDay : (ms - msPerDay + 1) / msPerDay
        let inDay = ms - days * msPerDay
        let (year, month, day) = civil(fromDays: days)
        let time = [inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1000 % 60]
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + time.map { pad($0, 2) }.joined(separator: ":") + ".\(pad(inDay % 1000, 3))Z"
    }

    /// Reads extended (`2026-11-26T03:10:48.123Z`) or basic (`20261126T031048Z`) ISO 8601 with a
    /// `Z` or `±hh[:mm]` offset; fractions beyond milliseconds are cut. Nil when malformed.
    public static func date(_ text: some StringProtocol) -> Date? {
        if let date = canonicalDate(text) { return date }
        let text = text.trimmingWhitespace()
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return nil }
        let datePart = text[..<separator].filter { $0 != "-" }
        var rest = text[text.index(after: separator)...]
        var offsetMs: Int64 = 0
        if rest.last == "Z" || rest.last == "z" {
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: sign)...].filter { $0 != ":" }
            guard zone.count == 2 || zone.count == 4, let hours = digits(zone.prefix(2)),
                let minutes = zone.count == 4 ? digits(zone.suffix(2)) : 0, hours < 24, minutes < 60
            else { return nil }
            offsetMs = (hours * 60 + minutes) * 60_000 * (rest[sign] == "-" ? -1 : 1)
            rest = rest[..<sign]
        } else {
            return nil
        }
        var fraction: Int64 = 0
        if let dot = rest.firstIndex(where: { $0 == "." || $0 == "," }) {
            let fractionText = rest[rest.index(after: dot)...]
            guard !fractionText.isEmpty, fractionText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = digits((fractionText + "00").prefix(3))
            else { return nil }
            fraction = value
            rest = rest[..<dot]
        }
        let timePart = rest.filter { $0 != ":" }
        guard datePart.count == 8, timePart.count == 6, let year = digits(datePart.prefix(4)),
            let month = digits(datePart.dropFirst(4).prefix(2)), let day = digits(datePart.suffix(2)),
            let hour = digits(timePart.prefix(2)), let minute = digits(timePart.dropFirst(2).prefix(2)),
            let second = digits(timePart.suffix(2)),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = days(fromCivil: year, month, day)
        let ms = days * msPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + fraction - offsetMs
        return date(milliseconds: ms)
    }

    /// The fast path for exactly what `string(_:)` writes, `YYYY-MM-DDTHH:MM:SS.sssZ`: a bulk
    /// import reads hundreds of thousands of these.
    private static func canonicalDate(_ text: some StringProtocol) -> Date? {
        var utf8 = text.utf8.makeIterator()
        var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
            UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
            UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        let count = withUnsafeMutableBytes(of: &bytes) { buffer -> Int in
            var count = 0
            while let byte = utf8.next() {
                guard count < 24 else { return 25 }
                buffer[count] = byte
                count += 1
            }
            return count
        }
        guard count == 24 else { return nil }
        return withUnsafeBytes(of: &bytes) { b -> Date? in
            guard b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A
            else { return nil }
            func number(_ start: Int, _ length: Int) -> Int64? {
                var value: Int64 = 0
                for index in start..<start + length {
                    let digit = b[index] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), let fraction = number(20, 3),
                (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return nil }
            let ms = days(fromCivil: year, month, day) * msPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + fraction
            return date(milliseconds: ms)
        }
    }

    // MARK: - Calendar arithmetic

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date (year, month, day) of a day count since 1970-01-01
    /// (H. Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
