import BulwarkCore

/// How a global is judged: allowlist first. A global the ML libraries' own pickles use, for the
/// versions named, is allowed; one that any of the peer scanners blocks is dangerous (critical),
/// unless the allowlist names it exactly and the scanner blocks only its whole module; every
/// other global is unlisted (high), because a blocklist is never complete.
public struct PicklePolicy: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// On the allowlist: the group (framework) or the user's reason.
        case allowed(String)
        /// Blocked by a peer scanner (which ones), or a builtin outside the safe set.
        case dangerous(String)
        case unlisted
    }

    /// Globals the user allows (`--allow MODULE.NAME`, `.bulwark.yaml`), with the reason given.
    public var extraAllowed: [PickleGlobal: String]
    /// Blocked globals that `extraAllowed` may allow nonetheless (`--allow-blocked-global`, on the
    /// command line only). Without it an allowance of a blocked global has no effect here, and
    /// the CLI and `adding(_:)` refuse it: a reviewed-looking line in a configuration file must
    /// not be able to let `os.system` through.
    public var permittedBlocked: Set<PickleGlobal>

    public init(extraAllowed: [PickleGlobal: String] = [:], permittedBlocked: Set<PickleGlobal> = []) {
        self.extraAllowed = extraAllowed
        self.permittedBlocked = permittedBlocked
    }

    public static let standard = PicklePolicy()

    /// The verdict for an import, judged on the name imported and on the name as written.
    public func verdict(_ global: PickleGlobal, written: PickleGlobal? = nil) -> Verdict {
        if let reason = extraAllowed[global], permittedBlocked.contains(global) || blockedBy(global, written: written) == nil {
            return .allowed(reason)
        }
        // The name as written matters only where a list names it: Python 3 writes
        // `__builtin__.xrange` for `range`, which no list blocks.
        let writtenBlock = written.flatMap { Self.blocked($0, onlyListed: true) }
        // An exact allowlist entry outweighs a block of its whole module, never a block of the
        // name itself: fickling blocks all of `joblib`, and every file `joblib.dump` writes holds
        // its array wrapper (a class whose state is the array's shape and dtype).
        if writtenBlock == nil, PickleBlocklist.globals[global] == nil, let group = PickleAllowlist.exactGroup(of: global) {
            return .allowed(group)
        }
        if let source = Self.blocked(global) { return .dangerous(source) }
        if let writtenBlock { return .dangerous(writtenBlock) }
        if let group = PickleAllowlist.group(of: global) { return .allowed(group) }
        return .unlisted
    }

    /// Which peer scanners block the global (or the name as written), if any.
    public func blockedBy(_ global: PickleGlobal, written: PickleGlobal? = nil) -> String? {
        Self.blocked(global) ?? written.flatMap { Self.blocked($0, onlyListed: true) }
    }

    /// This policy with the configuration's `model.allow` entries added (an entry of the command
    /// line's `--allow` for the same global keeps its reason). An entry that names a blocked
    /// global not in `permittedBlocked` is not added, and is returned as an error at its position.
    public func adding(_ allowances: [Configuration.PickleAllowance]) -> (policy: PicklePolicy, errors: [InputError]) {
        var policy = self
        var errors: [InputError] = []
        for allowance in allowances {
            let global = PickleGlobal(module: allowance.module, name: allowance.name)
            if let source = blockedBy(global), !permittedBlocked.contains(global) {
                errors.append(InputError(
                    file: allowance.file, line: allowance.line, column: allowance.column,
                    message: "model.allow: \(global) is blocked by \(source) and is never allowed by configuration alone; "
                        + "to load it anyway, also pass --allow-blocked-global \(allowance.spelling)"))
                continue
            }
            if policy.extraAllowed[global] == nil { policy.extraAllowed[global] = allowance.reason }
        }
        return (policy, errors)
    }

    /// Which peer scanners block the global, if any.
    static func blocked(_ global: PickleGlobal, onlyListed: Bool = false) -> String? {
        if ["builtins", "__builtin__", "__builtins__"].contains(global.module) {
            let head = global.name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? global.name
            if let source = PickleBlocklist.globals[PickleGlobal(module: global.module, name: head)] { return source }
            return PickleBlocklist.safeBuiltins.contains(head) || onlyListed ? nil : "fickling (not a safe builtin)"
        }
        var module = Substring(global.module)
        while true {
            if let source = PickleBlocklist.modules[String(module)] { return source }
            guard let dot = module.lastIndex(of: ".") else { break }
            module = module[..<dot]
        }
        if let source = PickleBlocklist.globals[global] { return source }
        // `Trace.runctx` is blocked, and so is reaching it through `Trace.runctx.__func__`.
        var name = Substring(global.name)
        while let dot = name.lastIndex(of: ".") {
            name = name[..<dot]
            if let source = PickleBlocklist.globals[PickleGlobal(module: global.module, name: String(name))] { return source }
        }
        return nil
    }
}
