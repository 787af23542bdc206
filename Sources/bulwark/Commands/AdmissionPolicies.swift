import ArgumentParser
import BulwarkAdmission
import Foundation

/// `bulwark admission policies`: the in-tree admission policies generated from the catalogue.
struct AdmissionPolicies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "Print the ValidatingAdmissionPolicy (and bindings) for the rules CEL can express, and the MutatingAdmissionPolicy for the hardening defaults.",
        discussion: """
        The rules CEL can express exactly on one object become validations of one ValidatingAdmissionPolicy; \
        the others stay with the webhook (`--list` names them with why). Bindings: one per bulwark.dev/mode label \
        value (enforce → Deny, warn → Warn, audit → Audit) and one for unlabelled namespaces with --mode; \
        kube-system and bulwark-system are never matched.
        """
    )

    @Option(name: .long, help: "Only these rules (ids or aliases, comma-separated).")
    var rules: String?

    @Option(name: .long, help: "Mode of namespaces without a bulwark.dev/mode label: enforce, warn or audit.")
    var mode: ModeArgument = .enforce

    @Flag(name: .long, help: "Leave out the MutatingAdmissionPolicy.")
    var noMutating = false

    @Flag(name: .long, help: "List the rules emitted as CEL and those that stay webhook-only, with why, instead of the YAML.")
    var list = false

    enum ModeArgument: String, ExpressibleByArgument, CaseIterable {
        case enforce, warn, audit
        var mode: AdmissionMode { AdmissionMode(rawValue: rawValue) ?? .enforce }
    }

    func run() async throws {
        let console = Console.current
        var requested: [String]?
        if let rules {
            let names = rules.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let unknown = AdmissionPolicyGenerator.unknownRules(names)
            guard unknown.isEmpty, !names.isEmpty else {
                console.error(names.isEmpty ? "--rules names no rule" : "unknown Kubernetes rule: \(unknown.joined(separator: ", "))")
                throw ExitCode(2)
            }
            requested = names
        }
        let generated = AdmissionPolicyGenerator.generate(
            AdmissionPolicyOptions(rules: requested, mode: mode.mode, includeMutating: !noMutating))
        guard list else {
            try console.emit(generated.yaml)
            return
        }
        var text = "emitted as CEL (\(generated.emitted.count)):\n"
        for rule in generated.emitted { text += "  \(rule)\n" }
        text += "webhook-only (\(generated.webhookOnly.count)):\n"
        let width = generated.webhookOnly.map(\.rule.count).max() ?? 0
        for entry in generated.webhookOnly {
            text += "  " + entry.rule.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.reason + "\n"
        }
        text += "kinds judged by the webhook only (every rule):\n"
        for kind in AdmissionPolicyGenerator.webhookOnlyKinds { text += "  \(kind)\n" }
        try console.emit(text)
    }
}
