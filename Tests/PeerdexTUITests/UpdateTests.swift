import PeerdexCore
import Testing

@testable import PeerdexTUI

/// Key → message → commands, as plain expectations.
@Suite struct UpdateTests {
    let alice = Fixtures.book[0]

    @Test func startAsksForCountsAndFirstRows() {
        var model = AppModel(ownInvite: Fixtures.ownInvite, now: Fixtures.now)
        #expect(model.initialCommands() == [
            .request(RequestID(1), .loadCounts), .request(RequestID(2), .loadWindow(pane: .contacts, offset: 0, limit: 200)),
        ])
    }

    @Test func favoriteTogglesTheSelectedContact() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(alice.peerID, false)])
        _ = model.update(.key(.char("j")))
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(Fixtures.book[1].peerID, true)])
    }

    @Test func blockNeedsConfirmation() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("b"))) == [])
        #expect(model.mode == .confirm(.block(alice, true)))
        #expect(model.update(.key(.char("x"))) == [])  // still asking
        #expect(model.update(.key(.char("y"))).requests == [.setBlocked(alice.peerID, true)])
        #expect(model.mode == .browse)
    }

    @Test func removeCanBeCancelled() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("d"))) == [])
        #expect(model.update(.key(.char("n"))) == [])
        #expect(model.mode == .browse)
        #expect(model.message == StatusMessage("cancelled"))
        _ = model.update(.key(.char("d")))
        #expect(model.update(.key(.char("y"))).requests == [.removeContact(alice.peerID)])
    }

    @Test func addRefusesAWrongIDInlineAndSavesNothing() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        let typo = String(Fixtures.peerID(42).text.dropLast())
        for character in typo { #expect(model.update(.key(.char(character))) == []) }
        #expect(model.update(.key(.enter)) == [])
        guard case .prompt(let prompt) = model.mode else {
            Issue.record("expected the prompt to stay open")
            return
        }
        #expect(prompt.error == InviteError.peerID(.wrongLength(55)).description)
        // Fixing the typo clears the error; the name step follows.
        _ = model.update(.key(.char(Fixtures.peerID(42).text.last!)))
        #expect(model.update(.key(.enter)) == [])
        for character in "Grace" { _ = model.update(.key(.char(character))) }
        #expect(model.update(.key(.enter)).requests == [.addContact(Invite(peerID: Fixtures.peerID(42)), name: "Grace")])
    }

    @Test func addPrefillsTheInviteName() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        let invite = Invite(peerID: Fixtures.peerID(7), name: "Zoë")
        for character in invite.url { _ = model.update(.key(.char(character))) }
        _ = model.update(.key(.enter))
        #expect(model.update(.key(.enter)).requests == [.addContact(invite, name: "Zoë")])
    }

    @Test func editAsksAliasThenNote() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("e")))
        _ = model.update(.key(.ctrl("u")))
        for character in "Al" { _ = model.update(.key(.char(character))) }
        _ = model.update(.key(.enter))
        _ = model.update(.key(.end))
        for character in " Paid." { _ = model.update(.key(.char(character))) }
        #expect(model.update(.key(.enter)).requests == [.updateContact(alice.peerID, alias: "Al", note: alice.note + " Paid.")])
    }

    @Test func searchIsIncrementalAndDropsStaleResults() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("/"))) == [])
        let first = model.update(.key(.char("a")))
        #expect(first.requests == [.search(query: "a", limit: model.searchLimit)])
        let second = model.update(.key(.char("l")))
        // The newer search cancels the older one, which is then dropped if it answers anyway.
        #expect(second.cancelled == [RequestID(model.nextRequestID - 2)])
        #expect(second.requests == [.search(query: "al", limit: model.searchLimit)])
        guard case .request(let firstID, _) = first[0] else { return }
        _ = model.update(.answered(firstID, .searchResults(Fixtures.book)))
        #expect(model.lists[.search]?.total == 0)
        model.answerSearch("al", [alice])
        #expect(model.lists[.search]?.total == 1)
        #expect(model.update(.key(.backspace)).requests == [.search(query: "a", limit: model.searchLimit)])
        #expect(model.update(.key(.backspace)).requests == [])  // empty query: nothing to ask
        #expect(model.lists[.search]?.total == 0)
    }

    @Test func escLeavesSearchEnterKeepsIt() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("2")))
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        model.answerSearch("a", [alice])
        _ = model.update(.key(.enter))
        #expect(model.pane == .search && model.mode == .browse && model.selectedContact == alice)
        #expect(model.update(.key(.char("f"))).requests == [.setFavorite(alice.peerID, false)])
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.escape))
        #expect(model.pane == .favorites && model.query.text.isEmpty)
    }

    @Test func panesSwitchByNumberAndTab() {
        var model = Fixtures.model()
        #expect(model.update(.key(.tab)).requests == [.loadWindow(pane: .favorites, offset: 0, limit: 200)])
        #expect(model.pane == .favorites)
        #expect(model.update(.key(.backTab)) == [])  // contacts are loaded already
        #expect(model.update(.key(.backTab)).requests == [.loadWindow(pane: .blocked, offset: 0, limit: 200)])
        #expect(model.update(.key(.char("3"))) == [])  // Nearby's rows come from discovery, not the store
        #expect(model.update(.key(.char("4"))) == [])
        #expect(model.pane == .search)
    }

    @Test func scrollingAHugeListLoadsWindowsAroundTheViewport() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        #expect(model.update(.key(.pageDown)) == [])  // still inside the first window
        #expect(model.current.selection == 18 && model.current.top == 18)
        #expect(model.update(.key(.end)).requests == [.loadWindow(pane: .contacts, offset: 99_800, limit: 200)])
        #expect(model.current.selection == 99_999 && model.current.top == 99_982)
        #expect(model.update(.key(.up)) == [])  // already asked for that window
        #expect(model.selectedContact == nil)  // not loaded yet: rendered as "…"
        model.answer(.window(ContactWindow(
            pane: .contacts, offset: 99_800, rows: Fixtures.generated(offset: 99_800, count: 200), total: 100_000)))
        #expect(model.selectedContact?.name == "Contact 099998")
        #expect(model.update(.key(.char("g"))).requests == [.loadWindow(pane: .contacts, offset: 0, limit: 200)])
    }

    @Test func storeChangesReloadWhatIsShown() {
        var model = Fixtures.model()
        #expect(model.update(.storeChanged).requests == [.loadCounts, .loadWindow(pane: .contacts, offset: 0, limit: 200)])
        _ = model.update(.key(.char("d")))
        _ = model.update(.key(.char("y")))
        #expect(model.answer(.done("Removed Bob")).requests == [.loadCounts, .loadWindow(pane: .contacts, offset: 0, limit: 200)])
        #expect(model.message == StatusMessage("Removed Bob", kind: .success))
    }

    @Test func listShrinkClampsTheSelection() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("G")))
        #expect(model.current.selection == 5)
        let shrunk = ContactWindow(pane: .contacts, offset: 0, rows: Array(Fixtures.book.prefix(3)), total: 3)
        _ = model.update(.storeChanged)
        model.answer(.window(shrunk))
        #expect(model.current.selection == 2)
    }

    @Test func quitFromAnywhere() {
        var model = Fixtures.model()
        #expect(model.update(.key(.char("q"))) == [.quit])
        _ = model.update(.key(.char("a")))
        #expect(model.update(.key(.char("q"))) == [])  // typed into the prompt
        #expect(model.update(.key(.ctrl("c"))) == [.quit])
    }

    @Test func actionsWithoutASelectionExplainThemselves() {
        var model = Fixtures.model(rows: [], counts: PaneCounts())
        #expect(model.update(.key(.char("f"))) == [])
        #expect(model.message?.kind == .error)
    }

    @Test func mouseSelectsTabsAndRowsAndWheelScrolls() {
        var model = Fixtures.model()
        let favoritesTab = model.tabSpans()[1].columns.lowerBound + 1
        #expect(model.update(.mouse(MouseEvent(kind: .press, column: favoritesTab, row: 0))).requests
            == [.loadWindow(pane: .favorites, offset: 0, limit: 200)])
        _ = model.update(.key(.char("1")))
        _ = model.update(.mouse(MouseEvent(kind: .press, column: 10, row: 5)))
        #expect(model.current.selection == 2)
        _ = model.update(.mouse(MouseEvent(kind: .press, column: 10, row: 5)))
        #expect(model.detailOpen)
        _ = model.update(.key(.escape))
        _ = model.update(.mouse(MouseEvent(kind: .wheelDown, column: 10, row: 5)))
        #expect(model.current.selection == 5)
    }

    @Test func resizeKeepsTheSelectionVisible() {
        var model = Fixtures.model(rows: Fixtures.generated(offset: 0, count: 200), total: 100_000)
        for _ in 0..<50 { _ = model.update(.key(.down)) }
        _ = model.update(.resized(width: 80, height: 12))
        let visible = model.layout.visibleRows
        #expect(model.current.top <= 50 && 50 < model.current.top + visible)
    }

    @Test func reboundKeysDriveBehaviour() throws {
        let keymap = try Keymap.standard.rebinding(["favorite": "s", "down": "ctrl-n, down"])
        var model = Fixtures.model()
        model.keymap = keymap
        #expect(model.update(.key(.char("f"))) == [])
        #expect(model.update(.key(.char("s"))).requests == [.setFavorite(alice.peerID, false)])
        _ = model.update(.key(.ctrl("n")))
        #expect(model.current.selection == 1)
    }
}

/// Overlays, details and clock messages.
@Suite struct UpdateOverlayTests {
    @Test func overlaysCloseOnAnyKeyWithoutActing() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("?")))
        #expect(model.mode == .help)
        #expect(model.update(.key(.char("q"))) == [])
        #expect(model.mode == .browse)
        _ = model.update(.key(.char("i")))
        #expect(model.mode == .identity)
        _ = model.update(.mouse(MouseEvent(kind: .press, column: 1, row: 1)))
        #expect(model.mode == .browse)
    }

    @Test func enterOpensDetailsAndEscCloses() {
        var model = Fixtures.model()
        _ = model.update(.key(.enter))
        #expect(model.detailOpen && model.layout.list == nil)
        _ = model.update(.key(.escape))
        #expect(!model.detailOpen)
        _ = model.update(.key(.enter))
        _ = model.update(.key(.enter))
        #expect(!model.detailOpen)
    }

    @Test func tickAndDiscoveryOnlyChangeState() {
        var model = Fixtures.model()
        let later = Fixtures.now.addingTimeInterval(3600)
        #expect(model.update(.tick(later)) == [])
        #expect(model.now == later)
        #expect(model.update(.nearbyAvailability(.starting)) == [])
        #expect(model.nearbyAvailability == .starting)
    }

    @Test func editWithoutChangesSavesNothing() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("e")))
        _ = model.update(.key(.enter))
        #expect(model.update(.key(.enter)) == [])
        #expect(model.message == StatusMessage("nothing changed"))
    }

    @Test func escCancelsAPrompt() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("a")))
        #expect(model.update(.key(.escape)) == [])
        #expect(model.mode == .browse)
    }
}
