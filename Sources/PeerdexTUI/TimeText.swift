import struct Foundation.Date
import PeerdexCore

/// Dates as people read them, computed without a clock, calendar or time-zone database.
///
/// The app passes `now` and the UTC offset; the proleptic Gregorian arithmetic (`ISO8601.civil`) is exact
/// for any date and keeps the pure module free of locale and environment reads.
public enum TimeText {
    /// `2026-11-23 14:05`, in the given offset from UTC.
    public static func absolute(_ date: Date, utcOffset: Int) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffset
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
    }

    /// `just now`, `5 min ago`, `3 h ago`, `2 days ago`, `5 weeks ago`, or the date after a year.
    public static func relative(_ date: Date, now: Date, utcOffset: Int) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        switch seconds {
        case ..<(-60): return "in the future"
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3600) h ago"
        case ..<(2 * 86_400): return "yesterday"
        case ..<(14 * 86_400): return "\(seconds / 86_400) days ago"
        case ..<(365 * 86_400): return "\(seconds / (7 * 86_400)) weeks ago"
        default: return String(absolute(date, utcOffset: utcOffset).prefix(10))
        }
    }

    /// Year, month, day of a count of days since 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = ISO8601.civil(fromDays: Int64(days))
        return (Int(year), Int(month), Int(day))
    }

    /// A number as two digits.
    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Int {
    /// Division rounding toward negative infinity, so dates before 1970 land on the right day.
    fileprivate func floorDiv(_ divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
