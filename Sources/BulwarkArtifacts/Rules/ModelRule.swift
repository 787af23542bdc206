import BulwarkCore

/// One model file as the model rules see it: the programs found in it and the policy that judges
/// the globals they import.
public struct ModelFile: Sendable {
    /// One pickle program with the offset its own offsets add to, a phrase saying where it sits
    /// (nil at the top level), and the first call of each global it calls.
    public struct Entry: Sendable {
        public let member: String?
        public let base: Int
        public let program: PickleProgram
        public let context: String?
        public let firstCalls: [PickleGlobal: PickleCall]
    }

    public let path: String
    public let artifact: ModelArtifact
    public let policy: PicklePolicy
    /// Every pickle program of the file, nested pickles (inside bytes arguments) included; made
    /// once, since every rule walks it.
    public let programs: [Entry]

    public init(path: String, artifact: ModelArtifact, policy: PicklePolicy) {
        self.path = path
        self.artifact = artifact
        var policy = policy
        if artifact.format == .torchScript {
            // torch.jit.load's C++ unpickler resolves these itself (TorchScriptCode.isOwnGlobal): no
            // Python module is imported, so a peer's block of `torch.jit` does not apply to them.
            for item in artifact.programs {
                for global in item.program.imports.map(\.global) where TorchScriptCode.isOwnGlobal(global) && policy.extraAllowed[global] == nil {
                    policy.extraAllowed[global] = "TorchScript's own (resolved by torch.jit.load, not imported)"
                    policy.permittedBlocked.insert(global)
                }
            }
        }
        self.policy = policy
        var entries: [Entry] = []
        func add(_ program: PickleProgram, member: String?, base: Int, context: String?) {
            var firstCalls: [PickleGlobal: PickleCall] = [:]
            for call in program.calls {
                if case .global(let global) = call.callee, firstCalls[global] == nil { firstCalls[global] = call }
            }
            entries.append(Entry(member: member, base: base, program: program, context: context, firstCalls: firstCalls))
            for nested in program.nested {
                add(nested.program, member: member, base: base + nested.offset,
                    context: "in a pickle inside a bytes argument at offset \(base + nested.offset)")
            }
        }
        for item in artifact.programs { add(item.program, member: item.member, base: item.offset, context: nil) }
        programs = entries
    }
}

/// A model rule's finding: the message and the byte offset (in the file) it is about.
public struct ModelViolation: RuleViolation, Hashable {
    public var message: String
    public var member: String?
    public var offset: Int
    public var severity: Severity?

    public init(_ message: String, member: String?, offset: Int, severity: Severity? = nil) {
        self.message = message
        self.member = member
        self.offset = offset
        self.severity = severity
    }
}

/// Model rules run once per model file.
public struct ModelCheck: Sendable {
    public let run: @Sendable (ModelFile) -> [ModelViolation]

    public init(_ run: @escaping @Sendable (ModelFile) -> [ModelViolation]) {
        self.run = run
    }
}

public typealias ModelRule = Rule<ModelCheck>

/// An example for a model rule: a pickle program in `PickleAssembly` text, or, with another
/// `fileName`, text in the `ModelExampleFormats` entry for its extension.
func modelExample(_ text: String, fileName: String = "example.pkl", sourceFile: String = #filePath, sourceLine: Int = #line) -> RuleExample {
    RuleExample(text, fileName: fileName, sourceFile: sourceFile, sourceLine: sourceLine)
}
