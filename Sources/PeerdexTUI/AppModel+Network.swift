import PeerdexCore

/// The Search pane's two parts: local matches (rows `0 ..< localCount`), then network results
/// (`networkRows`) below them, in one selection and one `total`. Network results only ever
/// append below the local rows, so they never move a cursor that is on a local row; a cursor on
/// a network row follows its peer ID when the network list re-ranks.
extension AppModel {
    // MARK: - Derived

    /// How many local matches the Search pane shows above the network results.
    var localSearchCount: Int { lists[.search]?.window?.rows.count ?? 0 }

    /// The selected network result, when the Search pane's selection is on one.
    public var selectedNetworkPeer: DiscoveredPeer? {
        guard pane == .search else { return nil }
        let index = current.selection - localSearchCount
        return index >= 0 && index < networkRows.count ? networkRows[index] : nil
    }

    /// The peer on row `index` of the Search pane, local or network.
    func searchPeerID(at index: Int) -> PeerID? {
        let local = lists[.search]?.window?.rows ?? []
        if index >= 0, index < local.count { return local[index].peerID }
        let networkIndex = index - local.count
        return networkIndex >= 0 && networkIndex < networkRows.count ? networkRows[networkIndex].peerID : nil
    }

    /// Peers the model knows to be in the book: every loaded row of the stored panes, and those
    /// added from here.
    var knownContactIDs: Set<PeerID> {
        var known = addedPeers
        for (pane, list) in lists where pane != .search {
            for contact in list.window?.rows ?? [] { known.insert(contact.peerID) }
        }
        return known
    }

    /// Whether a node runs that can search the network: a status was received and is not
    /// offline. Without one the model asks for no network search (an app without a node, or
    /// started with `--offline`, is never asked), and the Search pane says why when offline.
    public var networkAvailable: Bool {
        guard let nodeStatus else { return false }
        if case .offline = nodeStatus.state { return false }
        return true
    }

    // MARK: - Issuing

    /// The query changed to a non-empty text and a node runs: a network search for it,
    /// replacing the older one.
    ///
    /// The model issues one per change and stays clock-free; the app debounces and cancels.
    mutating func startNetworkSearch(_ text: String) -> [Command] {
        let commands = cancelRequests(where: \.isNetworkSearch)
        let command = issue(.networkSearch(query: text))
        networkSearch = NetworkSearchState(id: RequestID(nextRequestID - 1), query: text)
        refreshNetworkRows()
        return commands + [command]
    }

    /// The query was cleared: no network search, no network rows.
    mutating func stopNetworkSearch() -> [Command] {
        networkSearch = nil
        refreshNetworkRows()
        return cancelRequests(where: \.isNetworkSearch)
    }

    /// A new node status. The standing query is searched for again when the node can now do
    /// what it could not: a node that comes up searches at once; one that comes online runs a
    /// search that failed while it started ("the node is not running"); one that learns its
    /// first discovery peers runs a search that had nobody to ask. Each on that change only, so
    /// a search that fails again is not repeated at every status.
    mutating func receiveNodeStatus(_ status: NodeStatus) -> [Command] {
        let couldSearch = networkAvailable
        let knewPeers = (nodeStatus?.discoveryPeers ?? 0) > 0
        let wasOnline = nodeStatus?.discoveryPeers != nil
        nodeStatus = status
        guard networkAvailable, !query.text.isEmpty else { return [] }
        guard couldSearch else { return startNetworkSearch(query.text) }
        guard let search = networkSearch, search.query == query.text else { return [] }
        let cameOnline = !wasOnline && status.discoveryPeers != nil
        let foundPeers = !knewPeers && (status.discoveryPeers ?? 0) > 0
        let askedNobody = search.progress.finished && search.progress.asked == 0 && !search.progress.fromCache
        if cameOnline && search.failure != nil || foundPeers && askedNobody {
            return startNetworkSearch(query.text)
        }
        return []
    }

    // MARK: - Progress

    /// Takes progress of the current network search; progress of any other request is dropped.
    mutating func receive(_ progress: NetworkSearchProgress, for id: RequestID) -> [Command] {
        guard var search = networkSearch, search.id == id, inFlight[id] != nil else { return [] }
        search.progress = progress
        search.spinnerFrame += 1
        if progress.finished { inFlight[id] = nil }
        networkSearch = search
        refreshNetworkRows()
        return []
    }

    /// The network search failed: said on the list's border, not as an error line, because it
    /// would otherwise flash at every key typed while offline.
    mutating func networkSearchFailed(_ failure: RequestFailure, for id: RequestID) {
        guard networkSearch?.id == id else { return }
        networkSearch?.failure = failure.reason
    }

    // MARK: - Rows

    /// Recomputes the network rows from the latest progress and what the book holds, keeping a
    /// cursor that is on a network row on the same peer.
    mutating func refreshNetworkRows() {
        let local = localSearchCount
        let selection = lists[.search]?.selection ?? 0
        let followed = selection >= local ? searchPeerID(at: selection) : nil
        rebuildNetworkRows()
        if let followed { selectSearchRow(of: followed) }
    }

    /// The network rows without duplicates, peers in the book, local matches and ourselves; and
    /// the Search pane's total to match.
    mutating func rebuildNetworkRows() {
        var seen = knownContactIDs
        for contact in lists[.search]?.window?.rows ?? [] { seen.insert(contact.peerID) }
        seen.insert(ownInvite.peerID)
        networkRows = (networkSearch?.progress.ranked ?? []).filter { seen.insert($0.peerID).inserted }
        var list = lists[.search] ?? ListState()
        list.total = localSearchCount + networkRows.count
        lists[.search] = list
        clampSelection(.search)
    }

    /// Moves the Search pane's selection to a peer's row, if it has one; true when it does.
    @discardableResult
    mutating func selectSearchRow(of peerID: PeerID) -> Bool {
        let local = lists[.search]?.window?.rows ?? []
        let index = local.firstIndex { $0.peerID == peerID }
            ?? networkRows.firstIndex { $0.peerID == peerID }.map { local.count + $0 }
        guard let index, var list = lists[.search] else { return false }
        list.selection = index
        lists[.search] = list
        keepSelectionVisible(.search)
        return true
    }

    /// `a` on a network result: the add flow's name step, pre-filled with the peer's name.
    mutating func addNetworkPeer(_ peer: DiscoveredPeer) -> [Command] {
        mode = .prompt(Prompt(step: .addName(Invite(peerID: peer.peerID)), field: TextField(selecting: peer.name)))
        return []
    }
}
