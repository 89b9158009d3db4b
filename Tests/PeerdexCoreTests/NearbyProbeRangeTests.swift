import Testing

@testable import PeerdexCore

/// The probe range's parser and host list: at most a /24, host bits refused, network and
/// broadcast addresses skipped.
@Suite struct NearbyProbeRangeTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(parsing: text)! }

    @Test func aSlash24ListsItsTwoHundredFiftyFourHosts() throws {
        let range = try NearbyProbeRange(parsing: "10.213.0.0/24")
        #expect(range.network == 0x0AD5_0000)
        #expect(range.prefixLength == 24)
        #expect(range.size == 256)
        #expect(range.description == "10.213.0.0/24")
        #expect(range.hosts.count == 254)
        #expect(range.hosts.first == Self.ip("10.213.0.1"))
        #expect(range.hosts.last == Self.ip("10.213.0.254"))
        #expect(range.contains(Self.ip("10.213.0.255")))
        #expect(!range.contains(Self.ip("10.213.1.1")))
        #expect(!range.contains(Self.ip("fd00::1")))
    }

    @Test func smallRangesSkipNetworkAndBroadcastUpToASlash30() throws {
        #expect(try NearbyProbeRange(parsing: "192.168.1.4/30").hosts == [Self.ip("192.168.1.5"), Self.ip("192.168.1.6")])
        #expect(try NearbyProbeRange(parsing: "192.168.1.4/31").hosts == [Self.ip("192.168.1.4"), Self.ip("192.168.1.5")])
        #expect(try NearbyProbeRange(parsing: "192.168.1.9/32").hosts == [Self.ip("192.168.1.9")])
        #expect(try NearbyProbeRange(parsing: " 192.168.1.0/28 ").hosts.count == 14)
    }

    @Test func aRangeWiderThanASlash24IsRefused() {
        #expect(throws: NearbyProbeRangeError.tooWide("10.0.0.0/23")) { try NearbyProbeRange(parsing: "10.0.0.0/23") }
        #expect(throws: NearbyProbeRangeError.tooWide("0.0.0.0/0")) { try NearbyProbeRange(parsing: "0.0.0.0/0") }
        #expect(
            NearbyProbeRangeError.tooWide("10.0.0.0/16").description
                == "'10.0.0.0/16' is too wide: a probe range is at most a /24 (256 addresses)")
    }

    @Test func hostBitsAreRefusedWithTheNetworkMeant() {
        #expect(throws: NearbyProbeRangeError.hostBitsSet("10.0.0.5/24", network: "10.0.0.0/24")) {
            try NearbyProbeRange(parsing: "10.0.0.5/24")
        }
        #expect(
            NearbyProbeRangeError.hostBitsSet("10.0.0.5/24", network: "10.0.0.0/24").description
                == "'10.0.0.5/24' has host bits set; did you mean 10.0.0.0/24?")
    }

    @Test func malformedTextIsRefused() {
        for text in ["10.0.0.0", "10.0.0.0/", "10.0.0.0/+24", "10.0.0.0/24/1", "10.0.0/24", "10.0.0.256/32", "10.0.0.0/33", ""] {
            #expect(throws: NearbyProbeRangeError.malformed(text)) { try NearbyProbeRange(parsing: text) }
        }
        #expect(throws: NearbyProbeRangeError.notIPv4("fd00::/120")) { try NearbyProbeRange(parsing: "fd00::/120") }
    }
}

/// The probe schedule on a virtual clock: pace, in-flight cap, sweeps, our own addresses.
@Suite struct NearbyProbeScheduleTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(parsing: text)! }
    static let range = try! NearbyProbeRange(parsing: "10.0.0.0/24")

    @Test func ourOwnAddressesAreNeverProbed() {
        let own: Set = [Self.ip("10.0.0.1"), Self.ip("10.0.0.7"), Self.ip("192.168.0.1")]
        let schedule = NearbyProbeSchedule(range: Self.range, excluding: own, now: 0)
        #expect(schedule.targets.count == 252)
        #expect(!schedule.targets.contains(Self.ip("10.0.0.1")))
        #expect(!schedule.targets.contains(Self.ip("10.0.0.7")))
        #expect(schedule.targets.first == Self.ip("10.0.0.2"))
    }

    @Test func handsOutAtMostTheRateWithABurstOfTwo() {
        var schedule = NearbyProbeSchedule(range: Self.range, excluding: [], now: 0)
        var handed = [IPAddress]()
        // Each probe answered at once: only the rate limits.
        for step in 0...201 {
            let now = Double(step) * 0.005  // 0 … 1.005 s in 5 ms steps (past 1 s, for rounding)
            for address in schedule.due(now: now) {
                handed.append(address)
                schedule.finished(address)
            }
        }
        // 2 at once, then one per 50 ms over 1 s: 2 + 20
        #expect(handed.count == 22)
        #expect(handed.prefix(3) == [Self.ip("10.0.0.1"), Self.ip("10.0.0.2"), Self.ip("10.0.0.3")])
        #expect(Set(handed).count == handed.count)
    }

    @Test func atMostEightAreInFlight() {
        var schedule = NearbyProbeSchedule(range: Self.range, excluding: [], now: 0)
        var handed = [IPAddress]()
        for step in 0...100 { handed += schedule.due(now: Double(step) * 0.1) }
        #expect(handed.count == 8)
        #expect(schedule.inFlight == 8)
        #expect(schedule.nextDeadline == nil)
        schedule.finished(handed[0])
        #expect(schedule.due(now: 10.1) == [Self.ip("10.0.0.9")])
    }

    /// A schedule of a six-host range whose rate and in-flight limits never hold a probe back,
    /// so that only the sweep interval decides.
    static func unthrottledSchedule(startingAt now: Double) -> NearbyProbeSchedule {
        var settings = NearbyProbeSchedule.Settings()
        settings.rate = 1_000
        settings.burst = 300
        settings.maximumInFlight = 300
        let small = try! NearbyProbeRange(parsing: "10.0.0.0/29")  // 6 hosts
        return NearbyProbeSchedule(range: small, excluding: [], settings: settings, now: now)
    }

    @Test func aNewSweepStartsSixtySecondsAfterThePrevious() {
        var schedule = Self.unthrottledSchedule(startingAt: 5)
        let first = schedule.due(now: 5)
        #expect(first.count == 6)
        for address in first { schedule.finished(address) }
        #expect(schedule.due(now: 30) == [])
        #expect(schedule.nextDeadline == 65)
        #expect(schedule.due(now: 64.9) == [])
        #expect(schedule.due(now: 65) == first)
        #expect(schedule.sweeps == 2)
    }

    @Test func sweepSoonStartsTheNextSweepOnceTheCurrentEnds() {
        var schedule = Self.unthrottledSchedule(startingAt: 5)
        let first = schedule.due(now: 5)
        for address in first { schedule.finished(address) }
        #expect(schedule.due(now: 20) == [], "a sweep a minute")
        schedule.sweepSoon(now: 20)
        #expect(schedule.nextDeadline == 20)
        #expect(schedule.due(now: 20) == first, "asked for, the next sweep starts now")
        #expect(schedule.sweeps == 2)
        #expect(schedule.due(now: 21) == [], "then the minute counts from it again")
        #expect(schedule.nextDeadline == 80)
    }

    @Test func anAddressStillInFlightIsSkippedByTheNextSweep() {
        var settings = NearbyProbeSchedule.Settings()
        settings.burst = 10
        settings.rate = 100
        let small = try! NearbyProbeRange(parsing: "10.0.0.0/30")  // .1 and .2
        var schedule = NearbyProbeSchedule(range: small, excluding: [], settings: settings, now: 0)
        #expect(schedule.due(now: 0) == [Self.ip("10.0.0.1"), Self.ip("10.0.0.2")])
        schedule.finished(Self.ip("10.0.0.2"))
        #expect(schedule.due(now: 60) == [Self.ip("10.0.0.2")])
    }

    @Test func nothingToProbeHandsOutNothing() {
        let single = try! NearbyProbeRange(parsing: "10.0.0.9/32")
        var schedule = NearbyProbeSchedule(range: single, excluding: [Self.ip("10.0.0.9")], now: 0)
        #expect(schedule.due(now: 100) == [])
        #expect(schedule.nextDeadline == nil)
    }
}
