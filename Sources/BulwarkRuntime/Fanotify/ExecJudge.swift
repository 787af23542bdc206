/// The exec decision of the fanotify backend, as a pure function of the compiled policy and what the handler
/// learnt about the file being executed: no descriptors, no /proc, so it is unit-tested without root. The
/// handler (`FanotifyExecGuard`) supplies the file's identity (fstat of the event descriptor, never the path, so a
/// rename or a symlink cannot change the answer), its path (readlink of the descriptor, used only for script globs
/// and events), and lazily its SHA-256 and its `#!` interpreter, which cost a read and are only asked for when an
/// entry needs them.
public struct ExecJudge: Sendable {
    public struct Verdict: Sendable, Hashable {
        public var action: RuntimeAction
        /// The entry that decided, or `CompiledPolicy.defaultRuleIndex`.
        public var ruleIndex: UInt16
        /// Why, in words, for the event's message.
        public var reason: String
        /// The digest, when one was computed.
        public var sha256: String?
        /// An entry asked for a digest and the file could not be read (decided as a deny).
        public var hashFailed: Bool

        public init(action: RuntimeAction, ruleIndex: UInt16, reason: String, sha256: String? = nil, hashFailed: Bool = false) {
            self.action = action
            self.ruleIndex = ruleIndex
            self.reason = reason
            self.sha256 = sha256
            self.hashFailed = hashFailed
        }
    }

    public let exec: CompiledExec
    private let entries: [FileIdentity: CompiledExec.ExecEntry]

    public init(_ exec: CompiledExec) {
        self.exec = exec
        var entries: [FileIdentity: CompiledExec.ExecEntry] = [:]
        // "One entry per distinct file; when several rules name the same file the first wins."
        for entry in exec.entries where entries[entry.identity] == nil {
            entries[entry.identity] = entry
        }
        self.entries = entries
    }

    /// Files this policy allows whatever their bytes and whoever runs them: allow entries without a pinned digest.
    /// The guard may stop asking the kernel about a file every enforced policy allows this way.
    public var unconditionallyAllowed: Set<FileIdentity> {
        Set(entries.values.filter { $0.action == .allow && $0.sha256 == nil }.map(\.identity))
    }

    /// Judges one exec-intent open.
    /// - Parameters:
    ///   - identity: the opened file (fstat of the event descriptor, kernel device encoding).
    ///   - path: where the file is (readlink of the descriptor), nil when unknown.
    ///   - digest: the file's lower-case hex SHA-256, nil when it cannot be read; called at most once and only when
    ///     the matching entry pins a digest.
    ///   - interpreter: for a `#!` script, the identity of the interpreter its first line names (nil for anything
    ///     else, or when that path does not resolve); called at most once and only for a file no entry names.
    public func judge(identity: FileIdentity, path: String?, digest: () -> String?,
                      interpreter: () -> FileIdentity?) -> Verdict {
        if let entry = entries[identity] {
            var computed: String?
            if let expected = entry.sha256 {
                guard let actual = digest() else {
                    return Verdict(action: .deny, ruleIndex: entry.ruleIndex,
                                   reason: "the rule for \(entry.path) pins a SHA-256 and the file could not be read to check it",
                                   hashFailed: true)
                }
                computed = actual
                guard actual == expected.lowercased() else {
                    return Verdict(action: .deny, ruleIndex: entry.ruleIndex,
                                   reason: "the file at \(entry.path)'s device and inode no longer has the SHA-256 its rule pins "
                                       + "(sha256 \(actual), expected \(expected.lowercased())): it was replaced or modified",
                                   sha256: actual)
                }
            }
            return Verdict(action: entry.action, ruleIndex: entry.ruleIndex,
                           reason: "rule for \(entry.path) (\(identity)) says \(entry.action.rawValue)", sha256: computed)
        }
        if let interpreterIdentity = interpreter(), let interpreterEntry = entries[interpreterIdentity],
           interpreterEntry.action != .deny, let scriptPath = path,
           let verdict = scriptVerdict(scriptPath, interpreter: interpreterEntry) {
            return verdict
        }
        return Verdict(action: exec.defaultAction, ruleIndex: CompiledPolicy.defaultRuleIndex,
                       reason: "no rule names this file (\(identity)); the policy's default is \(exec.defaultAction.rawValue)")
    }

    /// A script passes through its interpreter's entry when that entry is an interpreter rule (it has an inline-code
    /// action) and the script matches one of its globs, or the globs are empty ("any script", as `ScriptRule` says).
    private func scriptVerdict(_ scriptPath: String, interpreter entry: CompiledExec.ExecEntry) -> Verdict? {
        guard entry.inlineCode != nil else { return nil }
        if entry.allowedScripts.isEmpty {
            return Verdict(action: .allow, ruleIndex: entry.ruleIndex,
                           reason: "script \(scriptPath) runs under \(entry.path), whose script rule allows any script")
        }
        guard let glob = entry.allowedScripts.first(where: { ScriptGlob.matches($0, scriptPath) }) else { return nil }
        return Verdict(action: .allow, ruleIndex: entry.ruleIndex,
                       reason: "script \(scriptPath) matches \(glob), allowed for \(entry.path)")
    }
}

/// Path globs of script rules: `*` matches within one path segment, `**` across segments (including none), every
/// other character matches itself. Written by hand because `fnmatch` has no `**` and the rule is this small.
public enum ScriptGlob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.utf8)[...], Array(path.utf8)[...])
    }

    private static let slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*")

    private static func match(_ pattern: ArraySlice<UInt8>, _ path: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == star {
            let rest = pattern.dropFirst()
            if rest.first == star {
                // `**`: any run of characters, slashes included; `**/` also matches no directory at all.
                var after = rest.dropFirst()
                if after.first == slash, match(after.dropFirst(), path) { return true }
                after = rest.dropFirst()
                var index = path.startIndex
                while true {
                    if match(after, path[index...]) { return true }
                    if index == path.endIndex { return false }
                    index = path.index(after: index)
                }
            }
            var index = path.startIndex
            while true {
                if match(rest, path[index...]) { return true }
                if index == path.endIndex || path[index] == slash { return false }
                index = path.index(after: index)
            }
        }
        guard let character = path.first, character == first else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}
