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
    /// `Z` or `±hh[:mm]` offset; fractions beyond milliseconds are cut. Nil when malformed or
    /// impossible; `parse(_:)` says why.
    public static func date(_ text: some StringProtocol) -> Date? {
        try? parse(text)
    }

    /// Reads a time as `date(_:)` does, or says which part is malformed or impossible
    /// (`2026-02-31`, second `:60`).
    public static func parse(_ text: some StringProtocol) throws(ISO8601Error) -> Date {
        if let fields = canonicalFields(text) { return try date(of: fields) }
        let text = text.trimmingWhitespace()
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { throw .malformed }
        let datePart = text[..<separator].filter { $0 != "-" }
        var rest = text[text.index(after: separator)...]
        var fields = Fields()
        if rest.last == "Z" || rest.last == "z" {
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: sign)...].filter { $0 != ":" }
            guard zone.count == 2 || zone.count == 4, let hours = digits(zone.prefix(2)),
                let minutes = zone.count == 4 ? digits(zone.suffix(2)) : 0
            else { throw .malformed }
            guard hours < 24, minutes < 60 else {
                throw .outOfRange(.offset, String(rest[sign...]), allowed: "-23:59 to +23:59")
            }
            fields.offsetMinutes = (hours * 60 + minutes) * (rest[sign] == "-" ? -1 : 1)
            rest = rest[..<sign]
        } else {
            throw .malformed
        }
        if let dot = rest.firstIndex(where: { $0 == "." || $0 == "," }) {
            let fractionText = rest[rest.index(after: dot)...]
            guard !fractionText.isEmpty, fractionText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = digits((fractionText + "00").prefix(3))
            else { throw .malformed }
            fields.milliseconds = value
            rest = rest[..<dot]
        }
        let timePart = rest.filter { $0 != ":" }
        guard datePart.count == 8, timePart.count == 6, let year = digits(datePart.prefix(4)),
            let month = digits(datePart.dropFirst(4).prefix(2)), let day = digits(datePart.suffix(2)),
            let hour = digits(timePart.prefix(2)), let minute = digits(timePart.dropFirst(2).prefix(2)),
            let second = digits(timePart.suffix(2))
        else { throw .malformed }
        (fields.year, fields.month, fields.day) = (year, month, day)
        (fields.hour, fields.minute, fields.second) = (hour, minute, second)
        return try date(of: fields)
    }

    /// The parts of a written time, before they are checked.
    private struct Fields {
        var year: Int64 = 0, month: Int64 = 0, day: Int64 = 0
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, milliseconds: Int64 = 0
        var offsetMinutes: Int64 = 0
    }

    /// The instant the fields name, once each is within its range (the day within its month).
    private static func date(of fields: Fields) throws(ISO8601Error) -> Date {
        guard (1...12).contains(fields.month) else { throw .outOfRange(.month, pad(fields.month, 2), allowed: "01-12") }
        let lastDay = daysInMonth(fields.year, fields.month)
        guard (1...lastDay).contains(fields.day) else {
            throw .outOfRange(
                .day, pad(fields.day, 2),
                allowed: "01-\(lastDay) in \(monthNames[Int(fields.month) - 1]) \(pad(fields.year, 4))")
        }
        guard fields.hour < 24 else { throw .outOfRange(.hour, pad(fields.hour, 2), allowed: "00-23") }
        guard fields.minute < 60 else { throw .outOfRange(.minute, pad(fields.minute, 2), allowed: "00-59") }
        // A leap second cannot be stored as a distinct instant (Date has none); refusing it is
        // better than silently moving it to the next minute.
        guard fields.second < 60 else { throw .outOfRange(.second, pad(fields.second, 2), allowed: "00-59") }
        let days = days(fromCivil: fields.year, fields.month, fields.day)
        let seconds = (fields.hour * 60 + fields.minute - fields.offsetMinutes) * 60 + fields.second
        return date(milliseconds: days * msPerDay + seconds * 1000 + fields.milliseconds)
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Days in a month of the proleptic Gregorian calendar.
    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The fast path for exactly what `string(_:)` writes, `YYYY-MM-DDTHH:MM:SS.sssZ`: a bulk
    /// import reads hundreds of thousands of these. Nil for any other shape.
    private static func canonicalFields(_ text: some StringProtocol) -> Fields? {
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
        return withUnsafeBytes(of: &bytes) { b -> Fields? in
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
                let minute = number(14, 2), let second = number(17, 2), let fraction = number(20, 3)
            else { return nil }
            return Fields(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                milliseconds: fraction)
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

/// Why a text is not a time `ISO8601` accepts; each case reads as one line.
public enum ISO8601Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The part of a time that is out of range.
    public enum Field: String, Sendable {
        case month, day, hour, minute, second, offset
    }

    /// Not in a shape ISO 8601 allows.
    case malformed
    /// A field is outside its range: `value` as written, and what is allowed.
    case outOfRange(Field, String, allowed: String)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .malformed: return "not an ISO 8601 time like 2026-11-26T03:10:48.123Z"
        case .outOfRange(let field, let value, let allowed): return "\(field.rawValue) \(value) is impossible (\(allowed))"
        }
    }
}
