import BulwarkCore

/// The rules of the model domain, in the order `bulwark rules` lists them.
public enum ModelRules {
    public static let all: [ModelRule] = [
        dangerousGlobal, unlistedGlobal, computedCall, unfollowablePickle,
        kerasLambdaLayer, kerasArbitraryCallable, kerasUnsafeDeserialization, torchScriptDangerousOp,
        safetensorsInvalidHeader, ggufInvalidHeader, ggufChatTemplateCode, onnxExternalDataEscape, onnxCustomDomain,
    ]

    static let remediation = """
    Do not load the file: pickle runs code while loading, and `torch.load(weights_only=True)` is not a defence for \
    untrusted files (CVE-2025-32434). Ask for the weights as safetensors (or ONNX/GGUF without custom code), pin the \
    file by digest and verify its signature before any server starts.
    """

    /// The phrase for where a program sits: `archive/data.pkl, offset 57`.
    static func place(_ member: String?, _ offset: Int, _ context: String?) -> String {
        ([member.map { "\($0), offset \(offset)" } ?? "offset \(offset)"] + (context.map { [$0] } ?? [])).joined(separator: " ")
    }
}
