/// The ENV variables in effect when an instruction runs: what the stage inherits from the stage
/// it is built FROM, then the stage's own ENV assignments before the instruction.
///
/// The instructions of a stage share one table of its assignments, so a file of N ENV lines needs
/// memory in proportion to N. (A dictionary per instruction needed N²/2 entries: 12 GB for a
/// 250 KB file of 20,000 ENV lines.) A lookup is a hash lookup and a binary search.
public struct InstructionEnvironment: Sendable, Equatable, CustomStringConvertible {
    /// One stage's ENV assignments, in order.
    final class StageTable: Sendable {
        struct Assignment: Sendable {
            let ordinal: Int
            /// nil: unset.
            let value: String?
        }

        let inherited: [String: String]
        /// For each name, the stage's assignments to it, by ascending ordinal.
        let assignments: [String: [Assignment]]

        init(inherited: [String: String], assignments: [String: [Assignment]]) {
            self.inherited = inherited
            self.assignments = assignments
        }
    }

    /// Collects a stage's assignments; `ordinal` counts them.
    struct Builder {
        let inherited: [String: String]
        private(set) var ordinal = 0
        private var assignments: [String: [StageTable.Assignment]] = [:]

        init(inherited: [String: String]) {
            self.inherited = inherited
        }

        mutating func set(_ name: String, _ value: String?) {
            assignments[name, default: []].append(StageTable.Assignment(ordinal: ordinal, value: value))
            ordinal += 1
        }

        func build() -> StageTable { StageTable(inherited: inherited, assignments: assignments) }
    }

    let table: StageTable?
    /// How many of the stage's assignments come before the instruction.
    let visible: Int

    init(table: StageTable?, visible: Int) {
        self.table = table
        self.visible = visible
    }

    /// The value of a variable, nil when it is not set.
    public subscript(name: String) -> String? {
        guard let table else { return nil }
        if let list = table.assignments[name] {
            // The last assignment with an ordinal below `visible`.
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle].ordinal < visible { low = middle + 1 } else { high = middle }
            }
            if low > 0 { return list[low - 1].value }  // nil when unset
        }
        return table.inherited[name]
    }

    /// Every variable with its value (built on each call).
    public var dictionary: [String: String] {
        guard let table else { return [:] }
        var result = table.inherited
        for (name, list) in table.assignments {
            if let last = list.last(where: { $0.ordinal < visible }) { result[name] = last.value }  // nil removes
        }
        return result
    }

    public var isEmpty: Bool { dictionary.isEmpty }

    public static func == (lhs: InstructionEnvironment, rhs: InstructionEnvironment) -> Bool {
        lhs.dictionary == rhs.dictionary
    }

    public var description: String { dictionary.description }
}
