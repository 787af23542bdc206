import BulwarkCore
import BulwarkKubernetes
import Testing

/// `fix manifests --uid` above 2147483647 wrote manifests the API server rejects (Kubernetes
/// validates runAsUser, runAsGroup and fsGroup as 0…2147483647); the options say so, and the
/// fixer refuses them (issue 8).
@Suite struct ManifestFixOptionsTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: c
              image: registry.example.com/c:1.0
        """

    @Test("IDs outside 1...2147483647", arguments: [
        (ManifestFixOptions(runAsUser: 2_147_483_648), ["runAsUser 2147483648 is above 2147483647, the largest ID Kubernetes accepts: the API server would reject every fixed workload"]),
        (ManifestFixOptions(runAsUser: 4_294_967_296, runAsGroup: 4_294_967_296, fsGroup: 4_294_967_296), [
            "runAsUser 4294967296 is above 2147483647, the largest ID Kubernetes accepts: the API server would reject every fixed workload",
            "runAsGroup 4294967296 is above 2147483647, the largest ID Kubernetes accepts: the API server would reject every fixed workload",
            "fsGroup 4294967296 is above 2147483647, the largest ID Kubernetes accepts: the API server would reject every fixed workload",
        ]),
        (ManifestFixOptions(fsGroup: 0), ["fsGroup 0 is not a non-root ID: use 1 to 2147483647"]),
        (ManifestFixOptions(runAsUser: -1), ["runAsUser -1 is not a non-root ID: use 1 to 2147483647"]),
    ])
    func outOfRangeIDsAreRefused(_ options: ManifestFixOptions, _ messages: [String]) throws {
        #expect(options.problems.map(\.description) == messages)
        #expect(throws: OptionProblem.self) { try options.validate() }
        let result = ManifestFixer(options: options).fix(text: Self.pod, file: "pod.yaml")
        #expect(!result.isChanged)
        #expect(result.changes.isEmpty)
        #expect(result.errors.map(\.message) == messages.map { "invalid option: " + $0 })
    }

    @Test func theLargestIDIsWritten() throws {
        let options = ManifestFixOptions(runAsUser: 2_147_483_647, runAsGroup: 2_147_483_647, fsGroup: 2_147_483_647)
        #expect(options.problems.isEmpty)
        try options.validate()
        let result = ManifestFixer(options: options).fix(text: Self.pod, file: "pod.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.fixed.contains("runAsUser: 2147483647"))
        #expect(result.fixed.contains("fsGroup: 2147483647"))
        #expect(ManifestFixOptions().problems.isEmpty)
    }
}
