import BulwarkCore
import BulwarkKubernetes

/// `bulwark fix manifests` output: the fixed files as one YAML stream, or as a unified diff.
public enum FixReporter {
    /// One file as it is; several files each after a `--- # file: PATH` line. The path is written
    /// double-quoted with escapes when it holds a line break or another control character, so a
    /// file name can never add a document to the stream (`x\n---\nkind: Pod` stays one comment).
    public static func stream(_ results: [ManifestFixResult]) -> String {
        let readable = results.filter(\.isUsable)
        if results.count == 1 { return readable.first?.fixed ?? "" }
        var text = ""
        for result in readable {
            // A byte-order mark is only allowed at the start of a stream.
            let body = result.fixed.hasPrefix("\u{FEFF}") ? String(result.fixed.unicodeScalars.dropFirst()) : result.fixed
            text += "--- # file: \(LineDiff.label(result.file))\n" + body
            if !body.isEmpty && body.utf8.last != UInt8(ascii: "\n") { text += "\n" }
        }
        return text
    }

    /// A unified diff of every readable file that changed (partly fixed files included).
    public static func diff(_ results: [ManifestFixResult]) -> String {
        results.filter(\.isUsable).map { result in
            LineDiff.unified(old: result.original, new: result.fixed, oldLabel: result.file, newLabel: result.file)
        }.joined()
    }

    /// `warning: k8s/deploy.yaml:12: …`, sanitised for the terminal.
    public static func line(_ note: ManifestFixNote) -> String {
        "warning: \(note)".terminalSafe
    }
}
