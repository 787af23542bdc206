import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes
import Foundation
import Testing

/// The Kustomize step of the Kubernetes domain: patches are merged into the objects they target
/// before the rules run, findings name the file and line of the value that decides, and what is
/// not applied is said.
@Suite struct KustomizeTests {
    /// A Deployment that runs as root (no securityContext at all).
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: model-server
    spec:
      selector:
        matchLabels: {app: model-server}
      template:
        metadata:
          labels: {app: model-server}
        spec:
          containers:
            - name: server
              image: registry.example.com/ml/server:1.0
    """

    static let nonRootPatch = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: model-server
    spec:
      template:
        spec:
          containers:
            - name: server
              securityContext:
                runAsNonRoot: true
    """

    static let privilegedPatch = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: model-server
    spec:
      template:
        spec:
          containers:
            - name: server
              securityContext:
                runAsNonRoot: true
                privileged: true
    """

    func scan(_ path: String) -> Report {
        Engine.standard.scan(ScanRequest(paths: [path])).report
    }

    func findings(_ report: Report, _ rule: String) -> [Finding] {
        report.findings.filter { $0.ruleId == rule && !$0.suppressed }
    }

    @Test func strategicMergePatchFixesTheBaseAndIsNeverJudgedAlone() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let patch = try scratch.write("app/non-root.yaml", Self.nonRootPatch)
        // Without the kustomization, the fragment is a second, complete-looking Deployment.
        let unkustomized = scan(scratch.path)
        #expect(unkustomized.summary.objects == 2)
        #expect(unkustomized.findings.contains { $0.location.file == patch })

        try scratch.write("app/kustomization.yaml", """
        resources:
          - deployment.yaml
        patchesStrategicMerge:
          - non-root.yaml
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(findings(report, "pss/run-as-non-root").isEmpty)
        #expect(report.summary.objects == 1)
        // The kustomization is not an object either.
        #expect(!report.findings.contains { $0.location.file.hasSuffix("kustomization.yaml") })
    }

    @Test func aProblemAPatchIntroducesIsReportedAtThePatchLine() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let patch = try scratch.write("app/privileged.yaml", Self.privilegedPatch)
        try scratch.write("app/kustomization.yaml", """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [deployment.yaml]
        patches:
          - path: privileged.yaml
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let privileged = findings(report, "pss/privileged")
        #expect(privileged.count == 1)
        #expect(privileged.first?.location.file == patch)
        #expect(privileged.first?.location.line == 12)
        #expect(findings(report, "pss/run-as-non-root").isEmpty)
        // What the base decides stays at the base: the image has no digest, at the base's line.
        let base = report.findings.filter { $0.location.file.hasSuffix("deployment.yaml") }
        #expect(!base.isEmpty)
    }

    @Test func jsonPatchesFromFilesAndInline() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write("app/harden.yaml", """
        - op: test
          path: /spec/template/spec/containers/0/name
          value: server
        - op: add
          path: /spec/template/spec/containers/0/securityContext
          value:
            runAsNonRoot: true
        """)
        let kustomization = try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        patchesJson6902:
          - target: {group: apps, version: v1, kind: Deployment, name: model-server}
            path: harden.yaml
        patches:
          - target:
              kind: Deployment
              labelSelector: "app notin (other)"
            patch: |-
              - op: add
                path: /spec/template/spec/containers/-
                value: {name: debug, image: busybox:1.36, securityContext: {runAsNonRoot: true, privileged: true}}
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(findings(report, "pss/run-as-non-root").isEmpty)
        let privileged = findings(report, "pss/privileged")
        #expect(privileged.count == 1)
        #expect(privileged.first?.location.file == kustomization)
        #expect(privileged.first?.location.line == 12)
    }

    @Test func failingJSONPatchIsAPositionedError() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let patch = try scratch.write("app/broken.yaml", """
        - op: replace
          path: /spec/nothing/here
          value: 1
        """)
        try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        patches:
          - target: {kind: Deployment, name: model-server}
            path: broken.yaml
        """)
        let report = scan(scratch.path)
        #expect(report.errors.contains { $0.file == patch && $0.line == 1 && $0.message.contains("JSON patch operation 1") })
        // The object is still judged, unpatched.
        #expect(findings(report, "pss/run-as-non-root").count == 1)
    }

    @Test func deleteDirectiveRemovesAContainer() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model-server}
        spec:
          template:
            spec:
              securityContext: {runAsNonRoot: true}
              containers:
                - name: server
                  image: registry.example.com/ml/server:1.0
                - name: debug
                  image: busybox:1.36
                  securityContext: {privileged: true}
        """)
        try scratch.write("app/drop-debug.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model-server}
        spec:
          template:
            spec:
              containers:
                - name: debug
                  $patch: delete
        """)
        try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        patchesStrategicMerge: [drop-debug.yaml]
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(findings(report, "pss/privileged").isEmpty)
        #expect(!report.findings.contains { $0.object?.container == "debug" })
        #expect(report.findings.contains { $0.object?.container == "server" })
    }

    @Test func namespacePrefixAndImages() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let kustomization = try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        namespace: serving
        namePrefix: prod-
        commonLabels:
          team: ml
        images:
          - name: registry.example.com/ml/server
            newTag: latest
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let objects = report.findings.compactMap(\.object)
        #expect(!objects.isEmpty)
        #expect(objects.allSatisfy { $0.name == "prod-model-server" && $0.namespace == "serving" })
        let latest = findings(report, "k8s/latest-tag")
        #expect(latest.count == 1)
        #expect(latest.first?.location.file == kustomization)
        #expect(latest.first?.location.line == 8)
    }

    @Test func overlaysOverOneBaseAreJudgedApart() throws {
        let scratch = try Scratch()
        let base = try scratch.write("base/deployment.yaml", Self.deployment)
        try scratch.write("base/kustomization.yaml", "resources: [deployment.yaml]\n")
        let prodPatch = try scratch.write("overlays/prod/privileged.yaml", Self.privilegedPatch)
        try scratch.write("overlays/prod/kustomization.yaml", """
        resources: [../../base]
        namespace: prod
        patches: [{path: privileged.yaml}]
        """)
        try scratch.write("overlays/staging/non-root.yaml", Self.nonRootPatch)
        try scratch.write("overlays/staging/kustomization.yaml", """
        resources: [../../base]
        namespace: staging
        patchesStrategicMerge: [non-root.yaml]
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        // Two renderings of the base, none of the base alone.
        #expect(report.summary.objects == 2)
        let privileged = findings(report, "pss/privileged")
        #expect(privileged.map(\.location.file) == [prodPatch])
        #expect(privileged.first?.object?.namespace == "prod")
        #expect(findings(report, "pss/run-as-non-root").isEmpty)
        // A rule the base decides is reported once per overlay, at the base's line.
        let atBase = report.findings.filter { $0.location.file == base }
        #expect(Set(atBase.compactMap { $0.object?.namespace }) == ["prod", "staging"])

        // Scanning only the overlay reads the base from disk.
        let overlay = scan(scratch.path + "/overlays/prod")
        #expect(overlay.errors.isEmpty, "\(overlay.errors)")
        #expect(findings(overlay, "pss/privileged").map(\.location.file) == [prodPatch])
        #expect(overlay.findings.contains { $0.location.file == base })
    }

    @Test func componentsApplyToTheirParent() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write("components/non-root/kustomization.yaml", """
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        patches:
          - path: non-root.yaml
        """)
        try scratch.write("components/non-root/non-root.yaml", Self.nonRootPatch)
        try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        components: [../components/non-root]
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(findings(report, "pss/run-as-non-root").isEmpty)
        #expect(report.summary.objects == 1)
    }

    @Test func unsupportedFieldsAreNamedWarnings() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let kustomization = try scratch.write("app/kustomization.yaml", """
        resources:
          - deployment.yaml
          - https://github.com/example/manifests//base?ref=v1
        configMapGenerator:
          - name: settings
            envs: [settings.env]
        helmCharts:
          - name: server
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let warnings = report.warnings.filter { $0.file == kustomization }
        #expect(warnings.contains { $0.line == 3 && $0.message.contains("remote resource") })
        #expect(warnings.contains { $0.line == 4 && $0.message.contains("configMapGenerator") })
        #expect(warnings.contains { $0.line == 7 && $0.message.contains("helmCharts") })
        #expect(findings(report, "pss/run-as-non-root").count == 1)
    }

    /// A patch whose target is among remote resources (not fetched) is a warning, not an input
    /// error: the kustomization is only partly applied, the input is not broken (seen on a GitOps
    /// controller's examples, which patch its install manifests fetched from GitHub).
    @Test func patchOfARemoteResourceIsAWarning() throws {
        let scratch = try Scratch()
        try scratch.write("app/patch.yaml", Self.privilegedPatch)
        let kustomization = try scratch.write("app/kustomization.yaml", """
        resources:
          - github.com/example/manifests//install?ref=stable
        patches:
          - path: patch.yaml
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.warnings.contains { $0.message.contains("applies to none of the resources Bulwark read") }, "\(report.warnings)")
        #expect(report.warnings.contains { $0.file == kustomization && $0.message.contains("remote resource") })
        #expect(report.findings.isEmpty, "the patch alone is never judged")
    }

    /// A patch whose `target:` selects nothing changes nothing, as kustomize does (an ML operator's
    /// CRD kustomization targets a v1beta1 CRD that is now v1): a warning, not an input error.
    @Test func patchTargetThatSelectsNothingIsAWarning() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write("app/patch.yaml", Self.nonRootPatch)
        try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        patches:
          - path: patch.yaml
            target: {kind: StatefulSet}
          - patch: |-
              - {op: add, path: /metadata/labels, value: {a: b}}
            target: {kind: DaemonSet}
        """)
        let report = scan(scratch.path)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.warnings.filter { $0.message.contains("no object matches the patch target") }.count == 2, "\(report.warnings)")
        #expect(findings(report, "pss/run-as-non-root").count == 1, "the patch did not apply")
    }

    @Test func malformedKustomizationIsAPositionedErrorAndTheScanGoesOn() throws {
        let scratch = try Scratch()
        try scratch.write("app/deployment.yaml", Self.deployment)
        let kustomization = try scratch.write("app/kustomization.yaml", """
        resources: deployment.yaml
        patchesStrategicMerge:
          - missing.yaml
        """)
        try scratch.write("broken/kustomization.yaml", "resources: [a.yaml\n")
        let listed = try scratch.write("listed/kustomization.yaml", "- resources\n")
        let inline = try scratch.write("inline/kustomization.yaml", """
        resources: []
        patches:
          - target: {kind: Deployment}
            patch: |-
              - op: add
                path: [unclosed
        """)
        try scratch.write("other/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: other}
        spec:
          containers: [{name: c, image: busybox:1.36, securityContext: {privileged: true}}]
        """)
        let report = scan(scratch.path)
        #expect(report.errors.contains { $0.file == kustomization && $0.line == 1 && $0.message.contains("resources must be a list") })
        #expect(report.errors.contains { $0.file == kustomization && $0.line == 3 && $0.message.contains("not found") })
        #expect(report.errors.contains { $0.file.hasSuffix("broken/kustomization.yaml") && $0.line != nil })
        #expect(report.errors.contains { $0.file == listed && $0.line == 1 && $0.message.contains("must be a mapping") })
        // A YAML error inside an inline patch is at its line in the kustomization.
        #expect(report.errors.contains { $0.file == inline && ($0.line ?? 0) >= 5 })
        #expect(findings(report, "pss/privileged").contains { $0.object?.name == "other" })
    }

    @Test func podSecurityVerdictsAreAboutTheRenderedObjects() throws {
        let scratch = try Scratch()
        let base = try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write("app/non-root.yaml", Self.nonRootPatch)
        try scratch.write("app/kustomization.yaml", """
        resources: [deployment.yaml]
        patchesStrategicMerge: [non-root.yaml]
        vars: []
        """)
        let outcome = Engine.standard.podSecurity(ScanRequest(paths: [scratch.path]), level: nil, version: nil)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.results.map(\.file) == [base])
        #expect(outcome.warnings.contains { $0.message.contains("vars") })
    }
}
