import BulwarkCore
import BulwarkDockerfile
import FuzzDriver

/// One input: bytes as a shell script → `ShellCommand.parse` (the tokenizer and parser under every
/// RUN line, `sh -c` scripts parsed recursively) on its own, without the Dockerfile parser's line
/// assembly around it. Must not crash and must finish; every issue and every command, word and
/// redirection range lies inside the text (lines from 1 to the last, columns from 1 to just after the
/// line's break) with its start before its end; nesting stops at the parser's depth; parsing is deterministic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    let script = ShellCommand.parse(text)
    // Unicode scalars per line (columns count scalars). A position is at most one column past a line's
    // last character (its line break); a range's end, just after its last character, may be just after
    // that line break (a here-document body runs to the end of its last line).
    // (Split by scalars: a String splits by Characters, and CRLF is one Character.)
    var widths = [0]
    for scalar in text.unicodeScalars {
        if scalar == "\n" { widths.append(0) } else { widths[widths.count - 1] += 1 }
    }
    func inside(_ position: TextPosition, end: Bool = false) -> Bool {
        guard position.line >= 1, position.line <= widths.count, position.column >= 1 else { return false }
        let hasBreak = position.line < widths.count
        return position.column <= widths[position.line - 1] + (end && hasBreak ? 2 : 1)
    }
    func check(_ range: TextRange, _ what: String) {
        if !inside(range.start) || !inside(range.end, end: true) || range.end < range.start {
            fatalError("\(what) range \(range) outside the text or reversed")
        }
    }
    for issue in script.issues where !inside(issue.position) { fatalError("issue outside the text: \(issue)") }
    func walk(_ script: ShellScript, depth: Int) {
        if depth > 8 { fatalError("sh -c scripts nested deeper than the parser's limit") }
        for command in script.commands {
            check(command.range, "command")
            for word in command.words { check(word.range, "word") }
            for assignment in command.assignments { check(assignment.range, "assignment") }
            for redirection in command.redirections { check(redirection.range, "redirection") }
            _ = (command.program, command.operands, command.subcommand, command.hasOption("-c", "--help"), command.optionValue("-i"))
            if let nested = command.nested {
                for issue in nested.issues where !inside(issue.position) { fatalError("nested issue outside the text: \(issue)") }
                walk(nested, depth: depth + 1)
            }
        }
    }
    walk(script, depth: 0)
    _ = (script.allCommands, script.allPipelines)
    if ShellCommand.parse(text) != script { fatalError("parsing twice gave different scripts") }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzShell_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
