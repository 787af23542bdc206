import ArgumentParser
import BulwarkCore
import BulwarkKubernetes
import BulwarkEngine
import BulwarkReport

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

        @OptionGroup var limits: LimitOptions
        @OptionGroup var reporting: ReportingOptions

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one file or directory (or - for standard input)") }
            try reporting.rejectInventoryFormat("netpol")
            if port != nil, from == nil || to == nil { throw ValidationError("--port needs both --from and --to") }
            if from != nil, to != nil, ![.table, .json].contains(reporting.format) {
                throw ValidationError("a --from/--to question is answered as table or json")
            }
            if let port, PortQuery(port) == nil {
                throw ValidationError("--port must be NUMBER or NAME with an optional /TCP, /UDP or /SCTP (got \"\(port)\")")
            }
            for external in externals where CIDR(external) == nil {
                throw ValidationError("--external must be an IP address or CIDR (got \"\(external)\")")
            }
        }

        func run() async throws {
            try reporting.rejectBaseline("bulwark netpol")
            let console = Console.current
            let configuration = try reporting.loadConfiguration()
            let request = ScanRequest(paths: paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                      maxFileSize: limits.limit, compliance: reporting.compliance)
            let addresses = externals.compactMap { CIDR($0)?.representative() }
            let analysis: NetworkAnalysis
            switch Engine.standard.networkAnalysis(request, externalAddresses: addresses) {
            case .failure(let error):
                for inputError in error.errors { console.error("\(inputError)") }
                console.error(error.message)
                throw ExitCode(2)
            case .success(let result):
                analysis = result
            }
            var source: NetworkEndpoint?
            var destination: NetworkEndpoint?
            do {
                source = try from.map(analysis.endpoint)
                destination = try to.map(analysis.endpoint)
            } catch {
                console.error("\(error)")
                throw ExitCode(2)
            }
            if let source, let destination {
                try answer(analysis, from: source, to: destination)
                return
            }
            let (report, matrix) = analysis.matrixReport(request, source: source, destination: destination)
            let threshold = reporting.threshold(configuration)
            // The matrix is written row by row before the table; in JSON it is the `matrix` member.
            try reporting.emit(report, configuration: configuration, failOn: threshold, extra: reporting.format == .json ? [("matrix", matrix.jsonValue)] : []) { sink in
                guard reporting.format == .table else { return }
                matrix.writeTable { line in sink.write(Array(TerminalText.sanitizedLines(line).utf8)) }
                sink.write([UInt8(ascii: "\n")])
            }
            let code = report.exitCode(failOn: threshold)
            if code != 0 { throw ExitCode(code) }
        }

        /// One question: exit 0 when the connection is allowed, 1 when it is denied.
        func answer(_ analysis: NetworkAnalysis, from source: NetworkEndpoint, to destination: NetworkEndpoint) throws {
            let console = Console.current
            let verdict: ReachabilityVerdict
            switch analysis.answer(from: source, to: destination, port: port.flatMap(PortQuery.init)) {
            case .failure(let error):
                console.error(error.message)
                throw ExitCode(2)
            case .success(let result):
                verdict = result
            }
            for error in analysis.loaded.errors { console.error("\(error)") }
            switch reporting.format {
            case .json: try console.emit(try ReachabilityReporter.json(verdict), to: reporting.output)
            default: try console.emit(ReachabilityReporter.table(verdict), to: reporting.output)
            }
            if !analysis.loaded.errors.isEmpty { throw ExitCode(2) }
            if !verdict.allowed { throw ExitCode(1) }
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

        @Option(name: .shortAndLong, help: "Write the policies to this file instead of standard output (replaced atomically).")
        var output: String?

        func run() async throws {
            let console = Console.current
            let parsed: NetworkIntent
            do {
                let bytes = try InputFile.read(intent, limit: ByteLimit(bytes: 1 << 20)).get()
                let read = try NetworkIntent.read(String(decoding: bytes, as: UTF8.self), file: intent)
                for warning in read.warnings { console.error("\(warning)") }
                parsed = read.intent
            } catch {
                console.error("\(error)")
                throw ExitCode(2)
            }
            let result = NetworkPolicyGenerator.generate(parsed, source: DiscoveredFile(path: intent, explicit: true).fileName)
            guard result.verified else {
                console.error("the generated policies do not do what the intent says; nothing was written:")
                for failure in result.failures { console.error("  \(failure.summary)") }
                throw ExitCode(2)
            }
            try console.emit(result.yaml, to: output)
        }
    }
}
