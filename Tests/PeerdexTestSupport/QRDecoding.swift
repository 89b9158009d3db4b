import Foundation

/// Reads QR codes back with an independent decoder, zbarimg (Debian zbar-tools, installed by
/// scripts/install-deps.sh), so that tests check what a scanner sees rather than our own idea
/// of it.
public enum QRDecoding {
    /// Where zbarimg is expected.
    public static let zbarimg = "/usr/bin/zbarimg"

    /// zbarimg is missing.
    public struct ZbarMissing: Error, CustomStringConvertible {
        /// Why the test stopped.
        public var description: String { "\(zbarimg) is not installed (Debian zbar-tools; run scripts/install-deps.sh)" }
    }

    /// zbarimg found no code.
    public struct NothingDecoded: Error, CustomStringConvertible {
        /// What zbarimg said.
        public let result: CommandRunner.Result
        /// Why the test stopped.
        public var description: String { "zbarimg found no QR code (status \(result.status)): \(result.stderr)" }
    }

    /// What zbarimg reads in `pixels` (rows of true = dark), each drawn 4×4 in a plain PBM (P1)
    /// image; the caller includes the quiet zone.
    public static func decode(pixels: some Collection<[Bool]>) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: zbarimg) else { throw ZbarMissing() }
        let scale = 4
        let width = (pixels.first?.count ?? 0) * scale
        var image = "P1\n\(width) \(pixels.count * scale)\n"
        for row in pixels {
            let line = row.flatMap { Array(repeating: $0 ? "1" : "0", count: scale) }.joined(separator: " ")
            image += String(repeating: line + "\n", count: scale)
        }
        let file = NSTemporaryDirectory() + "peerdex-qr-\(UUID().uuidString).pbm"
        try image.write(toFile: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CommandRunner.runTool(zbarimg, ["--raw", "--quiet", "-Sdisable", "-Sqrcode.enable", file])
        guard result.status == 0 else { throw NothingDecoded(result: result) }
        var text = result.stdout
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The pixels (true = dark) a terminal shows for half-block lines drawn light on dark: an
    /// inked half (`█`, the top of `▀`, the bottom of `▄`) is light. The last half row of an odd
    /// drawing is padding, not part of the picture, and is dropped when `oddHeight`.
    public static func pixels(halfBlockLines lines: [String], oddHeight: Bool = true) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in lines {
            rows.append(line.map { !"█▀".contains($0) })
            rows.append(line.map { !"█▄".contains($0) })
        }
        return oddHeight ? Array(rows.dropLast()) : rows
    }
}
