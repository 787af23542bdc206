import SwiftProtobuf

/// ONNX examples are a `ModelProto` in protobuf text format, encoded as the binary file a user
/// would have. Binary protobuf keeps no trace of text lines, so lines are mapped by content: a line
/// with a quoted string lands at the offset of that string's bytes in the file (its first
/// length-delimited occurrence, the same search the ONNX rules use for their offsets). Strings a
/// finding points at must therefore be unique in the example, and the `↓` goes on their line.
struct ONNXExampleFormat: ModelExampleFormat {
    let fileExtension = "onnx"
    /// A field before the graph: every offset moves.
    let unrelatedPrefix: [String]? = [#"producer_name: "bulwark-example""#]

    func assemble(_ text: String) throws -> ModelExampleFile {
        let bytes: [UInt8] = try Onnx_ModelProto(textFormatString: text).serializedBytes()
        let model = ModelBytes(bytes)
        var offsets: [Int: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
            guard parts.count >= 3 else { continue }
            let offset = ONNXModel.offset(of: String(parts[1]), in: model)
            if offset > 0 { offsets[index + 1] = offset }
        }
        return ModelExampleFile(bytes: bytes, lineOffsets: offsets)
    }
}
