import BulwarkCore
import Testing

/// Aliases must not expand a document without bound: one large scalar aliased many times, nested
/// aliases (billion laughs), merge keys and aliased keys all stop at the byte budget with an error
/// at the alias that crosses it. No timing assertions: each case must simply finish quickly.
@Suite struct YAMLAliasExpansionTests {
    /// A ConfigMap whose one 1 MiB value is aliased `aliases` times.
    static func largeScalarAliased(_ aliases: Int, scalarBytes: Int = 1 << 20) -> [UInt8] {
        var lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: bomb", "data:",
                     "  a: &a " + String(repeating: "x", count: scalarBytes)]
        for index in 0..<aliases { lines.append("  k\(index): *a") }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Lines of the text (LF only: the inputs here are ASCII).
    static func line(_ number: Int, of bytes: [UInt8]) -> String {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        return number >= 1 && number <= lines.count ? String(decoding: lines[number - 1], as: UTF8.self) : ""
    }

    /// The error is at an alias: the character at its line and column is the `*` of an alias.
    static func expectErrorAtAnAlias(_ bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLError {
        let result = YAMLReader.read(bytes: bytes)
        let error = try #require(result.errors.first, "no error", sourceLocation: sourceLocation)
        #expect(error.message.contains("alias expansion exceeds"), "\(error)", sourceLocation: sourceLocation)
        let text = Array(line(error.line, of: bytes).unicodeScalars)
        #expect(error.column >= 1 && error.column <= text.count && text[error.column - 1] == "*",
                "\(error) does not point at an alias: \(String(String.UnicodeScalarView(text)).prefix(80))", sourceLocation: sourceLocation)
        return error
    }

    @Test func aOneMebibyteScalarAliasedAThousandTimesIsAnErrorAtTheAlias() throws {
        let bytes = Self.largeScalarAliased(1000)
        let error = try Self.expectErrorAtAnAlias(bytes)
        let limit = YAMLLimits.standard.aliasExpansionByteLimit(forInputOf: bytes.count)
        #expect(error.message == "alias expansion exceeds \(limit) bytes at alias \"*a\" (alias bomb?)")
        // The budget is ten times the input: the tenth alias (line 6 + 10) crosses it.
        #expect(error.line == 16)
        #expect(error.column == 7)
        #expect(YAMLReader.read(bytes: bytes).documents.isEmpty)
    }

    @Test func aFewAliasesOfALargeScalarStayWithinTheBudget() throws {
        let result = YAMLReader.read(bytes: Self.largeScalarAliased(5))
        #expect(result.errors.isEmpty)
        let root = try #require(result.documents.first?.root)
        #expect(root.at("data", "k4")?.scalar?.utf8.count == 1 << 20)
    }

    @Test func theBudgetScalesWithTheInputAndHasAFloor() {
        let limits = YAMLLimits.standard
        #expect(limits.aliasExpansionByteLimit(forInputOf: 0) == 4 << 20)
        #expect(limits.aliasExpansionByteLimit(forInputOf: 1 << 20) == 10 << 20)
        #expect(limits.aliasExpansionByteLimit(forInputOf: .max) == .max)
    }

    static let billionLaughs: String = {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = "abcdefghij".map(String.init)
        for index in 1..<names.count {
            lines.append("\(names[index]): &\(names[index]) [" + Array(repeating: "*\(names[index - 1])", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// Nested aliases of tiny scalars: each level is nine times the one before.
    @Test func billionLaughsIsAnErrorAtTheFirstAliasOverTheBudget() throws {
        let error = try Self.expectErrorAtAnAlias(Array(Self.billionLaughs.utf8))
        // Level g (line 7) is the first past 4 MiB: 37 × 9^6 bytes.
        #expect(error.line == 7)
    }

    /// A nested bomb of large scalars in block style, where every level is a mapping.
    @Test func nestedMappingBombIsAnErrorAtAnAlias() throws {
        var lines = ["l0: &l0", "  v: " + String(repeating: "y", count: 4096)]
        for level in 1...12 {
            lines.append("l\(level): &l\(level)")
            for copy in 0..<4 { lines.append("  c\(copy): *l\(level - 1)") }
        }
        let error = try Self.expectErrorAtAnAlias(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(error.line > 2)
    }

    /// `<<: [*m, *m, …]` merges the same large mapping again and again: each merge costs work in
    /// proportion to the mapping, so each alias counts its full size.
    @Test func repeatedMergeKeysAreBounded() throws {
        var lines = ["m: &m"]
        for key in 0..<20_000 { lines.append("  key\(key): v") }
        lines.append("n:")
        lines.append("  <<: [" + Array(repeating: "*m", count: 5_000).joined(separator: ", ") + "]")
        let error = try Self.expectErrorAtAnAlias(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(error.line == 20_003)
    }

    /// Aliases used as mapping keys count like any other alias.
    @Test func aliasedComplexKeysAreBounded() throws {
        var lines = ["base: &k [" + Array(repeating: String(repeating: "z", count: 1000), count: 100).joined(separator: ", ") + "]", "m:"]
        for index in 0..<2_000 { lines.append("  ? *k\n  : \(index)") }
        _ = try Self.expectErrorAtAnAlias(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// The budget is shared by the documents of one input; a document that fails does not use it
    /// up, so the documents after it are still read.
    @Test func theOtherDocumentsOfTheFileAreStillRead() throws {
        let bomb = String(decoding: Self.largeScalarAliased(1000, scalarBytes: 64 << 10), as: UTF8.self)
        let text = "first: 1\n---\n" + bomb + "---\nlast: &x 2\ncopy: *x\n"
        let result = YAMLReader.read(text)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("alias expansion exceeds") == true)
        #expect(result.documents.compactMap { $0.root?.pairs?.first?.key.scalar } == ["first", "last"])
    }

    @Test func smallLimitsApplyToOrdinaryAliases() throws {
        let limits = YAMLLimits(aliasExpansionByteFloor: 64, aliasExpansionByteFactor: 1)
        let text = "a: &a " + String(repeating: "q", count: 40) + "\nb: *a\nc: *a\n"
        let result = YAMLReader.read(text, limits: limits)
        let error = try #require(result.errors.first)
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(error.message == "alias expansion exceeds 64 bytes at alias \"*a\" (alias bomb?)")
    }
}
