import BulwarkCore
import BulwarkKubernetes
import Testing

@Suite struct ManifestFixerLineDiffTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let old: String
        let new: String
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "equal texts give no diff", old: "a\nb\n", new: "a\nb\n", expected: ""),
        Case(name: "insertion in the middle", old: "a\nb\nc\n", new: "a\nb\nx\nc\n", expected: """
            --- old
            +++ new
            @@ -1,3 +1,4 @@
             a
             b
            +x
             c

            """),
        Case(name: "replacement with context cut to three lines",
             old: "1\n2\n3\n4\n5\n6\n7\n8\n", new: "1\n2\n3\n4\nfive\n6\n7\n8\n", expected: """
            --- old
            +++ new
            @@ -2,7 +2,7 @@
             2
             3
             4
            -5
            +five
             6
             7
             8

            """),
        Case(name: "distant changes make two hunks",
             old: "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", new: "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n", expected: """
            --- old
            +++ new
            @@ -1,4 +1,4 @@
            -a
            +A
             1
             2
             3
            @@ -7,4 +7,4 @@
             6
             7
             8
            -b
            +B

            """),
        Case(name: "appending to an empty file", old: "", new: "x\n", expected: """
            --- old
            +++ new
            @@ -0,0 +1 @@
            +x

            """),
        Case(name: "a missing final newline is shown", old: "a\nb", new: "a\nb\nc\n", expected: """
            --- old
            +++ new
            @@ -1,2 +1,3 @@
             a
            -b
            \\ No newline at end of file
            +b
            +c

            """),
    ]

    @Test(arguments: cases)
    func unifiedDiff(_ fixture: Case) {
        #expect(LineDiff.unified(old: fixture.old, new: fixture.new, oldLabel: "old", newLabel: "new") == fixture.expected)
    }

    @Test func operationsReplayToTheNewText() {
        let old = ["a", "b", "c", "a", "b", "b", "a"]
        let new = ["c", "b", "a", "b", "a", "c"]
        let operations = LineDiff.operations(old, new)
        var rebuiltOld: [String] = []
        var rebuiltNew: [String] = []
        for operation in operations {
            switch operation {
            case .equal(let line):
                rebuiltOld.append(line)
                rebuiltNew.append(line)
            case .delete(let line): rebuiltOld.append(line)
            case .insert(let line): rebuiltNew.append(line)
            }
        }
        #expect(rebuiltOld == old)
        #expect(rebuiltNew == new)
        // Myers finds the shortest edit script: D = 5 for this classic example.
        #expect(operations.count { if case .equal = $0 { return false } else { return true } } == 5)
    }
}
