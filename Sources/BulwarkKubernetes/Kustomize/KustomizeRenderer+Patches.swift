import BulwarkCore
import Foundation

extension KustomizeRenderer {
    /// Where the resources of one kustomization are, by kind and by kind and name (every name each had).
    struct TargetIndex {
        var byKind: [String: [Int]] = [:]
        var byKindAndName: [String: [Int]] = [:]

        init(_ resources: [KustomizeResource]) {
            for (index, resource) in resources.enumerated() {
                byKind[resource.kind, default: []].append(index)
                for name in Set(resource.names) { byKindAndName[resource.kind + "/" + name, default: []].append(index) }
            }
        }
    }

    /// Applies `patchesStrategicMerge`, `patches` and `patchesJson6902`, in the order written.
    mutating func applyPatches(_ kustomization: Kustomization, to resources: inout [KustomizeResource]) {
        guard !kustomization.patches.isEmpty else { return }
        let index = TargetIndex(resources)
        var deleted = Set<Int>()
        for patch in kustomization.patches {
            let file: String
            let roots: [YAMLNode]
            switch patch.source {
            case .file(let path):
                file = KustomizePath.join(kustomization.directory, path)
                consumed.insert(KustomizePath.key(file))
                guard case .success(.regular) = FileKind.of(file) else {
                    errors.append(Kustomization.error(kustomization.file, patch.node, "patch file \(path) not found"))
                    continue
                }
                roots = read(file) ?? []
            case .inline(let text):
                file = kustomization.file
                roots = documents(of: Array(text.utf8), file: file, lineOffset: Self.lineOffset(of: patch.node))
                    .map { Self.shifted($0, toLineOf: patch.node) }
            }
            for root in roots {
                origins.record(tree: root, file: file)
                apply(root, file: file, patch: patch, of: kustomization, index: index, to: &resources, deleted: &deleted)
            }
        }
        if !deleted.isEmpty {
            resources = resources.enumerated().filter { !deleted.contains($0.offset) }.map(\.element)
        }
    }

    private mutating func apply(_ root: YAMLNode, file: String, patch: KustomizationPatch, of kustomization: Kustomization,
                                index: TargetIndex, to resources: inout [KustomizeResource], deleted: inout Set<Int>) {
        if let operations = root.sequence {
            guard let target = patch.target else {
                errors.append(Kustomization.error(kustomization.file, patch.node, "a JSON 6902 patch needs a target"))
                return
            }
            let targets = select(target, in: resources, index: index)
            if targets.isEmpty {
                // kustomize applies a patch whose target selects nothing to nothing, without an error.
                warnings.append(Kustomization.warning(kustomization.file, patch.node, "no object matches the patch target; the patch changes nothing"))
            }
            let jsonPatch = JSONPatch(operations: operations)
            for position in targets where !deleted.contains(position) {
                switch jsonPatch.apply(to: resources[position].root, origins: &origins) {
                case .success(let patched): resources[position].root = patched
                case .failure(let failure):
                    errors.append(Kustomization.error(file, failure.node, "\(failure.message) (on \(resources[position].kind) \(resources[position].name), patch of \(kustomization.file))"))
                }
            }
            return
        }
        guard root.isMapping, !patch.jsonOnly else {
            errors.append(Kustomization.error(file, root, patch.jsonOnly ? "a patchesJson6902 patch must be a list of operations"
                                                                      : "a patch must be a mapping or a list of JSON patch operations"))
            return
        }
        let targets: [Int]
        if let target = patch.target {
            targets = select(target, in: resources, index: index)
        } else {
            let kind = root["kind"]?.string ?? ""
            let name = root["metadata"]?["name"]?.string ?? ""
            let candidates = index.byKindAndName[kind + "/" + name] ?? []
            if let namespace = root["metadata"]?["namespace"]?.string {
                targets = candidates.filter { (resources[$0].namespace ?? "default") == namespace }
            } else {
                let unnamespaced = candidates.filter { resources[$0].namespace == nil }
                targets = unnamespaced.isEmpty ? candidates : unnamespaced
            }
        }
        if targets.isEmpty, patch.target != nil {
            warnings.append(Kustomization.warning(kustomization.file, patch.node, "no object matches the patch target; the patch changes nothing"))
        } else if targets.isEmpty {
            let what = patch.target == nil ? "\(root["kind"]?.string ?? "(no kind)") \(root["metadata"]?["name"]?.string ?? "(no name)")" : "the patch target"
            if buildIsPartial {
                // The target is most likely among the remote resources Bulwark does not fetch.
                warnings.append(Kustomization.warning(file, root, "kustomization only partly applied: patch of \(kustomization.file) "
                    + "applies to none of the resources Bulwark read (no \(what)); its remote resources are not fetched"))
            } else {
                errors.append(Kustomization.error(file, root, "patch of \(kustomization.file) applies to nothing: no \(what) among its resources"))
            }
        }
        for position in targets where !deleted.contains(position) {
            let merge = StrategicMerge(mergesLists: StrategicMerge.builtInKinds.contains(resources[position].kind))
            if let merged = merge.mergeObject(resources[position].root, patch: root, origins: &origins) {
                resources[position].root = merged
            } else {
                deleted.insert(position)
            }
        }
    }

    /// The resources a `target:` selects.
    func select(_ target: PatchTarget, in resources: [KustomizeResource], index: TargetIndex) -> [Int] {
        var candidates: [Int]
        if let kind = target.kind, let name = target.name, !NamePattern.isPattern(name) {
            candidates = index.byKindAndName[kind + "/" + name] ?? []
        } else if let kind = target.kind {
            candidates = index.byKind[kind] ?? []
        } else {
            candidates = Array(resources.indices)
        }
        let namePattern = target.name.map(NamePattern.init)
        let labels = target.labelSelector.map(SelectorExpression.init)
        let annotations = target.annotationSelector.map(SelectorExpression.init)
        candidates = candidates.filter { position in
            let resource = resources[position]
            if let namePattern, !resource.names.contains(where: namePattern.matches) { return false }
            if let namespace = target.namespace, (resource.namespace ?? "default") != namespace { return false }
            let apiVersion = resource.apiVersion
            let group = apiVersion.contains("/") ? String(apiVersion.prefix { $0 != "/" }) : ""
            let version = apiVersion.contains("/") ? String(apiVersion.drop { $0 != "/" }.dropFirst()) : apiVersion
            if let wanted = target.group, wanted != group { return false }
            if let wanted = target.version, wanted != version { return false }
            let metadata = resource.root["metadata"]
            if let labels, !labels.matches(metadata?["labels"]?.stringMap ?? [:]) { return false }
            if let annotations, !annotations.matches(metadata?["annotations"]?.stringMap ?? [:]) { return false }
            return true
        }
        return candidates
    }

    /// How many lines before an inline patch's text starts in the kustomization.
    static func lineOffset(of entry: YAMLNode) -> Int {
        let block = entry.scalarStyle == .literal || entry.scalarStyle == .folded
        return entry.position.line - (block ? 0 : 1)
    }

    /// An inline patch's tree with its lines moved to where the text is written in the kustomization
    /// (a block scalar's text starts on the line after its indicator). Columns stay those of the text.
    static func shifted(_ root: YAMLNode, toLineOf entry: YAMLNode) -> YAMLNode {
        let offset = lineOffset(of: entry)
        var done: [ObjectIdentifier: YAMLNode] = [:]
        func move(_ node: YAMLNode) -> YAMLNode {
            if let known = done[ObjectIdentifier(node)] { return known }
            let content: YAMLNode.Content
            switch node.content {
            case .scalar: content = node.content
            case .sequence(let items): content = .sequence(items.map(move))
            case .mapping(let pairs): content = .mapping(pairs.map { YAMLNode.Pair(key: move($0.key), value: move($0.value)) })
            }
            let position = TextPosition(line: node.position.line + offset, column: node.position.column)
            let end = TextPosition(line: node.endPosition.line + offset, column: node.endPosition.column)
            let moved = YAMLNode(content, position: position, endPosition: end, tag: node.tag)
            done[ObjectIdentifier(node)] = moved
            return moved
        }
        return move(root)
    }
}

/// A `target.name`: a name, or a regular expression matched against the whole name as kustomize does.
struct NamePattern {
    let text: String
    private let regex: Regex<AnyRegexOutput>?

    init(_ text: String) {
        self.text = text
        regex = Self.isPattern(text) ? try? Regex(text) : nil
    }

    static func isPattern(_ text: String) -> Bool {
        text.contains { "*+?[](){}|^$\\".contains($0) }
    }

    func matches(_ name: String) -> Bool {
        guard let regex else { return name == text }
        return (try? regex.wholeMatch(in: name)) != nil
    }
}

/// A label (or annotation) selector written as text: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
/// `a in (x,y)`, `a notin (x,y)`, joined by commas (all must hold).
struct SelectorExpression {
    enum Requirement {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case absent(String)
        case within(String, Set<String>)
        case outside(String, Set<String>)
    }

    var requirements: [Requirement] = []

    init(_ text: String) {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth <= 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        terms.append(current)
        for raw in terms {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            if let open = term.firstIndex(of: "("), term.hasSuffix(")") {
                let head = term[..<open].split(separator: " ", omittingEmptySubsequences: true)
                let values = Set(term[term.index(after: open)..<term.index(before: term.endIndex)]
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                if head.count == 2 {
                    let key = String(head[0])
                    requirements.append(head[1] == "notin" ? .outside(key, values) : .within(key, values))
                }
            } else if let range = term.range(of: "!=") {
                requirements.append(.notEquals(Self.trim(term[..<range.lowerBound]), Self.trim(term[range.upperBound...])))
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                requirements.append(.equals(Self.trim(term[..<range.lowerBound]), Self.trim(term[range.upperBound...])))
            } else if term.hasPrefix("!") {
                requirements.append(.absent(Self.trim(term.dropFirst())))
            } else {
                requirements.append(.exists(term))
            }
        }
    }

    private static func trim(_ text: Substring) -> String { text.trimmingCharacters(in: .whitespaces) }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .exists(let key): labels[key] != nil
            case .absent(let key): labels[key] == nil
            case .within(let key, let values): labels[key].map(values.contains) ?? false
            case .outside(let key, let values): !(labels[key].map(values.contains) ?? false)
            }
        }
    }
}
