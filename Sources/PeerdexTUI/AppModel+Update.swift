import PeerdexCore

extension AppModel {
    /// Applies a message and returns what the app must do; the only way the model changes.
    public mutating func update(_ message: Message) -> [Command] {
        switch message {
        case .key(let key):
            return handle(key)
        case .mouse(let event):
            return handle(event)
        case .resized(let width, let height):
            self.width = width
            self.height = height
            for pane in Pane.allCases { keepSelectionVisible(pane) }
            return ensureWindow(pane)
        case .tick(let date):
            return tick(date)
        case .answered(let id, let answer):
            return receive(answer, for: id)
        case .failed(let id, let failure):
            return receive(failure, for: id)
        case .storeChanged:
            return storeChanged()
        case .nearbyAvailability(let availability):
            setNearbyAvailability(availability)
            return []
        case .nearbyPeer(let row):
            receiveNearbyPeer(row)
            return []
        case .nearbyPeerGone(let peerID):
            removeNearbyPeer(peerID)
            return []
        case .networkResults(let id, let progress):
            return receive(progress, for: id)
        case .nodeStatus(let status):
            return receiveNodeStatus(status)
        case .ownInvite(let invite, let code):
            ownInvite = invite
            ownInviteQR = code
            return []
        case .terminationRequested:
            return [.quit]
        }
    }

    // MARK: - Keys

    /// Routes a key by mode; Ctrl-C quits from anywhere, so a stuck prompt can never trap the user.
    private mutating func handle(_ key: Key) -> [Command] {
        if key == .ctrl("c") { return [.quit] }
        switch mode {
        case .browse:
            message = nil
            guard let action = keymap.action(for: key) else {
                if key == .escape, detailOpen { detailOpen = false }
                return []
            }
            return perform(action)
        case .searching:
            return handleSearchKey(key)
        case .prompt(let prompt):
            return handlePromptKey(key, prompt)
        case .confirm(let confirmation):
            return handleConfirmKey(key, confirmation)
        case .profile(let form):
            return handleProfileKey(key, form)
        case .help, .identity:
            mode = .browse  // any key closes an overlay
            return []
        }
    }

    /// Performs a key-table action in browse mode.
    mutating func perform(_ action: Action) -> [Command] {
        let rows = layout.visibleRows
        switch action {
        case .nextPane: return show(pane.next)
        case .previousPane: return show(pane.previous)
        case .showContacts: return show(.contacts)
        case .showFavorites: return show(.favorites)
        case .showNearby: return show(.nearby)
        case .showSearch: return show(.search)
        case .showBlocked: return show(.blocked)
        case .moveUp: return move(by: -1)
        case .moveDown: return move(by: 1)
        case .pageUp: return move(by: -rows, scrolling: true)
        case .pageDown: return move(by: rows, scrolling: true)
        case .top: return move(by: -current.total)
        case .bottom: return move(by: current.total)
        case .openDetails:
            if detailOpen || hasSelectedRow { detailOpen.toggle() }
            return []
        case .search:
            if pane != .search { paneBeforeSearch = pane }
            pane = .search
            detailOpen = false
            mode = .searching
            // A new search: the last query stays visible, selected, and the first key typed
            // replaces it (arrows keep it for editing), as in a browser's address bar.
            query.selectAll()
            return []
        case .add:
            if let peer = selectedNetworkPeer { return addNetworkPeer(peer) }
            if let row = selectedNearbyPeer { return addNearbyPeer(row) }
            mode = .prompt(Prompt(step: .addPeer))
            return []
        case .lookupProfile:
            return lookUpSelectedProfile()
        case .editProfile:
            return openProfileForm()
        case .showIdentity:
            mode = .identity
            return []
        case .help:
            mode = .help
            return []
        case .quit:
            return [.quit]
        case .retry:
            return retry()
        case .toggleFavorite, .toggleBlocked, .edit, .remove:
            return act(on: action)
        }
    }

    /// The actions that need a selected contact.
    private mutating func act(on action: Action) -> [Command] {
        guard let contact = selectedContact else {
            if let peer = selectedNetworkPeer {
                let name = peer.name.isEmpty ? peer.peerID.shortText : peer.name
                message = StatusMessage("\(name) is not in your contacts (press \(keymap.label(for: .add)) to add)")
                return []
            }
            if let row = selectedNearbyPeer {
                explainContactAction(on: row)
                return []
            }
            let hint = "no contact selected (press \(keymap.label(for: .add)) to add one)"
            message = StatusMessage(hint, kind: .error)
            return []
        }
        if isBeingRemoved(contact.peerID) {
            message = StatusMessage("\(contact.displayName) is being removed")
            return []
        }
        switch action {
        case .toggleFavorite: return [issue(.setFavorite(contact.peerID, !expectedFavorite(contact)))]
        case .toggleBlocked: mode = .confirm(.block(contact, !expectedBlocked(contact)))
        case .remove: mode = .confirm(.remove(contact))
        case .edit: mode = .prompt(Prompt(step: .editAlias(contact), field: TextField(selecting: contact.alias)))
        default: break
        }
        return []
    }

    /// Whether a row with details is selected: a contact, a network result or a nearby peer.
    private var hasSelectedRow: Bool {
        selectedContact != nil || selectedNetworkPeer != nil || selectedNearbyPeer != nil
    }

    /// Whether the contact will be a favorite once the requests in flight are done: a second `f`
    /// before the first is answered toggles back instead of asking for the same state twice.
    func expectedFavorite(_ contact: Contact) -> Bool {
        let pending = latestInFlight { request in
            if case .setFavorite(contact.peerID, _) = request { return true } else { return false }
        }
        guard case .setFavorite(_, let value)? = pending?.request else { return contact.isFavorite }
        return value
    }

    /// Whether the contact will be blocked once the requests in flight are done.
    func expectedBlocked(_ contact: Contact) -> Bool {
        let pending = latestInFlight { request in
            if case .setBlocked(contact.peerID, _) = request { return true } else { return false }
        }
        guard case .setBlocked(_, let value)? = pending?.request else { return contact.isBlocked }
        return value
    }

    /// Whether a removal of this contact is in flight.
    func isBeingRemoved(_ id: PeerID) -> Bool {
        latestInFlight { $0 == .removeContact(id) } != nil
    }

    /// Switches pane, loading its rows if they are missing or stale.
    private mutating func show(_ newPane: Pane) -> [Command] {
        pane = newPane
        detailOpen = false
        return ensureWindow(newPane)
    }

    // MARK: - Search, prompts, confirmations

    /// Edits the query; every change that leaves text asks for results at once (incremental search).
    private mutating func handleSearchKey(_ key: Key) -> [Command] {
        switch key {
        case .escape:
            query = TextField()
            searchFailure = nil
            setSearchResults([])
            mode = .browse
            return cancelRequests(where: \.isSearch) + stopNetworkSearch() + show(paneBeforeSearch)
        case .enter:
            mode = .browse
            query.deselect()
            return []
        case .up, .down, .pageUp, .pageDown:
            let rows = layout.visibleRows
            let delta = key == .up ? -1 : key == .down ? 1 : key == .pageUp ? -rows : rows
            return move(by: delta, scrolling: key == .pageUp || key == .pageDown)
        default:
            let before = query.text
            guard query.handle(key), query.text != before else { return [] }
            searchFailure = nil
            if query.text.isEmpty {
                setSearchResults([])
                return cancelRequests(where: \.isSearch) + stopNetworkSearch()
            }
            // The network search first, so that the local one is the last command (and the
            // first answer): local matches show at once, network ones as they come.
            let network = networkAvailable ? startNetworkSearch(query.text) : stopNetworkSearch()
            return network + search(query.text)
        }
    }

    /// Edits a prompt's answer; Enter validates it and moves to the next step or emits the change.
    private mutating func handlePromptKey(_ key: Key, _ prompt: Prompt) -> [Command] {
        var prompt = prompt
        switch key {
        case .escape:
            mode = .browse
            message = StatusMessage("cancelled")
            return []
        case .enter:
            return submit(prompt)
        default:
            if prompt.field.handle(key) { prompt.error = nil }
            mode = .prompt(prompt)
            return []
        }
    }

    /// Validates a prompt's answer; a wrong peer ID stays on screen with the reason and saves nothing.
    private mutating func submit(_ prompt: Prompt) -> [Command] {
        var prompt = prompt
        let text = prompt.field.text
        switch prompt.step {
        case .addPeer:
            let invite: Invite
            do {
                invite = try Invite(parsing: text)
            } catch {
                let empty = text.trimmingSpaces().isEmpty
                prompt.error = empty ? "paste a peer ID or a peerdex:// invite" : error.description
                mode = .prompt(prompt)
                return []
            }
            mode = .prompt(Prompt(step: .addName(invite), field: TextField(selecting: invite.name ?? "")))
            return []
        case .addName(let invite):
            mode = .browse
            return [issue(.addContact(invite, name: text.trimmingSpaces()))]
        case .editAlias(let contact):
            let step = Prompt.Step.editNote(contact, alias: text.trimmingSpaces())
            mode = .prompt(Prompt(step: step, field: TextField(selecting: contact.note)))
            return []
        case .editNote(let contact, let alias):
            mode = .browse
            if alias == contact.alias, text == contact.note {
                message = StatusMessage("nothing changed")
                return []
            }
            return [issue(.updateContact(contact.peerID, alias: alias, note: text))]
        }
    }

    /// y confirms, n or Esc cancels; anything else keeps asking.
    private mutating func handleConfirmKey(_ key: Key, _ confirmation: Confirmation) -> [Command] {
        switch key {
        case .char("y"), .char("Y"):
            mode = .browse
            switch confirmation {
            case .block(let contact, let blocked): return [issue(.setBlocked(contact.peerID, blocked))]
            case .remove(let contact): return [issue(.removeContact(contact.peerID))]
            }
        case .char("n"), .char("N"), .escape:
            mode = .browse
            message = StatusMessage("cancelled")
            return []
        default:
            return []
        }
    }

    // MARK: - Mouse

    /// A click selects a tab or a row (a second click on the selected row opens it); the wheel scrolls.
    private mutating func handle(_ event: MouseEvent) -> [Command] {
        guard mode == .browse, !layout.tooSmall else {
            // A click closes an overlay, but not the profile form: it holds edits.
            if mode == .help || mode == .identity, event.kind == .press { mode = .browse }
            return []
        }
        switch event.kind {
        case .wheelUp: return move(by: -3)
        case .wheelDown: return move(by: 3)
        case .press:
            if event.row == layout.tabBar.y {
                if let hit = tabSpans().first(where: { $0.columns.contains(event.column) }) { return show(hit.pane) }
                return []
            }
            let rows = layout.listRows
            guard rows.contains(column: event.column, row: event.row) else { return [] }
            let index = current.top + event.row - rows.y
            guard index < current.total else { return [] }
            if index == current.selection {
                if hasSelectedRow { detailOpen = true }
                return []
            }
            return move(by: index - current.selection)
        }
    }
}
