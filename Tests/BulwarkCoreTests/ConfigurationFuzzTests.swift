import BulwarkCore
import BulwarkTestSupport
import Testing

/// Seeded mutations of a full `.bulwark.yaml`: no crash, and every error and warning has a line.
@Suite struct ConfigurationFuzzTests {
    static let seed = Array("""
    failOn: high
    rules:
      disable: [k8s/image-digest]
      enable: [k8s/opt-in]
      severity: {k8s/latest-tag: critical}
    exclude:
      paths: ["vendor/**", "**/testdata/**"]
      namespaces: [kube-system]
    ignore:
      - rules: [k8s/run-as-non-root, "k8s/*"]
        paths: ["charts/legacy/**"]
        objects: ["Deployment/legacy/old-api"]
        reason: migrating in Q3
    pss:
      exemptions: {namespaces: [kube-system], runtimeClasses: [gvisor], usernames: []}
      defaults: {enforce: baseline, enforceVersion: latest}
    model:
      allow:
        - global: mylib.layers.CustomLayer
          reason: "our own class, reviewed in PR 123"
        - {global: "mylib:Outer.Inner", reason: nested}

    """.utf8)

    @Test(arguments: 0..<4)
    func mutatedConfigurationsAreReadOrRefusedWithALine(shard: Int) {
        var mutator = Mutator(seed: 0xC0F1 &+ UInt64(shard))
        for _ in 0..<400 {
            let text = String(decoding: mutator.mutate(Self.seed), as: UTF8.self)
            do {
                let configuration = try Configuration.parse(text, file: "fuzz.yaml")
                for warning in configuration.warnings(knownRuleIds: { $0 == "k8s/image-digest" }, allIds: ["k8s/image-digest"]) {
                    #expect(warning.line != nil, "\(warning)")
                }
            } catch {
                #expect(error.line != nil, "\(error)")
            }
        }
    }
}
