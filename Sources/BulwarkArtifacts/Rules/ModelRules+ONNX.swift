import BulwarkCore

/// ONNX holds no pickle; its risks are files it makes the runtime read and native code it makes the
/// runtime load.
extension ModelRules {
    static let onnxExternalDataEscape = ModelRule(
        RuleDescriptor(
            id: "model/onnx-external-data-escape",
            severity: .critical,
            title: "ONNX external data points outside the model's directory",
            summary: """
            A tensor of the model keeps its bytes in an external file whose `location` is an absolute path, climbs out \
            of the model's directory with `..`, or is a symbolic link to a file outside it. Loading the model reads that \
            file into a tensor (a local file read that can leak secrets through outputs, or hang on a device file): \
            the path traversal of onnx CVE-2022-25882 and its bypass CVE-2024-27318.
            """,
            remediation: """
            Do not load the model: external data must be relative paths inside the model's directory. Save the model \
            again with `onnx.save_model(..., save_as_external_data=True, location="model.onnx.data")` from a trusted \
            copy, and ship the model directory without symbolic links.
            """,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                ir_version: 8
                graph {
                  name: "main"
                  initializer {
                    name: "weight"
                    data_type: 1
                    dims: 4
                    data_location: EXTERNAL
                    external_data {
                      key: "location"
                ↓value: "../../../../root/.ssh/id_rsa"
                    }
                  }
                }
                opset_import { version: 17 }
                """, fileName: "example.onnx"),
                modelExample("""
                ir_version: 8
                graph {
                  name: "main"
                  node {
                    output: "c"
                    op_type: "Constant"
                    attribute {
                      name: "value"
                      type: TENSOR
                      t {
                        name: "c"
                        data_type: 1
                        data_location: EXTERNAL
                        external_data {
                          key: "location"
                ↓value: "/proc/self/environ"
                        }
                      }
                    }
                  }
                }
                opset_import { version: 17 }
                """, fileName: "example.onnx"),
            ],
            passing: [
                modelExample("""
                ir_version: 8
                graph {
                  name: "main"
                  initializer {
                    name: "weight"
                    data_type: 1
                    dims: 4
                    data_location: EXTERNAL
                    external_data { key: "location" value: "weights/../model.onnx.data" }
                  }
                }
                opset_import { version: 17 }
                """, fileName: "example.onnx"),
            ],
            tags: ["ml", "onnx"]
        ),
        check: ModelCheck { file in
            (file.artifact.onnx?.externalData ?? []).compactMap { data in
                guard let escape = data.escape else { return nil }
                let more = data.tensors.count > 1 ? " (and \(data.tensors.count - 1) more tensors)" : ""
                return ModelViolation(
                    "external data location \"\(data.location)\" of \(data.tensors.first ?? "a tensor")\(more), offset \(data.offset), \(escape)",
                    member: nil, offset: data.offset)
            }
        }
    )

    static let onnxCustomDomain = ModelRule(
        RuleDescriptor(
            id: "model/onnx-custom-domain",
            severity: .medium,
            title: "ONNX model uses operators from a custom domain",
            summary: """
            The graph runs operators from a domain outside the ONNX standard sets (`ai.onnx`, `ai.onnx.ml`, the training \
            domains) and onnxruntime's built-in `com.microsoft` operators, and not defined as functions in the model. \
            A runtime runs them only after loading a custom-op library (`register_custom_ops_library`, \
            onnxruntime-extensions for `ai.onnx.contrib`): native code, or Python for `PyOp`, that comes with the model \
            and is not reviewed with it.
            """,
            remediation: """
            Export the model with standard operators only, or review and pin the custom-op library the model needs and \
            allow this finding with a reason.
            """,
            controls: ["mitre-atlas:AML.T0011.000", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                ir_version: 8
                graph {
                  name: "main"
                  node { input: "x" output: "y" op_type: "Relu" }
                  node {
                    name: "decode"
                    input: "y"
                    output: "z"
                ↓op_type: "StringECMARegexReplace"
                    domain: "ai.onnx.contrib"
                  }
                }
                opset_import { version: 17 }
                opset_import { domain: "ai.onnx.contrib" version: 1 }
                """, fileName: "example.onnx"),
            ],
            passing: [
                modelExample("""
                ir_version: 8
                graph {
                  name: "main"
                  node { input: "x" output: "y" op_type: "Relu" }
                  node { input: "y" output: "z" op_type: "FusedMatMul" domain: "com.microsoft" }
                  node { input: "z" output: "w" op_type: "Scale2" domain: "local" }
                }
                opset_import { version: 17 }
                functions {
                  name: "Scale2"
                  domain: "local"
                  input: "a"
                  output: "b"
                  node { input: "a" input: "a" output: "b" op_type: "Add" }
                  opset_import { version: 17 }
                }
                """, fileName: "example.onnx"),
            ],
            tags: ["ml", "onnx"]
        ),
        check: ModelCheck { file in
            (file.artifact.onnx?.customOperators ?? []).map { op in
                let count = op.nodes > 1 ? " (\(op.nodes) nodes)" : ""
                return ModelViolation(
                    "\(op.firstNode) runs \(op.opType) from the custom domain \"\(op.domain)\"\(count), offset \(op.offset); "
                        + "it needs a custom-op library (native code) to run",
                    member: nil, offset: op.offset)
            }
        }
    )
}
