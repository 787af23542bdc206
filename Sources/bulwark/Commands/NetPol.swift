import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import Foundation

struct NetPol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netpol",
        abstract: "NetworkPolicy reachability: who can connect to whom, on which ports, and which policies decide.",
        usage: """
        bulwark netpol PATH… [--from ENDPOINT --to ENDPOINT [--port PORT[/TCP|UDP|SCTP]]] [--format table|json|…]
          bulwark netpol generate --intent FILE [--output FILE]
        """,
        discussion: """
        Without a subcommand name, `netpol` runs `netpol analyze` (see `bulwark help netpol analyze`).
        """,
        subcommands: [Analyze.self, Generate.self],
        defaultSubcommand: Analyze.self
    )
}

extension NetPol {
    struct Analyze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a reachability question, or print the reachability matrix and the netpol/ findings.",
            discussion: """
            With --from and --to, answers one question and exits 0 when the connection is allowed, 1 when it is denied.
            ENDPOINT is NAMESPACE/NAME of a pod-bearing workload in the input (its pod template's labels and container
            ports are used), NAMESPACE:key=value,… for a pod with those labels (e.g. a gateway that is not in the input),
            an IP address outside the cluster, or dns / metadata / internet. PORT is NUMBER or NAME (a container port name
            of the destination) with an optional /TCP, /UDP or /SCTP; without --port any port counts.

            Without --from and --to, prints the reachability matrix (every workload, the cluster DNS, the metadata service
            169.254.169.254 and external addresses) and the netpol/ findings; --from or --to alone limits the matrix.
            Semantics are Kubernetes' own: a pod is isolated for a direction only when a policy of its namespace selects
            it with that policy type, a connection needs the source's egress and the destination's ingress, and ipBlocks
            never match pods. CiliumNetworkPolicy L3/L4 rules are read as well.
            """
        )

        @Argument(help: "Files or directories with manifests; - reads YAML from standard input.")
        var paths: [String] = []

        @Option(help: "Source endpoint: NAMESPACE/NAME, NAMESPACE:key=value,…, an IP address, dns, metadata or internet.")
        var from: String?

        @Option(help: "Destination endpoint (same forms as --from).")
        var to: String?

        @Option(help: "Destination port: NUMBER or NAME, optionally /TCP, /UDP or /SCTP (default TCP).")
        var port: String?

        @Option(name: .customLong("external"), help: "An external address (IP or CIDR) to add to the matrix; repeatable.")
        var externals: [String] = []

        @Option(help: "Largest input file to read, in MiB; larger files are reported as errors.")
        var maxFileSize: Int = 32

        @OptionGroup var reporting: ReportingOptions

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
            if maxFileSize <= 0 { throw ValidationError("--max-file-size must be positive") }
            if port != nil, from == nil || to == nil { throw ValidationError("--port needs both --from and --to") }
            if from != nil, to != nil, ![.table, .json].contains(reporting.format) {
                throw ValidationError("a --from/--to question is answered as table or json")
            }
            if let port, Self.parsePort(port) == nil {
                throw ValidationError("--port must be NUMBER or NAME with an optional /TCP, /UDP or /SCTP (got \"\(port)\")")
            }
            for external in externals where CIDR(external) == nil {
                throw ValidationError("--external must be an IP address or CIDR (got \"\(external)\")")
            }
        }

        /// `8080`, `8080/TCP`, `http/udp` → (number or name, protocol).
        static func parsePort(_ text: String) -> (value: NetworkPolicyPort.Value, proto: NetworkProtocol?)? {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty else { return nil }
            var proto: NetworkProtocol?
            if parts.count == 2 {
                guard let parsed = NetworkProtocol(parsing: parts[1]) else { return nil }
                proto = parsed
            }
            if let number = Int(first) {
                return PortSet.portRange.contains(number) ? (.number(number), proto) : nil
            }
            guard first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
            return (.name(first), proto)
        }

        func run() async throws {
            let configuration = try reporting.loadConfiguration()
            let discovery = InputDiscovery.files(under: paths)
            let files = discovery.files.filter { KubernetesLoader.accepts($0) && !configuration.isExcluded(path: $0.path) }
            var inventory = KubernetesLoader.load(files: files, options: LoadOptions(maxFileSize: maxFileSize << 20))
            inventory.errors += discovery.errors
            if let contradiction = InventoryPartition.contradiction(in: inventory.objects) {
                Terminal.error("\(contradiction); reachability is a question about one cluster, so give the paths of one of them")
                throw ExitCode(2)
            }
            var addresses = [NetworkEndpoint.internet.address].compactMap { $0 }
            for external in externals {
                if let cidr = CIDR(external), let address = cidr.representative() { addresses.append(address) }
            }
            let network = NetworkReachability(InventoryIndex(inventory.objects), options: .init(externalAddresses: addresses))

            var source: NetworkEndpoint?
            var destination: NetworkEndpoint?
            do {
                source = try from.map(network.endpoint(named:))
                destination = try to.map(network.endpoint(named:))
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
            if let source, let destination {
                try answer(network: network, from: source, to: destination, errors: inventory.errors)
                return
            }
            try report(network: network, inventory: inventory, configuration: configuration, source: source, destination: destination)
        }

        // MARK: - One question

        func answer(network: NetworkReachability, from source: NetworkEndpoint, to destination: NetworkEndpoint, errors: [InputError]) throws {
            var number: Int?
            var proto: NetworkProtocol?
            if let port, let (value, parsedProto) = Self.parsePort(port) {
                proto = parsedProto ?? .tcp
                switch value {
                case .number(let value):
                    number = value
                case .name(let name):
                    guard let resolved = destination.resolve(portName: name, proto: proto ?? .tcp) else {
                        let known = destination.ports.map(\.description).joined(separator: ", ")
                        Terminal.error("\(destination) has no \(proto ?? .tcp) port named \(name)" + (known.isEmpty ? "" : " (ports: \(known))"))
                        throw ExitCode(2)
                    }
                    number = resolved
                }
            }
            let verdict = network.check(from: source, to: destination, port: number, protocol: proto)
            for error in errors { Terminal.error("\(error)") }
            switch reporting.format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try reporting.emit(Array(try encoder.encode(VerdictJSON(verdict))) + [10])
            default:
                try reporting.emit(Array(Self.table(verdict).utf8))
            }
            if !errors.isEmpty { throw ExitCode(2) }
            if !verdict.allowed { throw ExitCode(1) }
        }

        static func table(_ verdict: ReachabilityVerdict) -> String {
            var text = "\(verdict.allowed ? "ALLOWED" : "DENIED")  \(verdict.from.id) → \(verdict.to.id)  \(verdict.query)\n"
            text += "  \(verdict.reason)\n"
            func line(_ direction: DirectionVerdict, _ subject: NetworkEndpoint) -> String {
                guard direction.applies else { return "  \(direction.direction): not applicable (\(subject) is outside the cluster)\n" }
                guard direction.isolated else { return "  \(direction.direction): \(subject) not isolated\n" }
                var line = "  \(direction.direction): isolated by \(direction.isolatingPolicies.joined(separator: ", "))"
                if !direction.allowingPolicies.isEmpty { line += "; allowed by \(direction.allowingPolicies.joined(separator: ", "))" }
                if !direction.denyingPolicies.isEmpty { line += "; denied by \(direction.denyingPolicies.joined(separator: ", "))" }
                return line + "; open ports: \(direction.ports)\n"
            }
            text += line(verdict.egress, verdict.from)
            text += line(verdict.ingress, verdict.to)
            return text
        }

        /// The JSON answer (CONTRACT.md: at least allowed, reason, egress, ingress).
        struct VerdictJSON: Encodable {
            struct Endpoint: Encodable {
                let id: String
                let kind: String
                let name: String
                let namespace: String?
                let labels: [String: String]?
            }

            struct Direction: Encodable {
                let applies: Bool
                let isolated: Bool
                let allowed: Bool
                let isolatingPolicies: [String]
                let allowingPolicies: [String]
                let denyingPolicies: [String]
                let ports: [String]
            }

            let allowed: Bool
            let reason: String
            let egress: [String]
            let ingress: [String]
            let from: Endpoint
            let to: Endpoint
            let port: Int?
            let `protocol`: String?
            let ports: [String]
            let details: [String: Direction]

            init(_ verdict: ReachabilityVerdict) {
                func endpoint(_ endpoint: NetworkEndpoint) -> Endpoint {
                    Endpoint(id: endpoint.id, kind: endpoint.kind.rawValue, name: endpoint.displayName, namespace: endpoint.namespace,
                             labels: endpoint.labels.isEmpty ? nil : endpoint.labels)
                }
                func direction(_ direction: DirectionVerdict) -> Direction {
                    Direction(applies: direction.applies, isolated: direction.isolated, allowed: direction.allowed,
                              isolatingPolicies: direction.isolatingPolicies, allowingPolicies: direction.allowingPolicies,
                              denyingPolicies: direction.denyingPolicies, ports: direction.ports.entries)
                }
                allowed = verdict.allowed
                reason = verdict.reason
                egress = verdict.egressPolicies
                ingress = verdict.ingressPolicies
                from = endpoint(verdict.from)
                to = endpoint(verdict.to)
                port = verdict.query.port
                `protocol` = verdict.query.proto?.rawValue
                ports = verdict.ports.entries
                details = ["egress": direction(verdict.egress), "ingress": direction(verdict.ingress)]
            }
        }

        // MARK: - Matrix and findings

        /// The netpol/ rules: those of the registry plus `NetworkPolicyRules` (until the registry holds them).
        static var rules: [KubernetesRule] {
            let registered = KubernetesRules.all.filter { $0.descriptor.domain == "netpol" }
            let ids = Set(registered.map(\.id))
            return registered + NetworkPolicyRules.all.filter { !ids.contains($0.id) }
        }

        func report(network: NetworkReachability, inventory: Inventory, configuration: Configuration,
                    source: NetworkEndpoint?, destination: NetworkEndpoint?) throws {
            let policy = Policy(configuration: configuration)
            let rules = Self.rules.filter { policy.isEnabled($0.descriptor) }
            let findings = policy.apply(KubernetesScanner(rules: rules).scan(inventory), catalog: Catalog.all)
            let matrix = network.matrix(sources: source.map { [$0] }, destinations: destination.map { [$0] })
            let report = Report(
                findings: findings, errors: inventory.errors, files: inventory.files, objects: inventory.objects.count,
                skippedDocuments: inventory.skippedDocuments,
                compliance: reporting.compliance.map { Renderer.compliance(findings: findings, framework: $0) })
            let threshold = reporting.threshold(configuration)
            var output: [UInt8] = []
            if reporting.format == .table {
                output += Array((matrix.table + "\n").utf8)
            }
            output += Renderer.render(report, options: reporting, failOn: threshold, extra: [("matrix", matrix.jsonValue)])
            try reporting.emit(output)
            let code = report.exitCode(failOn: threshold)
            if code != 0 { throw ExitCode(code) }
        }
    }
}

extension NetPol {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write least-privilege NetworkPolicies for a model server from an intent file, verified before printing.",
            discussion: """
            The intent names the namespace, the model server's labels and ports, the gateway (namespace and labels) allowed
            to call it, and the registry CIDRs and ports it may reach:

              namespace: ml-inference
              modelServer: {selector: {app.kubernetes.io/name: model-server}, ports: [8080]}
              gateway: {namespace: gateway, selector: {app.kubernetes.io/name: api-gateway}}
              registry: {cidr: 10.20.30.0/24, ports: [443]}
              dns: {namespace: kube-system, selector: {k8s-app: kube-dns}}   # optional, these are the defaults

            The output is a default-deny policy (ingress and egress), ingress from the gateway only, and egress to DNS and
            the registry only. Before printing, the reachability engine checks that the gateway reaches the model server,
            that other pods and the internet do not, and that the model server reaches DNS and the registry but nothing
            else; if a check fails, nothing is printed and the exit code is 2.
            """
        )

        @Option(help: "The intent file (YAML).")
        var intent: String

        @Option(name: .shortAndLong, help: "Write the policies to this file instead of standard output.")
        var output: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: intent) else {
                Terminal.error("cannot read \(intent)")
                throw ExitCode(2)
            }
            let parsed: NetworkIntent
            do {
                parsed = try NetworkIntent.parse(String(decoding: data, as: UTF8.self), file: intent)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
            let result = NetworkPolicyGenerator.generate(parsed, source: (intent as NSString).lastPathComponent)
            guard result.verified else {
                Terminal.error("the generated policies do not do what the intent says; nothing was written:")
                for failure in result.failures { Terminal.error("  \(failure.summary)") }
                throw ExitCode(2)
            }
            var reporting = try ReportingOptions.parse([])
            reporting.output = output
            try reporting.emit(Array(result.yaml.utf8))
        }
    }
}
