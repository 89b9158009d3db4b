import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct InterestMatcherTests {
    /// Our ten interests: a candidate listing `shared` of them and nothing else scores shared / 10.
    let ours = (0..<10).map { "topic\($0)" }

    func candidate(_ seed: Int, _ interests: [String]) -> InterestCandidate {
        InterestCandidate(peerID: Fixtures.peerID(seed), interests: interests)
    }

    @Test func theDefaultMinimumIsPointThree() {
        #expect(InterestMatcher(interests: ours).minimumScore == 0.3)
    }

    @Test func aScoreEqualToTheMinimumIsKeptAndOneJustUnderIsDropped() {
        let matcher = InterestMatcher(interests: ours)
        #expect(matcher.accepts(score: 0.3))
        #expect(!matcher.accepts(score: 0.29))
        #expect(!matcher.accepts(score: 0))
    }

    @Test func theMinimumReallyFiltersCandidates() {
        let matcher = InterestMatcher(interests: ours)
        let candidates = [
            candidate(1, Array(ours.prefix(3))),  // 3 / 10 = 0.3: kept
            candidate(2, Array(ours.prefix(2)) + ["other"]),  // 2 / 11 ≈ 0.18: dropped
            candidate(3, ["sailing"]),  // 0: dropped (the seed kept everyone)
            candidate(4, ours),  // 1: kept
            candidate(5, []),  // 0: dropped
        ]
        let matches = matcher.matches(candidates)
        #expect(matches.map(\.peerID) == [Fixtures.peerID(4), Fixtures.peerID(1)])
        #expect(matches.map(\.score) == [1, 0.3])
    }

    @Test func aCandidateJustUnderPointThreeIsDropped() {
        // 2 shared of 7 in all: 0.2857…
        let matcher = InterestMatcher(interests: ["a", "b", "c", "d", "e"])
        #expect(matcher.score(["a", "b", "x", "y"]) == 2.0 / 7.0)
        #expect(matcher.match(candidate(1, ["a", "b", "x", "y"])) == nil)
        #expect(matcher.match(candidate(2, ["a", "b", "x"])) != nil)  // 2 / 6
    }

    @Test func theMinimumIsConfigurable() {
        let strict = InterestMatcher(interests: ours, minimumScore: 0.5)
        let lenient = InterestMatcher(interests: ours, minimumScore: 0)
        let someone = candidate(1, Array(ours.prefix(4)))  // 0.4
        #expect(strict.match(someone) == nil)
        #expect(lenient.match(someone)?.score == 0.4)
        #expect(InterestMatcher(interests: ours, minimumScore: .nan).minimumScore == 0.3)
        #expect(InterestMatcher(interests: ours, minimumScore: 7).minimumScore == 1)
    }

    @Test func matchesCompareNormalizedTagsAndListThemSorted() throws {
        let matcher = InterestMatcher(interests: ["Rust", "Café"])
        let match = try #require(matcher.match(candidate(1, ["cafe", " RUST "])))
        #expect(match.score == 1)
        #expect(match.interests.map(\.text) == ["cafe", "rust"])
    }

    @Test func aPeerListedTwiceKeepsItsFirstEntry() {
        let matcher = InterestMatcher(interests: ours)
        let matches = matcher.matches([candidate(1, ours), candidate(1, ["sailing"])])
        #expect(matches.map(\.score) == [1])
        #expect(matcher.matches([candidate(1, ["sailing"]), candidate(1, ours)]).isEmpty)
    }

    @Test func equalScoresAreOrderedByPeerID() {
        let matcher = InterestMatcher(interests: ours)
        let matches = matcher.matches((1...6).map { candidate($0, ours) })
        #expect(matches.map(\.peerID) == (1...6).map(Fixtures.peerID).sorted())
    }
}
