import Foundation
import Testing

@testable import PeerdexParallel

@Suite struct BackgroundTaskTests {
    @Test func givesTheValueOnceReadyAndAgainLater() {
        // Given a task that takes a moment
        let task = BackgroundTask { () -> [Int] in
            usleep(20_000)
            return Array(1...3)
        }
        // Then waiting gives its value, as often as asked
        #expect(task.wait() == [1, 2, 3])
        #expect(task.wait() == [1, 2, 3])
    }

    @Test func anOptionalResultOfNilStillCountsAsReady() {
        let task = BackgroundTask { () -> Int? in nil }
        #expect(task.wait() == nil)
    }
}
