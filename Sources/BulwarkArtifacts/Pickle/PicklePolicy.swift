/// How a global is judged: allowlist first. A global the ML libraries' own pickles use, for the
/// versions named, is allowed; one that any of the peer scanners blocks is dangerous (critical);
/// every other global is unlisted (high), because a blocklist is never complete.
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

    public init(extraAllowed: [PickleGlobal: String] = [:]) {
        self.extraAllowed = extraAllowed
    }

    public static let standard = PicklePolicy()

    /// The verdict for an import, judged on the name imported and on the name as written.
    public func verdict(_ global: PickleGlobal, written: PickleGlobal? = nil) -> Verdict {
        if let reason = extraAllowed[global] { return .allowed(reason) }
        if let source = Self.blocked(global) {
            // fickling blocks whole modules (`joblib`, for joblib.load & co.); a name the allowlist
            // lists exactly in such a module (joblib's NumpyArrayWrapper, in every joblib file with
            // arrays) is data, unless a list blocks that very name.
            if let group = PickleAllowlist.exactGroup(of: global), PickleBlocklist.globals[global] == nil { return .allowed(group) }
            return .dangerous(source)
        }
        // The name as written matters only where a list names it: Python 3 writes
        // `__builtin__.xrange` for `range`, which no list blocks.
        if let written, let source = Self.blocked(written, onlyListed: true) { return .dangerous(source) }
        if let group = PickleAllowlist.group(of: global) { return .allowed(group) }
        return .unlisted
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
