import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore

extension ContactFileFormat: ExpressibleByArgument {}

extension Peerdex.Contacts {
    /// `peerdex contacts import`.
    struct Import: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import contacts from a vCard (.vcf) or JSON file.",
            discussion: """
                Each entry is reported as imported, updated or skipped (with the reason); a bad entry \
                never stops the others. Importing never takes anything away from a contact you have: \
                see docs/IMPORT-EXPORT.md for the merge rules.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The file to read.", valueName: "file.vcf|file.json")) var file: String
        @Option(help: "The file's format, when its name does not say.") var format: ContactFileFormat?
        @Flag(help: "Print the report as a JSON array.") var json = false

        func run() throws {
            let book = try global.openBook()
            let report = try ContactExchange(book: book).importFile(at: file, format: format)
            if json { return try Output.json(report) }
            Output.lines(report) { entry, line in
                let action = entry.action.rawValue
                line += action
                line += String(repeating: " ", count: max(0, 8 - action.count))
                line += " #\(entry.index)"
                if let at = entry.line { line += " (line \(at))" }
                if let name = entry.name {
                    line += " "
                    line += Output.oneLine(name)
                }
                if let id = entry.peerId {
                    line += " "
                    line += id
                }
                if let reason = entry.reason {
                    line += ": "
                    line += Output.oneLine(reason)
                }
            }
            let counts = report.reduce(into: [ImportReportEntry.Action: Int]()) { $0[$1.action, default: 0] += 1 }
            print(
                "\(counts[.imported] ?? 0) imported, \(counts[.updated] ?? 0) updated, \(counts[.skipped] ?? 0) skipped")
        }
    }

    /// `peerdex contacts export`.
    struct Export: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export every contact (blocked ones too) as vCard 4.0 or JSON.",
            discussion: """
                Without --output the export goes to stdout. With it, the file is replaced only by a \
                whole export: if anything fails (encoding, a full disk) the previous file is left as it \
                was and the command exits non-zero. A new file is created with mode 0600, as it holds \
                private contact details; a replaced file keeps its mode.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "vcard or json (default: from the --output name, else vcard).") var format: ContactFileFormat?
        @Option(name: [.short, .long], help: "Write to this file instead of stdout.") var output: String?

        func run() throws {
            let book = try global.openBook()
            let chosen = format ?? output.flatMap(ContactFileFormat.init(fileName:)) ?? .vcard
            let exchange = ContactExchange(book: book)
            if let output { return try exchange.export(as: chosen, to: output) }
            let data = try exchange.export(as: chosen)
            do { try FileHandle.standardOutput.write(contentsOf: data) } catch {
                throw AppError.unwritableFile(path: "standard output", reason: "\(error)")
            }
        }
    }
}
