import BulwarkCore
import BulwarkKubernetes
import Foundation

/// The manifests of a request, read through the engine (discovery, exclusions, safe reading) for
/// the questions asked about them as a whole: Pod Security verdicts, reachability, RBAC, fixes.
public struct KubernetesInputs: Sendable {
    public var inventory: Inventory
    public var warnings: [InputWarning]
    public var inputs: InputSummary

    /// Every input error (discovery, reading, parsing).
    public var errors: [InputError] { inventory.errors }

    /// Why the inputs are not one cluster (two directories define the same object), or nil.
    public var contradiction: String? { InventoryPartition.contradiction(in: inventory.objects) }
}

extension Engine {
    /// Reads the Kubernetes inputs of a request (other domains' files are not read).
    public func loadKubernetes(_ request: ScanRequest) -> KubernetesInputs {
        var request = request
        request.domains = ["kubernetes"]
        let collected = collect(request)
        let position = domains.firstIndex { $0.name == "kubernetes" } ?? 0
        let options = LoadOptions(maxFileSize: request.maxFileSize.bytes)
        // Kustomizations rendered as `scan` renders them: the questions are about what is deployed.
        var inventory = Kustomize.render(KubernetesLoader.load(sources: collected.sources[position], documents: collected.documents[position],
                                                               options: options), options: options)
        inventory.errors += collected.errors
        var inputs = collected.inputs
        inputs.files = inventory.files
        inputs.objects = inventory.objects.count
        inputs.skippedDocuments = inventory.skippedDocuments
        inputs.filesByDomain = inventory.files > 0 ? ["kubernetes": inventory.files] : [:]
        return KubernetesInputs(inventory: inventory, warnings: collected.warnings + inventory.warnings, inputs: inputs)
    }

    /// Scans Kubernetes inputs already read with the Kubernetes rules the request keeps, and
    /// builds the report (configuration applied, compliance when asked).
    public func report(_ loaded: KubernetesInputs, index: InventoryIndex? = nil, request: ScanRequest) -> Report {
        let enabled = enabledRules(request)
        let rules = KubernetesRules.all.filter { enabled.contains($0.id) }
        let scanner = KubernetesScanner(rules: rules, timings: request.ruleTimings)
        let found = index.map(scanner.scan) ?? scanner.scan(loaded.inventory)
        let findings = request.configuration.apply(to: found, catalog: catalog)
        let compliance = request.compliance.map {
            self.compliance(findings, framework: $0, scanned: loaded.inputs.filesByDomain, configuration: request.configuration)
        }
        return Report(findings: findings, errors: loaded.errors, warnings: loaded.warnings, inputs: loaded.inputs, compliance: compliance)
    }

    // MARK: - Pod Security Standards

    /// `bulwark pss`: one verdict per pod spec (see `PodSecurityReport.evaluate`).
    public func podSecurity(_ request: ScanRequest, level: PSSLevel?, version: PSSVersion?) -> PodSecurityOutcome {
        let loaded = loadKubernetes(request)
        let results = PodSecurityReport.evaluate(inventory: loaded.inventory, level: level, version: version,
                                                 configuration: request.configuration)
        return PodSecurityOutcome(results: results, errors: loaded.errors, warnings: loaded.warnings, skipped: loaded.inputs.skipped)
    }

    // MARK: - NetworkPolicy reachability

    /// `bulwark netpol`: the reachability engine over the inputs, which must describe one cluster.
    public func networkAnalysis(_ request: ScanRequest, externalAddresses: [IPAddress] = []) -> Result<NetworkAnalysis, AnalysisError> {
        let loaded = loadKubernetes(request)
        if let contradiction = loaded.contradiction {
            return .failure(AnalysisError(
                "\(contradiction); reachability is a question about one cluster, so give the paths of one of them", errors: loaded.errors))
        }
        let addresses = [NetworkEndpoint.internet.address].compactMap { $0 } + externalAddresses
        let network = NetworkReachability(InventoryIndex(loaded.inventory.objects), options: .init(externalAddresses: addresses))
        return .success(NetworkAnalysis(engine: self, loaded: loaded, network: network))
    }

    // MARK: - RBAC

    /// `bulwark rbac`: the RBAC analysis of the inputs, which must describe one cluster, with the
    /// rbac/ findings (limited to the bindings that apply to `subject` when it is given).
    public func rbacAnalysis(_ request: ScanRequest, subject: RBACSubject?) -> Result<RBACAnalysis, AnalysisError> {
        let loaded = loadKubernetes(request)
        if let contradiction = loaded.contradiction {
            return .failure(AnalysisError(
                "\(contradiction); effective permissions are a question about one cluster, so give the paths of one of them",
                errors: loaded.errors))
        }
        let index = InventoryIndex(loaded.inventory.objects, rbacSubject: subject)
        var request = request
        request.ruleFilter = { $0.domain == "rbac" }
        var report = report(loaded, index: index, request: request)
        let analyzer = RBACAssessment.of(index).analyzer
        if let subject {
            // The RBAC rules already look only at the subject's bindings; the other rbac/ rules
            // (rbac/workload-cluster-admin) count when their finding is about one of those bindings.
            let own = Set(RBACRules.all.map(\.id))
            let bindings = Set(analyzer.bindings(for: subject).map { $0.binding.object.reference() })
            let kept = report.findings.filter { own.contains($0.ruleId) || $0.object.map(bindings.contains) ?? false }
            report = Report(findings: kept, errors: report.errors, warnings: report.warnings, inputs: loaded.inputs)
        }
        return .success(RBACAnalysis(subject: subject, analyzer: analyzer, report: report))
    }
}

/// A question about one cluster that the inputs cannot answer (they describe several).
public struct AnalysisError: Error, Sendable {
    public let message: String
    /// The input errors met while reading.
    public let errors: [InputError]

    public init(_ message: String, errors: [InputError]) {
        self.message = message
        self.errors = errors
    }
}

/// `bulwark pss`: the verdicts and what went wrong reading the inputs.
public struct PodSecurityOutcome: Sendable {
    public var results: [PSSObjectResult]
    public var errors: [InputError]
    public var warnings: [InputWarning]
    public var skipped: [SkippedInput]

    /// 2 when an input failed, else 1 when a pod is not allowed, else 0.
    public var exitCode: Int32 {
        if !errors.isEmpty { return 2 }
        return results.contains { !$0.allowed } ? 1 : 0
    }
}

/// `bulwark netpol`: the reachability engine over one cluster's manifests.
public struct NetworkAnalysis: Sendable {
    let engine: Engine
    public let loaded: KubernetesInputs
    public let network: NetworkReachability

    /// The endpoint an argument names (`NAMESPACE/NAME`, `NAMESPACE:key=value`, an address, `dns` …).
    public func endpoint(_ text: String) throws -> NetworkEndpoint {
        try network.endpoint(named: text)
    }

    /// The answer to one question; a port name is resolved against the destination's ports.
    public func answer(from source: NetworkEndpoint, to destination: NetworkEndpoint, port: PortQuery?) -> Result<ReachabilityVerdict, AnalysisError> {
        var number: Int?
        let proto = port.map { $0.proto ?? .tcp }
        if let port {
            switch port.value {
            case .number(let value):
                number = value
            case .name(let name):
                guard let resolved = destination.resolve(portName: name, proto: proto ?? .tcp) else {
                    let known = destination.ports.map(\.description).joined(separator: ", ")
                    return .failure(AnalysisError("\(destination) has no \(proto ?? .tcp) port named \(name)"
                        + (known.isEmpty ? "" : " (ports: \(known))"), errors: loaded.errors))
                }
                number = resolved
            }
        }
        return .success(network.check(from: source, to: destination, port: number, protocol: proto))
    }

    /// The matrix (limited to one source or destination when given) and the netpol/ findings.
    public func matrixReport(_ request: ScanRequest, source: NetworkEndpoint?, destination: NetworkEndpoint?) -> (Report, ReachabilityMatrix) {
        var request = request
        request.ruleFilter = { $0.domain == "netpol" }
        let report = engine.report(loaded, request: request)
        let matrix = network.matrix(sources: source.map { [$0] }, destinations: destination.map { [$0] })
        return (report, matrix)
    }
}

/// `bulwark rbac`: the analysis and the rbac/ findings.
public struct RBACAnalysis: Sendable {
    public let subject: RBACSubject?
    public let analyzer: RBACAnalyzer
    public let report: Report
}
