import struct Foundation.Date
import PeerdexCore

extension AppModel {
    // MARK: - The ledger

    /// Records a request as in flight and returns the command that sends it.
    mutating func issue(_ request: Request) -> Command {
        let id = RequestID(nextRequestID)
        nextRequestID += 1
        inFlight[id] = request
        return .request(id, request)
    }

    /// Forgets the in-flight requests that `matches` and returns the commands that cancel them.
    mutating func cancelRequests(where matches: (Request) -> Bool) -> [Command] {
        let ids = inFlight.filter { matches($0.value) }.keys.sorted()
        for id in ids { inFlight[id] = nil }
        return ids.map { .cancel($0) }
    }

    /// The newest in-flight request that `matches`, with its ID.
    func latestInFlight(where matches: (Request) -> Bool) -> (id: RequestID, request: Request)? {
        inFlight.filter { matches($0.value) }.max { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Whether a mutation is in flight: its answer will reload what is shown anyway.
    var mutationInFlight: Bool { inFlight.values.contains(where: \.isMutation) }

    // MARK: - Answers

    /// Takes the answer to a request still in flight; answers to anything else are dropped.
    mutating func receive(_ answer: Answer, for id: RequestID) -> [Command] {
        guard let request = inFlight.removeValue(forKey: id) else { return [] }
        switch (request, answer) {
        case (.loadCounts, .counts(let counts)):
            countsKnown = true
            countsFailure = nil
            for pane in Pane.allCases {
                guard let count = counts[pane] else { continue }
                lists[pane]?.total = count
                clampSelection(pane)
            }
            return ensureWindow(pane)
        case (.loadWindow, .window(let window)):
            return receive(window)
        case (.search(let query, _), .searchResults(let contacts)):
            guard query == self.query.text, !query.isEmpty else { return [] }
            searchFailure = nil
            setSearchResults(contacts, query: query)
            return []
        case (.loadProfile, .profile(let profile)):
            return receive(profile)
        case (.lookupProfile(let peer), .networkProfile(let profile)):
            receiveProfileLookup(profile, of: peer, id: id)
            return []
        case (let mutation, .done(let text)) where mutation.isMutation:
            message = StatusMessage(text, kind: .success)
            if retryable == mutation { retryable = nil }
            switch mutation {
            case .addContact(let invite, _):
                // Its network row goes when the reload's results come, so the cursor can follow
                // the peer to its new local row.
                addedPeers.insert(invite.peerID)
                markNearbyPeer(invite.peerID, isContact: true)
            case .removeContact(let id):
                addedPeers.remove(id)
                markNearbyPeer(id, isContact: false)
            case .updateProfile:
                // The profile is no contact: nothing shown changed.
                return reloadDeferred ? reloadAfterChange() : []
            default:
                break
            }
            return reloadAfterChange()
        default:
            return []  // an answer of the wrong kind: the app broke the contract; ignore it
        }
    }

    /// Takes the failure of a request still in flight: shows what failed, and keeps the model
    /// able to ask again (loads and searches on a later tick, transient mutations with `r`).
    mutating func receive(_ failure: RequestFailure, for id: RequestID) -> [Command] {
        guard let request = inFlight.removeValue(forKey: id) else { return [] }
        switch request {
        case .loadCounts:
            countsFailure = LoadFailure(reason: failure.reason, at: now)
            message = StatusMessage("could not count contacts: \(failure.reason)", kind: .error)
            return []
        case .loadWindow(let pane, _, _):
            lists[pane]?.loadFailure = LoadFailure(reason: failure.reason, at: now)
            if pane == self.pane { message = StatusMessage("could not load contacts: \(failure.reason)", kind: .error) }
            return []
        case .search(let query, _):
            guard query == self.query.text else { return [] }
            searchFailure = LoadFailure(reason: failure.reason, at: now)
            message = StatusMessage("search failed: \(failure.reason)", kind: .error)
            return []
        case .networkSearch:
            networkSearchFailed(failure, for: id)
            return []
        case .loadProfile:
            return profileLoadFailed(failure)
        case .lookupProfile(let peer):
            profileLookupFailed(failure, of: peer, id: id)
            return []
        case .addContact, .setFavorite, .setBlocked, .updateContact, .removeContact, .updateProfile:
            retryable = failure.isTransient ? request : nil
            let hint = failure.isTransient ? " · press \(keymap.label(for: .retry)) to retry" : ""
            message = StatusMessage(failure.reason + hint, kind: .error)
            return reloadDeferred ? reloadAfterChange() : []
        }
    }

    /// Something else changed the store: reload now, or with the answer of our own mutation.
    mutating func storeChanged() -> [Command] {
        if mutationInFlight {
            reloadDeferred = true
            return []
        }
        return reloadAfterChange()
    }

    // MARK: - Ticks

    /// A new time: relative dates move on, and loads that failed long enough ago are retried.
    mutating func tick(_ date: Date) -> [Command] {
        now = date
        if networkSearch?.isRunning == true { networkSearch?.spinnerFrame += 1 }
        var commands = [Command]()
        if let failure = countsFailure, isDue(failure), latestInFlight(where: { $0 == .loadCounts }) == nil {
            countsFailure = nil
            commands.append(issue(.loadCounts))
        }
        if let failure = lists[pane]?.loadFailure, isDue(failure) {
            lists[pane]?.loadFailure = nil
            commands += ensureWindow(pane)
        }
        if let failure = searchFailure, isDue(failure), !query.text.isEmpty {
            searchFailure = nil
            commands += search(query.text)
        }
        return commands
    }

    /// Whether a failure is old enough to try again.
    private func isDue(_ failure: LoadFailure) -> Bool {
        now.timeIntervalSince(failure.at) >= Self.retryInterval
    }

    /// Asks for results of `text`, cancelling the search it replaces.
    mutating func search(_ text: String) -> [Command] {
        cancelRequests(where: \.isSearch)
            + [issue(.search(query: text, limit: searchLimit))]
    }

    /// Sends the transiently failed mutation again (`r`).
    mutating func retry() -> [Command] {
        guard let request = retryable else {
            message = StatusMessage("nothing to retry")
            return []
        }
        retryable = nil
        message = StatusMessage("retrying…")
        return [issue(request)]
    }
}
