import ArgumentParser
import BulwarkArtifacts
import BulwarkCore

/// `--allow-blocked-global`, shared by `scan` and `model scan`, and the pickle policy both build
/// from the command line and the configuration's `model.allow`.
///
/// Allowing a global that a peer scanner blocks (`os.system`, `builtins.eval` …) takes this flag on
/// the command line as well as the allowance: a configuration file is changed by pull requests, and
/// one reviewed-looking line must not be enough to let a model run commands on load.
struct ModelPolicyOptions: ParsableArguments {
    @Option(name: .customLong("allow-blocked-global"), help: ArgumentHelp(
        "Let --allow or model.allow of .bulwark.yaml allow this blocked global (MODULE.NAME, or MODULE:NAME). Repeatable; without it such an allowance is an error.",
        valueName: "global"))
    var allowBlockedGlobal: [String] = []

    func validate() throws {
        _ = try permitted()
    }

    /// The globals named by `--allow-blocked-global`; each must be one a list blocks (a name that
    /// is not blocked needs no permission, and a typo here should not pass unnoticed).
    func permitted() throws -> Set<PickleGlobal> {
        var globals: Set<PickleGlobal> = []
        for entry in allowBlockedGlobal {
            guard let split = Configuration.PickleAllowance.split(entry) else {
                throw ValidationError("--allow-blocked-global \(entry.terminalSafe): expected MODULE.NAME (MODULE:NAME when the name has dots)")
            }
            let global = PickleGlobal(module: split.module, name: split.name)
            guard PicklePolicy.standard.blockedBy(global) != nil else {
                throw ValidationError("--allow-blocked-global \(entry.terminalSafe): \(global) is not blocked; allow it with --allow or model.allow alone")
            }
            globals.insert(global)
        }
        return globals
    }

    /// The policy of a scan: the command line's allowances and the configuration's, checked. An
    /// allowance of a blocked global without `--allow-blocked-global` is a usage error (exit 2),
    /// reported at its place (the configuration's file, line and column).
    func policy(commandLine allowed: [PickleGlobal: String], configuration: Configuration) throws -> PicklePolicy {
        let permitted = try permitted()
        for global in allowed.keys.sorted() {
            if let source = PicklePolicy.standard.blockedBy(global), !permitted.contains(global) {
                throw ValidationError("--allow \(global.description.terminalSafe): \(global) is blocked by \(source); "
                                      + "to allow it anyway, also pass --allow-blocked-global \(global.description.terminalSafe)")
            }
        }
        let (policy, errors) = PicklePolicy(extraAllowed: allowed, permittedBlocked: permitted).adding(configuration.modelAllowances)
        if !errors.isEmpty {
            for error in errors { Console.current.error("\(error)") }
            throw ExitCode(2)
        }
        return policy
    }
}
