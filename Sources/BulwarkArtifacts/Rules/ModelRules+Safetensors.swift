import BulwarkCore

/// safetensors holds no code; what can go wrong is a header that loaders read differently.
extension ModelRules {
    static let safetensorsInvalidHeader = ModelRule(
        RuleDescriptor(
            id: "model/safetensors-invalid-header",
            severity: .high,
            title: "safetensors header is invalid",
            summary: """
            The safetensors header breaks the format: a length above the loader's limit, JSON that is not an object, \
            an unknown dtype, a shape that does not match the data offsets, tensors that overlap or leave gaps, offsets \
            past the end of the file, or a key given twice. The reference loader refuses such a file, other loaders may \
            read it differently (a repeated key or overlapping tensors let a scanner and a server see different weights), \
            and loaders that trust the offsets read outside the buffer.
            """,
            remediation: """
            Do not serve the file: rewrite it from the source weights with the safetensors library (`save_file`), which \
            writes a valid header, and pin the new file by digest.
            """,
            controls: ["mitre-atlas:AML.T0010.003", "owasp-ml:ML06", "mitre-atlas:AML.T0076"],
            failing: [
                modelExample("""
                {
                "__metadata__": {"format": "pt"},
                "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                ↓"b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
                }
                """, fileName: "example.safetensors"),
                modelExample("""
                {
                "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                ↓"w": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}
                }
                """, fileName: "example.safetensors"),
                modelExample("""
                {
                ↓"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 4]}
                }
                """, fileName: "example.safetensors"),
                modelExample("""
                {
                ↓"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}
                }
                # buffer 8
                """, fileName: "example.safetensors"),
                modelExample("""
                {
                ↓"w": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 2]}
                }
                # buffer 0
                """, fileName: "example.safetensors"),
            ],
            passing: [
                modelExample("""
                {
                "__metadata__": {"format": "pt"},
                "bias": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]},
                "weight": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]}
                }
                """, fileName: "example.safetensors"),
            ],
            tags: ["ml", "safetensors"]
        ),
        check: ModelCheck { file in
            (file.artifact.safetensors?.problems ?? []).map { problem in
                ModelViolation("safetensors header, offset \(problem.offset): \(problem.message)", member: nil, offset: problem.offset)
            }
        }
    )
}
