/// Line diffs (Myers' O(ND) algorithm) and unified-diff output, as `diff -u` prints them.
public enum LineDiff {
    public enum Operation: Equatable, Sendable {
        case equal(String)
        case delete(String)
        case insert(String)
    }

    /// The shortest edit script turning `old` into `new`, line by line.
    public static func operations(_ old: [String], _ new: [String]) -> [Operation] {
        // Trim the common prefix and suffix first: fixes touch a few places in long files.
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] {
            suffix += 1
        }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        var result = old[..<prefix].map(Operation.equal)
        result += myers(a, b)
        result += old[(old.count - suffix)...].map(Operation.equal)
        return result
    }

    private static func myers(_ a: [String], _ b: [String]) -> [Operation] {
        let n = a.count
        let m = b.count
        if n == 0 { return b.map(Operation.insert) }
        if m == 0 { return a.map(Operation.delete) }
        let max = n + m
        let offset = max
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m { break outer }
            }
        }
        // Walk the trace back from (n, m).
        var operations: [Operation] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                operations.append(.equal(a[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX {
                    operations.append(.insert(b[y - 1]))
                } else {
                    operations.append(.delete(a[x - 1]))
                }
            }
            x = previousX
            y = previousY
        }
        return operations.reversed()
    }

    /// A unified diff with `context` lines around each change; empty when the texts are equal.
    public static func unified(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        // Lines keep their "\n", so that a last line without one differs from the same line with it.
        let operations = operations(lines(old), lines(new))
        var output = "--- \(Self.label(oldLabel))\n+++ \(Self.label(newLabel))\n"
        var index = 0
        var oldLine = 1
        var newLine = 1
        func isEqual(_ operation: Operation) -> Bool {
            if case .equal = operation { return true }
            return false
        }
        while let changeStart = operations[index...].firstIndex(where: { !isEqual($0) }) {
            oldLine += changeStart - index
            newLine += changeStart - index
            let hunkStart = Swift.max(index, changeStart - context)
            let leading = changeStart - hunkStart
            // The hunk goes on while the next change is at most 2 * context equal lines away.
            var lastChange = changeStart
            var cursor = changeStart
            var equalRun = 0
            while cursor < operations.count {
                if isEqual(operations[cursor]) {
                    equalRun += 1
                    if equalRun > 2 * context { break }
                } else {
                    equalRun = 0
                    lastChange = cursor
                }
                cursor += 1
            }
            let hunkStop = Swift.min(operations.count, lastChange + 1 + context)
            let slice = operations[hunkStart..<hunkStop]
            var oldCount = 0
            var newCount = 0
            for operation in slice {
                switch operation {
                case .equal: oldCount += 1; newCount += 1
                case .delete: oldCount += 1
                case .insert: newCount += 1
                }
            }
            let oldStart = oldLine - leading
            let newStart = newLine - leading
            output += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for operation in slice {
                switch operation {
                case .equal(let line): output += " " + printable(line)
                case .delete(let line): output += "-" + printable(line)
                case .insert(let line): output += "+" + printable(line)
                }
            }
            for operation in operations[changeStart..<hunkStop] {
                switch operation {
                case .equal: oldLine += 1; newLine += 1
                case .delete: oldLine += 1
                case .insert: newLine += 1
                }
            }
            index = hunkStop
            if index >= operations.count { break }
        }
        return output
    }

    /// `start,count` (`start` alone for one line; an empty range names the line before it).
    private static func range(_ start: Int, _ count: Int) -> String {
        if count == 0 { return "\(start - 1),0" }
        return count == 1 ? "\(start)" : "\(start),\(count)"
    }

    private static func printable(_ line: String) -> String {
        line.utf8.last == UInt8(ascii: "\n") ? line : line + "\n\\ No newline at end of file\n"
    }

    /// The lines of a text, each with its "\n" (the last one may lack it).
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
        return lines
    }

    /// A file name for a header line: as it is, or double-quoted with escapes (as git writes such
    /// names) when it holds a control character, a quote or a backslash, so a name can never add
    /// lines to the diff or drive the terminal.
    public static func label(_ name: String) -> String {
        name.unicodeScalars.contains { QuotedString.isEscaped($0) || TerminalText.isUnsafe($0) } ? QuotedString.quoted(name) : name
    }
}
