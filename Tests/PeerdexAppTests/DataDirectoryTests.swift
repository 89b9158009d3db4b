import PeerdexApp
import Testing

/// How the data directory is chosen (BRIEF §4): `--data-dir`, then `PEERDEX_HOME`, then XDG, then home.
@Suite struct DataDirectoryTests {
    @Test func explicitPathWins() {
        let directory = DataDirectory(explicit: "/tmp/a", environment: ["PEERDEX_HOME": "/tmp/b"])
        #expect(directory.path == "/tmp/a")
        #expect(directory.databasePath == "/tmp/a/contacts.sqlite")
    }

    @Test func environmentOrder() {
        #expect(DataDirectory(explicit: nil, environment: ["PEERDEX_HOME": "/p", "XDG_DATA_HOME": "/x"]).path == "/p")
        #expect(DataDirectory(explicit: "", environment: ["XDG_DATA_HOME": "/x"]).path == "/x/peerdex")
        #expect(DataDirectory(explicit: nil, environment: ["XDG_DATA_HOME": "rel", "HOME": "/h"]).path
            == "/h/.local/share/peerdex")
    }
}
