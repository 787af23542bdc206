import BulwarkCore

/// A simple command: assignments, words and redirections, and the operator to the next command.
public struct SimpleCommand: Sendable, Hashable, CustomStringConvertible {
    public var assignments: [ShellAssignment]
    /// The words (program and arguments), redirections and assignments left out.
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]
    /// The operator after this command; nil for the last one.
    public var separator: ShellOperator?
    public var range: TextRange
    /// `! cmd`
    public var negated: Bool
    /// 0 for commands of the instruction itself, 1 inside its `sh -c '…'`, and so on.
    public var depth: Int
    /// Index in `words` of the program after wrappers (`sudo`, `env VAR=x`, `nohup`, `exec`, …).
    public var commandIndex: Int
    /// The wrappers before the program, by base name (`["sudo"]`).
    public var wrappers: [String]
    /// The script that `sh -c`, `bash -c`, `su -c` or `eval` runs.
    public var nested: ShellScript?

    public init(
        assignments: [ShellAssignment] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = [],
        separator: ShellOperator? = nil, range: TextRange, negated: Bool = false, depth: Int = 0, commandIndex: Int = 0,
        wrappers: [String] = [], nested: ShellScript? = nil
    ) {
        self.assignments = assignments
        self.words = words
        self.redirections = redirections
        self.separator = separator
        self.range = range
        self.negated = negated
        self.depth = depth
        self.commandIndex = commandIndex
        self.wrappers = wrappers
        self.nested = nested
    }

    /// The first word as written (`sudo` in `sudo apt-get install`).
    public var name: String? { words.first?.value }

    /// The program after wrappers, by base name (`apt-get` for `sudo /usr/bin/apt-get install`).
    public var program: String? {
        guard words.indices.contains(commandIndex) else { return nil }
        return Self.baseName(words[commandIndex].value)
    }

    /// The arguments of `program`.
    public var arguments: ArraySlice<ShellWord> {
        guard commandIndex < words.count else { return [] }
        return words[(commandIndex + 1)...]
    }

    /// The arguments' values.
    public var argumentValues: [String] { arguments.map(\.value) }

    /// True when an argument is one of the options: a long option also matches `--name=value`;
    /// a one-letter option also matches inside a cluster (`-k` in `-fsSLk`).
    public func hasOption(_ names: String...) -> Bool { hasOption(names) }

    public func hasOption(_ names: [String]) -> Bool {
        for word in arguments {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name { return true }
                if name.hasPrefix("--") {
                    if value.hasPrefix(name + "=") { return true }
                } else if name.count == 2, name.hasPrefix("-"), value.count > 2, value.hasPrefix("-"), !value.hasPrefix("--"),
                    value.utf8.dropFirst().allSatisfy({ Self.isASCIILetter($0) }),
                    let letter = name.last, value.dropFirst().contains(letter)
                {
                    return true
                }
            }
        }
        return false
    }

    /// The value of an option (`--index-url URL`, `--index-url=URL`, `-i URL`, `-iURL`).
    public func optionValue(_ names: String...) -> String? {
        let values = Array(arguments)
        for (index, word) in values.enumerated() {
            let value = word.value
            if value == "--" { break }
            for name in names {
                if value == name { return index + 1 < values.count ? values[index + 1].value : nil }
                if name.hasPrefix("--"), value.hasPrefix(name + "=") { return String(value.dropFirst(name.count + 1)) }
                if !name.hasPrefix("--"), name.count == 2, value.hasPrefix(name), value.count > 2 { return String(value.dropFirst(2)) }
            }
        }
        return nil
    }

    /// The arguments that are not options (`install`, `curl` in `apt-get -y install curl`);
    /// option values written as separate words are not recognised and stay in the list.
    public var operands: [ShellWord] {
        var result: [ShellWord] = []
        var afterDashDash = false
        for word in arguments {
            if afterDashDash { result.append(word); continue }
            if word.value == "--" { afterDashDash = true; continue }
            if word.value.hasPrefix("-") && word.value.count > 1 { continue }
            result.append(word)
        }
        return result
    }

    /// The first operand (the subcommand of `apt-get install`, `pip install`, `git clone`).
    public var subcommand: String? { operands.first?.value }

    public var description: String {
        (assignments.map { "\($0.name)=\($0.value.value)" } + words.map(\.value)).joined(separator: " ")
    }

    static func baseName(_ path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: ASCII.slash) else { return path }
        return String(path[utf8.index(after: slash)...])
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
