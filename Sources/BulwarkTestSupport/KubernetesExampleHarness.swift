import BulwarkCore
import BulwarkKubernetes

/// Variants of Kubernetes examples: an unrelated document before the example, `# ` before every
/// line, and a `bulwark.dev/ignore: "<rule-id>: <reason>"` annotation on each object a finding
/// is about (written into its `metadata`, in the style the example uses).
public struct KubernetesExampleHarness: ExampleHarness {
    public let domain = "kubernetes"

    static let unrelatedDocument = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: other}\ndata: {greeting: hello}\n---\n"

    public init() {}

    public func shifted(_ text: String, markers: [TextPosition], fileName: String) -> (String, [TextPosition]) {
        (Self.unrelatedDocument + text, markers.map { TextPosition(line: $0.line + 5, column: $0.column) })
    }

    public func suppressed(_ text: String, findings: [Finding], ruleId: String, reason: String) -> Result<String, ExampleProblem> {
        let read = YAMLReader.read(text)
        let objects = read.documents.compactMap { document in document.root.flatMap { KubeObject(root: $0, file: "", helmSource: nil) } }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// Edits by line (0-based): insert a line before it, or insert text at a column.
        var insertions: [(line: Int, column: Int?, text: String)] = []
        var annotated: Set<Int> = []
        let value = "\(KubernetesScanner.ignoreAnnotation): \"\(ruleId): \(reason)\""
        for finding in findings {
            guard let reference = finding.object else {
                return .failure(ExampleProblem("finding at \(finding.location.line):\(finding.location.column) names no object, so no annotation can suppress it"))
            }
            guard let index = objects.firstIndex(where: {
                $0.kind == reference.kind && $0.name == reference.name && ($0.isClusterScoped || $0.namespace == reference.namespace)
            }) else {
                return .failure(ExampleProblem("finding at \(finding.location.line) is about \(reference.displayName), which is not in the example"))
            }
            guard annotated.insert(index).inserted else { continue }
            let object = objects[index]
            guard let metadata = object.metadata else {
                // No metadata: a line before `kind`, at its indentation.
                guard let kind = object.root.keyNode("kind") else { return .failure(ExampleProblem("\(reference.displayName) has no kind line")) }
                let indent = String(repeating: " ", count: kind.position.column - 1)
                insertions.append((kind.position.line - 1, nil, "\(indent)metadata: {annotations: {\(value)}}"))
                continue
            }
            let annotations = metadata["annotations"]
            let container = annotations ?? metadata
            let line = lines[container.position.line - 1]
            let offset = line.index(line.startIndex, offsetBy: container.position.column - 1, limitedBy: line.endIndex)
            if let offset, offset < line.endIndex, line[offset] == "{" {
                // Flow style: the first entry of `{…}`.
                let entry = annotations == nil ? "annotations: {\(value)}" : value
                let empty = line[line.index(after: offset)...].drop { $0 == " " }.first == "}"
                insertions.append((container.position.line - 1, container.position.column, entry + (empty ? "" : ", ")))
            } else if let first = container.pairs?.first {
                // Block style: a line before the first key, at its indentation.
                let indent = String(repeating: " ", count: first.key.position.column - 1)
                insertions.append((first.key.position.line - 1, nil, indent + (annotations == nil ? "annotations: {\(value)}" : value)))
            } else {
                return .failure(ExampleProblem("cannot place an annotation in the metadata of \(reference.displayName)"))
            }
        }
        for insertion in insertions.sorted(by: { ($0.line, $0.column ?? 0) > ($1.line, $1.column ?? 0) }) {
            if let column = insertion.column {
                var line = lines[insertion.line]
                let index = line.index(line.startIndex, offsetBy: column)
                line.insert(contentsOf: insertion.text, at: index)
                lines[insertion.line] = line
            } else {
                lines.insert(insertion.text, at: insertion.line)
            }
        }
        return .success(lines.joined(separator: "\n"))
    }
}
