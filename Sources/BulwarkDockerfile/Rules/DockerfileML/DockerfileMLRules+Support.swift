import BulwarkCore

/// Helpers shared by the ML rules: model files, heredoc lines no shell reads, notebook servers,
/// Hugging Face Hub downloads.
extension DockerfileMLRules {
    static let modelSuffixes = [
        ".bin", ".pt", ".pth", ".safetensors", ".gguf", ".ggml", ".onnx", ".ckpt", ".h5", ".keras", ".pkl", ".pickle", ".joblib",
        ".tflite", ".pb", ".mlmodel", ".mar", ".nemo",
    ]

    /// A URL path or file name of a model artifact (weights, pickles, archives of model servers).
    static func isModelFile(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return modelSuffixes.contains { lowered.hasSuffix($0) }
    }

    /// Lines of heredoc bodies that no shell reads (Python scripts, files written by COPY), with
    /// their file positions.
    static func foreignHeredocLines(_ view: InstructionView) -> [(text: String, position: TextPosition)] {
        var lines: [(String, TextPosition)] = []
        for heredoc in view.instruction.heredocs where heredoc.script == nil {
            for (offset, line) in heredoc.body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
                let text = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
                let indent = text.prefix { $0 == " " || $0 == "\t" }.count
                lines.append((text, TextPosition(line: heredoc.startLine + offset, column: indent + 1)))
            }
        }
        return lines
    }

    static let notebookPackages: Set<String> = [
        "jupyter", "jupyterlab", "notebook", "jupyter-server", "jupyter_server", "nbclassic", "voila", "jupyterhub", "jupyter-notebook",
        "python3-notebook", "jupyter-lab",
    ]

    static let notebookPrograms: Set<String> = ["jupyter", "jupyter-lab", "jupyter-notebook", "jupyter-server", "voila", "jupyterhub"]

    static let hubCalls = ["snapshot_download(", "hf_hub_download(", "from_pretrained("]

    /// The first Hub download call in a text, nil when none.
    static func hubCall(_ text: String) -> String? {
        var best: (String, String.Index)?
        for call in hubCalls {
            if let range = text.firstRange(of: call), best.map({ range.lowerBound < $0.1 }) ?? true {
                // `AutoTokenizer.from_pretrained(` → start at the receiver.
                var start = range.lowerBound
                while start > text.startIndex {
                    let before = text[text.index(before: start)]
                    guard before.isLetter || before.isNumber || before == "_" || before == "." else { break }
                    start = text.index(before: start)
                }
                best = (String(text[start..<range.upperBound].dropLast()), start)
            }
        }
        return best?.0
    }

    /// A Hub download call without a pinned `revision=`; `from_pretrained` of a local path is not a download.
    static func unpinnedHubCall(_ text: String) -> Bool {
        guard text.utf8.contains(UInt8(ascii: "(")), hubCalls.contains(where: { text.contains($0) }) else { return false }
        if let range = text.firstRange(of: "from_pretrained("), !text.contains("snapshot_download("), !text.contains("hf_hub_download(") {
            let argument = text[range.upperBound...].drop { $0 == " " }
            if let quote = argument.first, quote == "'" || quote == "\"" {
                let value = argument.dropFirst().prefix { $0 != quote }
                if value.hasPrefix("/") || value.hasPrefix(".") { return false }
            } else {
                return false  // a variable: cannot tell
            }
        }
        var rest = Substring(text)
        while let range = rest.firstRange(of: "revision") {
            var after = rest[range.upperBound...].drop { $0 == " " }
            if after.first == "=" {
                after = after.dropFirst().drop { $0 == " " || $0 == "'" || $0 == "\"" }
                let value = after.prefix { $0.isHexDigit }
                if value.count == 40 { return false }
            }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// Shared helpers of the supply-chain rules under a short name.
typealias SupplyChain = DockerfileSupplyChainRules
