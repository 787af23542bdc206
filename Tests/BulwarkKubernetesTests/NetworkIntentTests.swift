import BulwarkCore
import BulwarkKubernetes
import Foundation
import Testing

@Suite struct NetworkIntentTests {
    /// The format as `NetworkIntent`'s documentation and `bulwark netpol generate --help` show it.
    static let documented = """
    apiVersion: bulwark.dev/v1alpha1
    kind: NetworkIntent
    metadata: {name: model-server}
    spec:
      namespace: ml-inference
      modelServer:
        selector: {app.kubernetes.io/name: model-server}
        ports: [8080, "8081/TCP", {name: grpc, port: 9000, protocol: TCP}]
      gateway:
        namespace: gateway
        selector: {app.kubernetes.io/name: api-gateway}
      registry:
        cidr: 10.20.30.0/24
        ports: [443]
      dns:
        namespace: kube-system
        selector: {k8s-app: kube-dns}
        nodeLocal: 169.254.20.10
    """

    static let minimal = """
    namespace: ml
    modelServer: {selector: {app: m}, ports: [8080]}
    gateway: {namespace: gw, selector: {app: gw}}
    registry: {cidr: 10.0.0.0/8, ports: [443]}
    """

    /// `minimal` under `spec:`, followed by `extra`.
    static func wrapped(extra: String) -> String {
        let indented: [String] = minimal.split(separator: "\n").map { "  " + $0 }
        return "spec:\n" + indented.joined(separator: "\n") + extra
    }

    static func replacing(_ old: String, _ new: String) -> String {
        minimal.replacingOccurrences(of: old, with: new)
    }

    @Test func theDocumentedFormatHasNoWarnings() throws {
        let result = try NetworkIntent.read(Self.documented)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(result.intent.serverPorts.map(\.port) == [8080, 8081, 9000])
        #expect(result.intent.nodeLocalDNS?.description == "169.254.20.10")
        #expect(try NetworkIntent.read(Self.minimal).warnings.isEmpty)
    }

    /// Unknown keys at every level: a warning at the key, saying it is ignored, with the key that
    /// was probably meant.
    static let unknownKeyCases: [(String, Int, Int, String)] = {
        var cases: [(String, Int, Int, String)] = []
        cases.append((minimal + "\nlabels: {team: ml}", 5, 1,
         "unknown key \"labels\" in the top level of the intent is ignored (expected namespace, modelServer, gateway, registry, registries, dns, apiVersion, kind and metadata)"))
        cases.append((minimal + "\ndsn: {nodeLocal: 169.254.20.10}", 5, 1,
         "unknown key \"dsn\" in the top level of the intent is ignored (expected namespace, modelServer, gateway, registry, registries, dns, apiVersion, kind and metadata) (did you mean \"dns\"?)"))
        cases.append((replacing("ports: [8080]}", "ports: [8080], port: 9000}"), 2, 50,
         "unknown key \"port\" in modelServer is ignored (expected name, selector and ports) (did you mean \"ports\"?)"))
        cases.append((replacing("{namespace: gw,", "{namespace: gw, namespaces: [x],"), 3, 26,
         "unknown key \"namespaces\" in gateway is ignored (expected namespace and selector) (did you mean \"namespace\"?)"))
        cases.append((replacing("ports: [443]}", "ports: [443], excepts: [10.1.0.0/16]}"), 4, 44,
         "unknown key \"excepts\" in registry is ignored (expected cidr, except and ports) (did you mean \"except\"?)"))
        cases.append((minimal + "\ndns: {nodeLocl: 169.254.20.10}", 5, 7,
         "unknown key \"nodeLocl\" in dns is ignored (expected namespace, selector and nodeLocal) (did you mean \"nodeLocal\"?)"))
        cases.append((replacing("ports: [8080]", "ports: [{port: 8080, protcol: TCP}]"), 2, 56,
         "unknown key \"protcol\" in modelServer.ports[0] is ignored (expected name, port and protocol) (did you mean \"protocol\"?)"))
        cases.append((replacing("{selector: {app: m}", "{selector: {matchLabels: {app: m}, matchLabel: {x: y}}"), 2, 49,
         "unknown key \"matchLabel\" in modelServer.selector is ignored (expected matchLabels and matchExpressions) (did you mean \"matchLabels\"?)"))
        cases.append(("metadata: {name: m, namespace: ml}\n" + minimal, 1, 21,
         "metadata.namespace is ignored; the policies go to the namespace given by namespace"))
        cases.append(("kind: NetworkPolicy\n" + minimal, 1, 7, "kind is \"NetworkPolicy\", not NetworkIntent; is this an intent file?"))
        cases.append(("apiVersion: bulwark.dev/v1\n" + minimal, 1, 13, "apiVersion is \"bulwark.dev/v1\"; intent files use bulwark.dev/v1alpha1"))
        cases.append((wrapped(extra: "\nnamespace: other"), 6, 1,
         "namespace at the top level is ignored because the intent has a spec; move it under spec"))
        cases.append((wrapped(extra: "\n  registries: []\n  regitsry: {}"), 7, 3,
         "unknown key \"regitsry\" in spec is ignored (expected namespace, modelServer, gateway, registry, registries and dns) (did you mean \"registry\"?)"))
        return cases
    }()

    @Test(arguments: unknownKeyCases)
    func unknownKeysWarnAtTheirPosition(text: String, line: Int, column: Int, message: String) throws {
        let result = try NetworkIntent.read(text, file: "intent.yaml")
        #expect(result.warnings == [InputWarning(file: "intent.yaml", line: line, column: column, message: message)])
    }

    @Test func warningsReadLikeACompilersAndParseStillReturnsTheIntent() throws {
        let text = Self.minimal + "\ndns: {nodeLocl: 169.254.20.10}"
        let result = try NetworkIntent.read(text, file: "intent.yaml")
        #expect(result.warnings.map(\.description).first?.hasPrefix("intent.yaml:5:7: warning: unknown key \"nodeLocl\" in dns") == true)
        #expect(try NetworkIntent.parse(text) == result.intent)
        #expect(result.intent.nodeLocalDNS == nil)
    }

    /// Values of the wrong type: an error at the value, saying what was given and what is due.
    static let typeErrorCases: [(String, Int, Int, String)] = {
        var cases: [(String, Int, Int, String)] = []
        cases.append(("spec: [a]", 1, 7, "spec must be a mapping with the keys namespace, modelServer, gateway, registry, registries and dns, not a list"))
        cases.append((replacing("namespace: ml", "namespace: [ml]"), 1, 12, "namespace must be a string, not a list"))
        cases.append((replacing("modelServer: {selector: {app: m}, ports: [8080]}", "modelServer: [m]"), 2, 14,
         "modelServer must be a mapping with the keys name, selector and ports, not a list"))
        cases.append((replacing("ports: [8080]", "ports: 8080"), 2, 42,
         "modelServer.ports must be a list of ports ([8080, \"8081/TCP\", {name: grpc, port: 9000}]), not the number 8080"))
        cases.append((replacing("ports: [8080]", "ports: [[8080]]"), 2, 43,
         "modelServer.ports: a port must be a number, \"number/PROTOCOL\" or {name, port, protocol}, not a list"))
        cases.append((replacing("ports: [8080]", "ports: [{name: http}]"), 2, 43, "modelServer.ports[0].port is required"))
        cases.append((replacing("{selector: {app: m}", "{selector: [app]"), 2, 25,
         "modelServer.selector must be a mapping of labels ({app: model-server}) or {matchLabels: …}, not a list"))
        cases.append((replacing("{selector: {app: m}", "{selector: {app: [m]}"), 2, 31,
         "modelServer.selector: the label \"app\" must have a string value, not a list"))
        cases.append((replacing("{selector: {app: m}", "{selector: {matchLabels: [app]}"), 2, 39,
         "modelServer.selector.matchLabels must be a mapping of labels, not a list"))
        cases.append((replacing("registry: {cidr: 10.0.0.0/8, ports: [443]}", "registry: [{cidr: 10.0.0.0/8, ports: [443]}]"), 4, 11,
         "registry must be a mapping with the keys cidr, except and ports, not a list; for several registries use registries: [...]"))
        cases.append((replacing("registry: {cidr: 10.0.0.0/8, ports: [443]}", "registries: {cidr: 10.0.0.0/8, ports: [443]}"), 4, 13,
         "registries must be a list of mappings with the keys cidr, except and ports, not a mapping"))
        cases.append((replacing("ports: [443]}", "ports: [443], except: 10.1.0.0/16}"), 4, 52,
         "registry.except must be a list of CIDRs, not \"10.1.0.0/16\""))
        cases.append((replacing("cidr: 10.0.0.0/8", "cidr: [10.0.0.0/8]"), 4, 18,
         "registry.cidr must be a CIDR such as 10.0.0.0/8, not a list"))
        cases.append((minimal + "\ndns: kube-system", 5, 6, "dns must be a mapping with the keys namespace, selector and nodeLocal, not \"kube-system\""))
        cases.append(("metadata: [m]\n" + minimal, 1, 11, "metadata must be a mapping with the keys name, labels and annotations, not a list"))
        return cases
    }()

    @Test(arguments: typeErrorCases)
    func wronglyTypedValuesAreErrorsAtTheirPosition(text: String, line: Int, column: Int, message: String) {
        #expect {
            try NetworkIntent.read(text, file: "intent.yaml")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            #expect(error.message == message)
            #expect(error.line == line && error.column == column, "\(error)")
            return error.file == "intent.yaml"
        }
    }
}
