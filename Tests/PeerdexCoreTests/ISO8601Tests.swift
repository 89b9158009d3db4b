import Foundation
import Testing

@testable import PeerdexCore

@Suite struct ISO8601Tests {
    /// How the store builds dates: whole milliseconds since 1970.
    func date(ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    @Test func timestampsAreExactToTheMillisecond() {
        for ms: Int64 in [0, 1, 999, 1_000, -1, -86_400_001, 1_764_126_648_123, 253_402_300_799_999] {
            let value = date(ms: ms)
            #expect(ISO8601.date(ISO8601.string(value)) == value)
        }
        #expect(ISO8601.string(date(ms: 1_795_662_648_123)) == "2026-11-26T03:10:48.123Z")
        #expect(ISO8601.string(date(ms: 1_709_251_199_999)) == "2024-02-29T23:59:59.999Z")
        #expect(ISO8601.string(date(ms: -1)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func timestampsInOtherFormsAreRead() {
        #expect(ISO8601.date("2026-11-26T03:10:48.5Z") == date(ms: 1_795_662_648_500))
        #expect(ISO8601.date("2026-11-26T03:10:48.123987Z") == date(ms: 1_795_662_648_123))
        let expected = date(ms: 1_795_662_648_000)
        for text in ["2026-11-26T03:10:48Z", "20261126T031048Z", "2026-11-26T04:10:48+01:00", "20261125T231048-0400"] {
            #expect(ISO8601.date(text) == expected, "\(text)")
        }
        for text in ["2026-11-26", "2026-13-01T00:00:00Z", "2026-11-26T03:10:48", "2026-11-26T03:10:48.Z", "x"] {
            #expect(ISO8601.date(text) == nil, "\(text)")
        }
    }
}

@Suite struct ISO8601ImpossibleTimeTests {
    @Test(arguments: [
        ("2026-02-31T00:00:00.000Z", ISO8601Error.outOfRange(.day, "31", allowed: "01-28 in February 2026")),
        ("2026-02-29T12:00:00Z", .outOfRange(.day, "29", allowed: "01-28 in February 2026")),
        ("1900-02-29T12:00:00Z", .outOfRange(.day, "29", allowed: "01-28 in February 1900")),
        ("2026-04-31T00:00:00.000Z", .outOfRange(.day, "31", allowed: "01-30 in April 2026")),
        ("2026-01-00T00:00:00.000Z", .outOfRange(.day, "00", allowed: "01-31 in January 2026")),
        ("2026-12-31T23:59:60.000Z", .outOfRange(.second, "60", allowed: "00-59")),
        ("2026-12-31T23:59:60Z", .outOfRange(.second, "60", allowed: "00-59")),
        ("2026-12-31T24:00:00.000Z", .outOfRange(.hour, "24", allowed: "00-23")),
        ("2026-12-31T23:60:00.000Z", .outOfRange(.minute, "60", allowed: "00-59")),
        ("2026-13-01T00:00:00.000Z", .outOfRange(.month, "13", allowed: "01-12")),
        ("2026-00-01T00:00:00Z", .outOfRange(.month, "00", allowed: "01-12")),
        ("2026-11-26T03:10:48+24:00", .outOfRange(.offset, "+24:00", allowed: "-23:59 to +23:59")),
        ("yesterday", .malformed),
    ])
    func impossibleTimesAreRefusedNamingTheField(_ text: String, _ expected: ISO8601Error) {
        #expect(throws: expected) { try ISO8601.parse(text) }
        #expect(ISO8601.date(text) == nil)
    }

    @Test func theLastDayOfEveryMonthIsAccepted() throws {
        let lastDays = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  // 2024 is a leap year
        for (index, day) in lastDays.enumerated() {
            let text = "2024-\(index < 9 ? "0" : "")\(index + 1)-\(day)T23:59:59.999Z"
            #expect(ISO8601.string(try ISO8601.parse(text)) == text)
        }
        #expect(throws: ISO8601Error.self) { try ISO8601.parse("2100-02-29T00:00:00Z") }
        #expect(try ISO8601.parse("2000-02-29T00:00:00Z") == ISO8601.date(milliseconds: 951_782_400_000))
    }

    @Test func theErrorSaysWhichFieldIsWrong() {
        #expect(ISO8601Error.outOfRange(.day, "31", allowed: "01-28 in February 2026").description
            == "day 31 is impossible (01-28 in February 2026)")
    }
}
