import Foundation
import Logging
import Testing

@testable import PeerdexApp

/// One line per event, with level, logger and source; nothing can break a line.
@Suite struct FileLogHandlerTests {
    let path = NSTemporaryDirectory() + "peerdex-log-\(UUID().uuidString).log"

    @Test func eachEventIsOneLineWithLevelLabelSourceAndMetadata() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = LogFile(path: path)
        var logger = Logger(label: "peerdex.test") { FileLogHandler(label: $0, file: file) }
        logger.logLevel = .info
        logger.info("started")
        logger.debug("not written: below the level")
        logger.warning("request #3 failed: name\nwith a line break", metadata: ["request": "loadCounts", "b": "2"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" info peerdex.test [PeerdexAppTests] started"))
        #expect(lines[1].hasSuffix(
            " warning peerdex.test [PeerdexAppTests] request #3 failed: name with a line break b=2 request=loadCounts"))
        #expect(lines.allSatisfy { $0.first?.isNumber == true && $0.dropFirst(23).hasPrefix("Z ") })
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func aMissingDirectoryDropsLinesUntilItExists() throws {
        let directory = NSTemporaryDirectory() + "peerdex-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = LogFile(path: directory + "/peerdex.log")
        file.append("lost\n")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        file.append("kept\n")
        #expect(try String(contentsOfFile: directory + "/peerdex.log", encoding: .utf8) == "kept\n")
    }
}
