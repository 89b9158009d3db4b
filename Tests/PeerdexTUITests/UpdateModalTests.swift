import PeerdexCore
import Testing

@testable import PeerdexTUI

/// Modes entered after one another, Escape from each, and keys that arrive while the app has
/// not answered yet: the paths where a state left over from before can leak into what comes next.
@Suite struct UpdateModalTests {
    let alice = Fixtures.book[0]

    func type(_ text: String, into model: inout AppModel) -> [Command] {
        text.flatMap { model.update(.key(.char($0))) }
    }

    @Test func aSecondSearchStartsFromAnEmptyQuery() {
        // `/zoe`, Enter, `f`, `2`, `1`, `/ordinary` once searched for "zoeordinary".
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        _ = type("zoe", into: &model)
        _ = model.update(.key(.enter))
        _ = model.update(.key(.char("f")))
        _ = model.update(.key(.char("2")))
        _ = model.update(.key(.char("1")))
        _ = model.update(.key(.char("/")))
        #expect(model.query.text == "zoe" && model.query.isSelected)  // shown, selected
        let commands = type("ordinary", into: &model)
        #expect(model.query.text == "ordinary")
        #expect(commands.requests.last == .search(query: "ordinary", limit: model.searchLimit))
        #expect(!commands.requests.contains { if case .search(let query, _) = $0 { query.hasPrefix("zoe") } else { false } })
    }

    @Test(arguments: Pane.allCases)
    func slashStartsANewQueryFromEveryPane(pane: Pane) {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        _ = type("bob", into: &model)
        _ = model.update(.key(.enter))
        _ = model.update(.key(.char(Character(String(pane.rawValue + 1)))))
        #expect(model.pane == pane)
        _ = model.update(.key(.char("/")))
        _ = type("eve", into: &model)
        #expect(model.query.text == "eve")
    }

    @Test func arrowsKeepTheLastQueryForEditing() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        _ = type("chl", into: &model)
        _ = model.update(.key(.enter))
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.end))
        _ = type("o", into: &model)
        #expect(model.query.text == "chlo")
    }

    @Test func aPrefilledNameIsReplacedByTyping() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        let invite = Invite(peerID: Fixtures.peerID(7), name: "Zoë")
        _ = type(invite.url, into: &model)
        _ = model.update(.key(.enter))
        _ = type("Grace", into: &model)
        #expect(model.update(.key(.enter)).requests == [.addContact(invite, name: "Grace")])
    }

    @Test func aPromptAfterACancelledOneStartsEmpty() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        _ = type("half typed", into: &model)
        _ = model.update(.key(.escape))
        _ = model.update(.key(.char("a")))
        guard case .prompt(let prompt) = model.mode else {
            Issue.record("expected the add prompt")
            return
        }
        #expect(prompt.field.text == "" && prompt.error == nil && prompt.step == .addPeer)
        // And an edit after an add shows the contact's own alias, not the last answer.
        _ = model.update(.key(.escape))
        _ = model.update(.key(.char("e")))
        guard case .prompt(let edit) = model.mode else {
            Issue.record("expected the edit prompt")
            return
        }
        #expect(edit.field.text == alice.alias && edit.field.isSelected)
    }

    @Test func escapeLeavesEveryModeForBrowsing() {
        let entries: [(String, [Key])] = [
            ("search", [.char("/"), .char("x")]), ("add prompt", [.char("a"), .char("x")]),
            ("add name", [.char("a")] + Fixtures.peerID(5).text.map { Key.char($0) } + [.enter]),
            ("edit alias", [.char("e")]), ("edit note", [.char("e"), .enter]),
            ("block question", [.char("b")]), ("remove question", [.char("d")]),
        ]
        for (name, keys) in entries {
            var model = Fixtures.model()
            for key in keys { _ = model.update(.key(key)) }
            #expect(model.mode != .browse, "\(name) was not entered")
            let commands = model.update(.key(.escape))
            #expect(model.mode == .browse, "\(name)")
            #expect(commands.requests.allSatisfy { !$0.isMutation }, "\(name) saved something on Escape")
        }
        var overlay = Fixtures.model()
        _ = overlay.update(.key(.char("?")))
        _ = overlay.update(.key(.escape))
        #expect(overlay.mode == .browse)
        var details = Fixtures.model()
        _ = details.update(.key(.enter))
        _ = details.update(.key(.escape))
        #expect(!details.detailOpen)
    }

    // MARK: - Keys while an answer is pending

    @Test func aSecondFavoriteKeyBeforeTheAnswerTogglesBack() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(alice.peerID, false)])
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(alice.peerID, true)])
        model.answer(.done("★ Alice Zhang is a favorite"))
        model.answer(.done("Alice Zhang is no longer a favorite"))
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(alice.peerID, false)])
    }

    @Test func aSecondBlockBeforeTheAnswerAsksToUnblock() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("b")))
        _ = model.update(.key(.char("y")))
        _ = model.update(.key(.char("b")))
        #expect(model.mode == .confirm(.block(alice, false)))
    }

    @Test func aContactBeingRemovedIsNotActedOnAgain() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("d")))
        #expect(model.update(.key(.char("y"))).requests == [.removeContact(alice.peerID)])
        #expect(model.update(.key(.char("d"))) == [])
        #expect(model.update(.key(.char("f"))) == [])
        #expect(model.mode == .browse)
        #expect(model.message == StatusMessage("ali is being removed"))
    }

    @Test func resultsThatArriveAfterEnterAreShown() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        _ = type("ali", into: &model)
        _ = model.update(.key(.enter))
        model.answerSearch("ali", [alice])
        #expect(model.mode == .browse && model.selectedContact == alice)
    }

    @Test func escapeCancelsAPendingSearchAndDropsItsAnswer() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        guard case .request(let id, _)? = type("ali", into: &model).last else {
            Issue.record("expected a search")
            return
        }
        #expect(model.update(.key(.escape)).cancelled == [id])
        _ = model.update(.answered(id, .searchResults([alice])))
        #expect(model.lists[.search]?.total == 0)
        #expect(model.inFlight.values.allSatisfy { if case .search = $0 { false } else { true } })
    }

    @Test func aWindowAnswerForAnOldPositionDoesNotStickAsPending() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        let toEnd = model.update(.key(.end))
        let toTop = model.update(.key(.char("g")))
        #expect(toTop.cancelled.count == 1)  // the window at the end is no longer wanted
        guard case .request(let endID, _)? = toEnd.last else { return }
        _ = model.update(.answered(endID, .window(ContactWindow(
            pane: .contacts, offset: 99_800, rows: Fixtures.generated(offset: 99_800, count: 200), total: 100_000))))
        #expect(model.pendingWindowOffset(.contacts) == nil)
        #expect(model.current.window?.offset == 0 && model.selectedContact?.name == "Contact 000000")
    }

    @Test func aSignalQuitsFromAnyMode() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        #expect(model.update(.terminationRequested) == [.quit])
    }
}
