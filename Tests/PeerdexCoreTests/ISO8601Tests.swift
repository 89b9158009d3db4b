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
