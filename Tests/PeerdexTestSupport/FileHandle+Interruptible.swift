import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension FileHandle {
    /// The next bytes to arrive (waiting for some), or empty at end of file. A read interrupted by
    /// a signal is tried again: Foundation's `availableData` and `readDataToEndOfFile()` trap on
    /// EINTR instead (swift-corelibs-foundation, "Interrupted system call"), which killed a whole
    /// test run once while child processes came and went.
    public func nextChunk(maximum: Int = 65_536) -> Data {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, maximum) }
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR { return Data() }  // a closed or broken pipe reads as its end
        }
    }

    /// Every byte up to end of file, reads interrupted by signals tried again (see `nextChunk`).
    public func readToEndRetryingInterrupts() -> Data {
        var all = Data()
        while true {
            let chunk = nextChunk()
            if chunk.isEmpty { return all }
            all.append(chunk)
        }
    }
}
