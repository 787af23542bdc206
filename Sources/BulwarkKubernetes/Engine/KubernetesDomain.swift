import BulwarkCore

/// Kubernetes manifests as a domain of the engine: YAML and JSON files (multi-document, `kind:
/// List`, Helm output), and objects handed over in memory.
///
/// Claims: a file whose first bytes hold an `apiVersion` key (by content); a `.yaml`, `.yml` or
/// `.json` file found in a directory (by name; parsing then tells manifests from other YAML, and
/// documents without `apiVersion` and `kind` are counted as skipped); any other file named on the
/// command line that no domain recognises (as a fallback, like `kubectl apply -f`). A file named
/// `Kustomization` is claimed by name too; kustomizations are rendered (`Kustomize`) before the rules run.
public struct KubernetesDomain: ScanDomain {
    public static let manifestExtensions: Set<String> = ["yaml", "yml", "json"]

    public let name = "kubernetes"
    public let ruleDomains = ["k8s", "pss", "rbac", "netpol", "secret", "serving"]
    public var rules: [any AnyRule] { KubernetesRules.all }

    public init() {}

    public func mayClaim(_ file: DiscoveredFile) -> Bool {
        file.explicit || Self.manifestExtensions.contains(file.pathExtension) || file.fileName == "Kustomization"
    }

    public func claim(_ probe: InputProbe) -> InputClaim? {
        if Self.hasAPIVersionKey(probe.head) { return .content }
        if Self.manifestExtensions.contains(probe.file.pathExtension) || probe.file.fileName == "Kustomization" { return .name }
        return probe.file.explicit ? .fallback : nil
    }

    public func claims(_ document: MemoryDocument) -> Bool {
        document.root["apiVersion"]?.string != nil && document.root["kind"]?.string != nil
    }

    public func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult {
        let options = LoadOptions(maxFileSize: context.maxFileSize.bytes)
        let loaded = KubernetesLoader.load(sources: sources, documents: documents, options: options)
        context.onPhase?("kubernetes: load \(loaded.files) files, \(loaded.objects.count) objects")
        // Kustomizations are rendered before the rules run: they judge what would be deployed.
        let renders = !loaded.kustomizations.isEmpty
        let inventory = Kustomize.render(consume loaded, options: options)
        if renders { context.onPhase?("kubernetes: kustomize, \(inventory.objects.count) objects") }
        let rules = KubernetesRules.all.filter { context.enabledRules.contains($0.id) }
        let findings = KubernetesScanner(rules: rules, timings: context.ruleTimings).scan(inventory)
        context.onPhase?("kubernetes: rules, \(findings.count) findings")
        let result = DomainScanResult(findings: findings, errors: inventory.errors, warnings: inventory.warnings, files: inventory.files,
                                objects: inventory.objects.count, skippedDocuments: inventory.skippedDocuments)
        // Freeing tens of thousands of YAML trees takes time (~45 ms at 10,000 objects): do it on
        // another core while the engine goes on to the report.
        Task.detached(priority: .utility) { _ = consume inventory }
        return result
    }

    /// Whether a line of the text starts (after indentation, `- `, `{` or `"`) with the key
    /// `apiVersion`, as a YAML or JSON manifest does. Never reads past `head`.
    static func hasAPIVersionKey(_ head: ArraySlice<UInt8>) -> Bool {
        let key = Array("apiVersion".utf8)
        var index = head.startIndex
        let end = head.endIndex
        while index < end {
            // At a line start: skip what may precede a top-level or list-item key.
            while index < end, [ASCII.space, ASCII.tab, ASCII.minus, ASCII.openBrace, ASCII.comma, ASCII.doubleQuote,
                                0xEF, 0xBB, 0xBF].contains(head[index]) { index += 1 }
            if end - index >= key.count, head[index..<(index + key.count)].elementsEqual(key) {
                var after = index + key.count
                if after < end, head[after] == ASCII.doubleQuote { after += 1 }
                while after < end, head[after] == ASCII.space || head[after] == ASCII.tab { after += 1 }
                if after < end, head[after] == ASCII.colon { return true }
            }
            // JSON written on one line: look for `"apiVersion"` anywhere in it.
            while index < end, head[index] != ASCII.newline {
                if head[index] == ASCII.doubleQuote, end - index > key.count + 1,
                   head[(index + 1)..<(index + 1 + key.count)].elementsEqual(key), head[index + 1 + key.count] == ASCII.doubleQuote {
                    return true
                }
                index += 1
            }
            index += 1
        }
        return false
    }
}
