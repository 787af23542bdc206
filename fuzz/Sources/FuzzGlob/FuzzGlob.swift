import BulwarkCore
import BulwarkDockerfile
import FuzzDriver

/// One input: a pattern and a text (split at the first line break) → the three pattern languages:
/// `.bulwark.yaml` path globs, shell patterns under a budget, and a `.dockerignore`. Must not
/// crash, and a match never costs more steps than pattern × text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    let parts = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let pattern = String(parts.first ?? "")
    let text = parts.count > 1 ? String(parts[1]) : ""
    _ = PathGlob.matches(pattern, text)
    for dialect in [Glob.Dialect.path, .shell] {
        var budget = Glob.defaultBudget
        _ = Glob(pattern, dialect: dialect).matches(text, budget: &budget)
        let bound = (pattern.unicodeScalars.count + 2) * (text.unicodeScalars.count + 1)
        if Glob.defaultBudget - budget > bound { fatalError("a match cost more than pattern × text") }
    }
    var budget = 10_000
    let shell = ShellPattern(pattern)
    _ = shell.trimPrefix(text, longest: true, budget: &budget)
    _ = shell.trimSuffix(text, longest: false, budget: &budget)
    _ = shell.replace(in: text, with: "x", all: true, budget: &budget, maxLength: 4 * text.utf8.count + 16)
    _ = Dockerignore(contents: input).excludes(text)
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzGlob_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
