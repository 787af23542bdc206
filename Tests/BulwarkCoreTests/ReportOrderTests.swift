@testable import BulwarkCore
import BulwarkTestSupport
import Testing

/// The report sorts its findings by moving them along the cycles of the sorted order
/// (`Array.permute(to:)`) instead of gathering copies; over random permutations this must equal
/// the plain gather `order.map { original[$0] }`.
@Suite struct ReportOrderTests {
    @Test(arguments: 0..<200)
    func permuteEqualsGather(seed: Int) {
        var random = Mutator(seed: UInt64(seed))
        let count = seed < 5 ? seed : random.below(300)
        let original = (0..<count).map { "element \($0)" }
        let order = Array(0..<count).shuffled(using: &random)
        var permuted = original
        permuted.permute(to: order)
        #expect(permuted == order.map { original[$0] })
    }

    @Test func identityAndSingleCycle() {
        var values = [10, 20, 30, 40]
        values.permute(to: [0, 1, 2, 3])
        #expect(values == [10, 20, 30, 40])
        values.permute(to: [1, 2, 3, 0])
        #expect(values == [20, 30, 40, 10])
    }
}
