import PeerdexCore
import Testing

/// The demo's people: the same for a seed, and every kind the demo and its tour need, from the
/// smallest network up.
@Suite struct DemoPopulationTests {
    @Test func aSeedAlwaysMeansTheSamePeople() {
        #expect(DemoPopulation.people(count: 30, seed: 7) == DemoPopulation.people(count: 30, seed: 7))
        #expect(DemoPopulation.people(count: 30, seed: 7) != DemoPopulation.people(count: 30, seed: 8))
    }

    @Test(arguments: [DemoPopulation.minimumSize, 9, 13, DemoPopulation.defaultSize, DemoPopulation.maximumSize])
    func everySizeHasEveryKind(count: Int) {
        let people = DemoPopulation.people(count: count, seed: 1)
        #expect(people.count == count)
        #expect(Set(people.map(\.profile.name)).count == count, "names are distinct")
        #expect(Set(people.map(\.profile.visibility)) == Set(PrivacyLevel.allCases), "every visibility level")
        for relation in [DemoRelation.stranger, .contact, .favorite, .friend] {
            #expect(people.contains { $0.relation == relation }, "a \(relation)")
        }
        // On the LAN: a public stranger to add, and someone the user knows.
        #expect(people.contains { $0.isNearby && $0.relation == .stranger && $0.profile.visibility == .public })
        #expect(people.contains { $0.isNearby && $0.relation.isInBook })
        // …and one the probe reaches whose privacy keeps them off the user's list.
        #expect(people.contains { $0.isNearby && $0.relation == .stranger && $0.profile.visibility == .private })
        // On the network: a public stranger who answers discovery queries, found by name.
        #expect(people.contains { $0.relation == .stranger && $0.profile.visibility == .public && $0.sharesWithDiscoveryPeers })
        #expect(people.contains { !$0.sharesWithDiscoveryPeers } || count < 5)
    }

    @Test func interestsOverlapSoThatInterestSearchFindsSeveral() {
        let people = DemoPopulation.people(count: DemoPopulation.defaultSize, seed: 1)
        var holders: [String: Int] = [:]
        for person in people {
            #expect((2...4).contains(person.profile.interests.count))
            #expect(Set(person.profile.interests).count == person.profile.interests.count, "no interest twice")
            for interest in person.profile.interests { holders[interest, default: 0] += 1 }
        }
        #expect(holders.values.filter { $0 >= 3 }.count >= 3, "several interests held by three or more: \(holders)")
        let userInterests = Set(DemoPopulation.user.interests)
        #expect(people.filter { !userInterests.isDisjoint(with: $0.profile.interests) }.count >= 5)
    }

    @Test func namesComeInSeveralScripts() {
        let names = DemoPopulation.people(count: DemoPopulation.defaultSize, seed: 1).map(\.profile.name)
        let nonLatin = names.filter { name in name.unicodeScalars.contains { $0.value > 0x024F } }
        #expect(nonLatin.count >= 5, "\(names)")
        #expect(names.contains { $0.unicodeScalars.contains { (0x00C0...0x024F).contains($0.value) } }, "diacritics")
    }

    @Test func acquaintancesAreOthersAndBounded() {
        let people = DemoPopulation.people(count: 12, seed: 3)
        for person in people {
            #expect(DemoPopulation.acquaintanceRange.contains(person.acquaintances.count))
            #expect(!person.acquaintances.contains(person.index))
            #expect(person.acquaintances.allSatisfy { people.indices.contains($0) })
        }
    }

    @Test func onlyPeopleInTheUsersBookKnowTheUser() {
        for person in DemoPopulation.people(count: 20, seed: 1) {
            #expect(person.knowsUser == (person.relation.isInBook && person.relation != .blocked))
        }
    }
}
