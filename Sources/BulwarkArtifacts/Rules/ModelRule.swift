import BulwarkCore

/// One model file as the model rules see it: the programs found in it and the policy that judges
/// the globals they import.
public struct ModelFile: Sendable {
    public let path: String
    public let artifact: ModelArtifact
    public let policy: PicklePolicy

    /// Every pickle program of the file with the offset its own offsets add to, nested pickles
    /// (inside bytes arguments) included, each with a phrase saying where it sits.
    public var programs: [(member: String?, base: Int, program: PickleProgram, context: String?)] {
        var result: [(member: String?, base: Int, program: PickleProgram, context: String?)] = []
        func add(_ program: PickleProgram, member: String?, base: Int, context: String?) {
            result.append((member, base, program, context))
            for nested in program.nested {
                add(nested.program, member: member, base: base + nested.offset,
                    context: "in a pickle inside a bytes argument at offset \(base + nested.offset)")
            }
        }
        for item in artifact.programs { add(item.program, member: item.member, base: item.offset, context: nil) }
        return result
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

/// An example for a model rule: a pickle program in `PickleAssembly` text.
func modelExample(_ text: String, sourceFile: String = #filePath, sourceLine: Int = #line) -> RuleExample {
    RuleExample(text, fileName: "example.pkl", sourceFile: sourceFile, sourceLine: sourceLine)
}
