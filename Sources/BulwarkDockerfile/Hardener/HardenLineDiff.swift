/// Line diffs for `bulwark fix dockerfile --diff`: Myers' O(ND) shortest edit script, printed as
/// `diff -u` prints it. Kept private to the hardener until the fixers share one implementation.
enum HardenLineDiff {
    enum Operation: Equatable {
        case equal(Int, Int)  // old index, new index
        case delete(Int)
        case insert(Int)
    }

    /// The unified diff of two texts; empty when they are equal.
    static func unified(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let a = splitLines(old)
        let b = splitLines(new)
        let operations = diff(a.lines, b.lines)
        var output = "--- \(oldLabel)\n+++ \(newLabel)\n"
        for hunk in hunks(operations, context: context) {
            var oldStart = 0, oldCount = 0, newStart = 0, newCount = 0
            var body = ""
            for operation in hunk {
                switch operation {
                case .equal(let i, let j):
                    if oldCount == 0 { oldStart = i + 1 }
                    if newCount == 0 { newStart = j + 1 }
                    oldCount += 1
                    newCount += 1
                    body += " " + a.lines[i] + "\n" + marker(a, i)
                case .delete(let i):
                    if oldCount == 0 { oldStart = i + 1 }
                    oldCount += 1
                    body += "-" + a.lines[i] + "\n" + marker(a, i)
                case .insert(let j):
                    if newCount == 0 { newStart = j + 1 }
                    newCount += 1
                    body += "+" + b.lines[j] + "\n" + marker(b, j)
                }
            }
            // diff -u names the line before an empty range.
            if oldCount == 0 { oldStart = precedingIndex(hunk, old: true) }
            if newCount == 0 { newStart = precedingIndex(hunk, old: false) }
            output += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        }
        return output
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }

    private static func marker(_ text: (lines: [String], endsWithNewline: Bool), _ index: Int) -> String {
        index == text.lines.count - 1 && !text.endsWithNewline ? "\\ No newline at end of file\n" : ""
    }

    /// For an empty side of a hunk: the number of lines of that side before the hunk.
    private static func precedingIndex(_ hunk: [Operation], old: Bool) -> Int {
        for operation in hunk {
            switch operation {
            case .delete(let i): if !old { return i }
            case .insert(let j): if old { return j }
            case .equal: break
            }
        }
        return 0
    }

    static func splitLines(_ text: String) -> (lines: [String], endsWithNewline: Bool) {
        guard !text.isEmpty else { return ([], true) }
        let scalars = Substring(text).unicodeScalars
        var lines = scalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        let endsWithNewline = scalars.last == "\n"
        if endsWithNewline { lines.removeLast() }
        return (lines, endsWithNewline)
    }

    /// Groups the edit script into hunks with `context` equal lines around each change.
    private static func hunks(_ operations: [Operation], context: Int) -> [[Operation]] {
        let changed = operations.indices.filter { if case .equal = operations[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return [] }
        var ranges: [ClosedRange<Int>] = []
        for index in changed {
            let low = max(0, index - context)
            let high = min(operations.count - 1, index + context)
            if let last = ranges.last, low <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, high)
            } else {
                ranges.append(low...high)
            }
        }
        return ranges.map { Array(operations[$0]) }
    }

    /// The shortest edit script turning `a` into `b`.
    static func diff(_ a: [String], _ b: [String]) -> [Operation] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var result = (0..<prefix).map { Operation.equal($0, $0) }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        for operation in myers(middleA, middleB) {
            switch operation {
            case .equal(let i, let j): result.append(.equal(i + prefix, j + prefix))
            case .delete(let i): result.append(.delete(i + prefix))
            case .insert(let j): result.append(.insert(j + prefix))
            }
        }
        for k in 0..<suffix { result.append(.equal(a.count - suffix + k, b.count - suffix + k)) }
        return result
    }

    private static func myers(_ a: [String], _ b: [String]) -> [Operation] {
        let n = a.count, m = b.count
        if n == 0 { return (0..<m).map(Operation.insert) }
        if m == 0 { return (0..<n).map(Operation.delete) }
        let maxD = n + m
        let offset = maxD
        var v = [Int](repeating: 0, count: 2 * maxD + 2)
        var trace: [[Int]] = []
        search: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m { break search }
            }
        }
        var reversed: [Operation] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                reversed.append(.equal(x, y))
            }
            if d > 0 {
                if x == previousX {
                    y -= 1
                    reversed.append(.insert(y))
                } else {
                    x -= 1
                    reversed.append(.delete(x))
                }
            }
        }
        return reversed.reversed()
    }
}
