import PeerdexCore

/// The Nearby pane: rows the app's discovery engine sends one peer at a time, not windows of
/// the store. `nearbyRows` keeps them in the order they first appeared; the pane's `ListState`
/// holds only the selection, the scroll position and `total`, so moving, paging and clicking
/// work as in every other pane.
extension AppModel {
    // MARK: - Derived

    /// The selected nearby peer, when the Nearby pane is shown and has rows.
    public var selectedNearbyPeer: NearbyRow? {
        guard pane == .nearby else { return nil }
        let index = current.selection
        return nearbyRows.indices.contains(index) ? nearbyRows[index] : nil
    }

    // MARK: - Events

    /// Discovery changed state; unless it is browsing no peer can be heard, so the rows go.
    mutating func setNearbyAvailability(_ availability: NearbyAvailability) {
        nearbyAvailability = availability
        guard !availability.isBrowsing, !nearbyRows.isEmpty else { return }
        nearbyRows = []
        syncNearbyList()
        if pane == .nearby { detailOpen = false }
    }

    /// A peer appeared (appended below the others) or changed (updated where it stands).
    mutating func receiveNearbyPeer(_ row: NearbyRow) {
        if let index = nearbyRows.firstIndex(where: { $0.peerID == row.peerID }) {
            nearbyRows[index] = row
            return
        }
        nearbyRows.append(row)
        syncNearbyList()
    }

    /// A peer left: a cursor below it follows its own peer up one row; a cursor on it stays at
    /// the same index, now on the next peer (or the last, when it was last).
    mutating func removeNearbyPeer(_ peerID: PeerID) {
        guard let index = nearbyRows.firstIndex(where: { $0.peerID == peerID }) else { return }
        nearbyRows.remove(at: index)
        var list = lists[.nearby] ?? ListState()
        if index < list.selection { list.selection -= 1 }
        // A row gone above the viewport shifts nothing on screen.
        if index < list.top { list.top -= 1 }
        lists[.nearby] = list
        syncNearbyList()
        if pane == .nearby, nearbyRows.isEmpty { detailOpen = false }
    }

    /// The pane's total follows the rows; the selection stays inside them.
    private mutating func syncNearbyList() {
        lists[.nearby, default: ListState()].total = nearbyRows.count
        clampSelection(.nearby)
    }

    /// A contact was added or removed (committed): its nearby row's mark follows at once,
    /// without waiting for the app to send the row again.
    mutating func markNearbyPeer(_ peerID: PeerID, isContact: Bool) {
        guard let index = nearbyRows.firstIndex(where: { $0.peerID == peerID }) else { return }
        nearbyRows[index].isContact = isContact
    }

    // MARK: - Keys

    /// `a` on a nearby peer: adds it at once with the name and address it advertised (the user
    /// can edit the contact later); a contact, or a peer being added, is not added twice.
    mutating func addNearbyPeer(_ row: NearbyRow) -> [Command] {
        if row.isContact {
            message = StatusMessage("\(row.label) is already a contact")
            return []
        }
        let beingAdded = latestInFlight { request in
            if case .addContact(let invite, _) = request { return invite.peerID == row.peerID }
            return false
        }
        if beingAdded != nil {
            message = StatusMessage("\(row.label) is being added")
            return []
        }
        return [issue(.addContact(row.invite, name: row.shownName ?? ""))]
    }

    /// Contact actions (favorite, block, edit, remove) on a nearby row: say where they apply.
    mutating func explainContactAction(on row: NearbyRow) {
        if row.isContact {
            let contacts = keymap.label(for: .showContacts)
            message = StatusMessage("\(row.label) is a contact: change it in Contacts (press \(contacts))")
        } else {
            message = StatusMessage("\(row.label) is not in your contacts (press \(keymap.label(for: .add)) to add)")
        }
    }
}
