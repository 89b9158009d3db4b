import Foundation
import PeerdexCore
import Testing

@testable import PeerdexTUI

/// What failed reaches the model as what it was (a load, a search, a change), is shown, and is
/// asked again: nothing is left waiting for an answer that will never come.
@Suite struct UpdateFailureTests {
    let alice = Fixtures.book[0]
    let later = Fixtures.now.addingTimeInterval(AppModel.retryInterval)

    func isWindow(_ request: Request) -> Bool {
        if case .loadWindow = request { return true } else { return false }
    }

    @Test func aFailedWindowIsShownAndAskedForAgain() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        _ = model.update(.key(.end))
        model.fail("database is locked", where: isWindow)
        // Then the pane says so instead of showing "…" for good
        #expect(model.pendingWindowOffset(.contacts) == nil)
        #expect(model.current.loadFailure?.reason == "database is locked")
        #expect(model.render().text().contains("✗ could not load: database is locked (retrying)"))
        // A tick before the retry interval waits; one after it asks again
        #expect(model.update(.tick(Fixtures.now.addingTimeInterval(1))) == [])
        #expect(model.update(.tick(later)).requests == [.loadWindow(pane: .contacts, offset: 99_800, limit: 200)])
        model.answer(.window(ContactWindow(
            pane: .contacts, offset: 99_800, rows: Fixtures.generated(offset: 99_800, count: 200), total: 100_000)))
        #expect(model.current.loadFailure == nil)
        #expect(model.selectedContact?.name == "Contact 099999")
    }

    @Test func movingAsksAgainAtOnce() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        _ = model.update(.key(.end))
        model.fail("disk I/O error", where: isWindow)
        #expect(model.update(.key(.up)).requests == [.loadWindow(pane: .contacts, offset: 99_800, limit: 200)])
    }

    @Test func failedCountsAreRetried() {
        var model = AppModel(ownInvite: Fixtures.ownInvite, now: Fixtures.now)
        _ = model.update(.resized(width: 80, height: 24))
        _ = model.initialCommands()
        model.fail("cannot open the contact database", where: { $0 == .loadCounts })
        #expect(model.render().text().contains("Could not read the contact book."))
        #expect(model.update(.tick(later)).requests == [.loadCounts])
        #expect(model.update(.tick(later.addingTimeInterval(5))) == [])  // already asked
    }

    @Test func aFailedSearchIsShownAndRetriedWhileTheQueryStands() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        model.fail("database is locked", where: { if case .search = $0 { true } else { false } })
        #expect(model.message == StatusMessage("search failed: database is locked", kind: .error))
        #expect(model.render().text().contains("Search failed."))
        #expect(model.update(.tick(later)).requests == [.search(query: "a", limit: model.searchLimit)])
        model.answerSearch("a", [alice])
        #expect(model.searchFailure == nil && model.lists[.search]?.total == 1)
    }

    @Test func aBusyChangeCanBeRetriedWithR() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("f")))
        model.fail("the contact database is busy", transient: true) { $0.isMutation }
        #expect(model.message == StatusMessage("the contact database is busy · press r to retry", kind: .error))
        #expect(model.update(.key(.char("r"))).requests == [.setFavorite(alice.peerID, false)])
        model.answer(.done("Alice Zhang is no longer a favorite"))
        #expect(model.update(.key(.char("r"))) == [])
        #expect(model.message == StatusMessage("nothing to retry"))
    }

    @Test func aRefusedChangeIsNotOfferedAgain() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("f")))
        model.fail("no contact with peer ID …") { $0.isMutation }
        #expect(model.retryable == nil)
        #expect(model.message == StatusMessage("no contact with peer ID …", kind: .error))
    }

    @Test func anotherProcessChangeDuringOurOwnIsReloadedOnceWithItsAnswer() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("f")))
        #expect(model.update(.storeChanged) == [])  // our change is in flight: its answer reloads
        #expect(model.reloadDeferred)
        #expect(model.answer(.done("saved")).requests == [.loadCounts, .loadWindow(pane: .contacts, offset: 0, limit: 200)])
        #expect(!model.reloadDeferred)
        // And when our change fails, the other process's change is still reloaded.
        _ = model.update(.key(.char("j")))
        _ = model.update(.key(.char("f")))
        _ = model.update(.storeChanged)
        #expect(model.fail("refused") { $0.isMutation }.requests.contains(.loadCounts))
    }

    @Test func aReloadCancelsLoadsThatMayPredateTheChange() {
        var model = Fixtures.model()
        let first = model.update(.storeChanged)
        let second = model.update(.storeChanged)
        #expect(second.cancelled.count == 2)  // the first reload's counts and window
        #expect(Set(second.cancelled) == Set(first.compactMap { if case .request(let id, _) = $0 { id } else { nil } }))
    }

    @Test func answersToUnknownRequestsAreDropped() {
        var model = Fixtures.model()
        let before = model
        #expect(model.update(.answered(RequestID(9_999), .counts(PaneCounts(contacts: 1)))) == [])
        #expect(model.update(.failed(RequestID(9_999), RequestFailure("late"))) == [])
        #expect(model == before)
    }
}
