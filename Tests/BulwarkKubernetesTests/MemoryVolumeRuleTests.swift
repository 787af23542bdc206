import BulwarkCore
import BulwarkKubernetes
import Testing

/// `k8s/memory-volume-exceeds-limit` beyond its examples: which limit counts, which containers.
@Suite struct MemoryVolumeRuleTests {
    static func scan(_ text: String) throws -> [Finding] {
        try WorkloadRulesTests.scan(text, "k8s/memory-volume-exceeds-limit")
    }

    static func pod(_ spec: String) -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n" + spec + "\n"
    }

    @Test func podLevelLimitCountsWhenTheContainerHasNone() throws {
        let text = Self.pod("""
          resources: {limits: {memory: 1Gi}}
          containers:
            - name: c
              image: registry.example.com/c:1
              volumeMounts: [{name: shm, mountPath: /dev/shm}]
          volumes: [{name: shm, emptyDir: {medium: Memory, sizeLimit: 1Gi}}]
        """)
        let findings = try Self.scan(text)
        #expect(findings.count == 1)
        #expect(findings.first?.field == "spec.resources.limits.memory")
        #expect(findings.first?.message.contains("not below its memory limit 1Gi") == true)
    }

    @Test func eachContainerIsJudgedByWhatItMounts() throws {
        let text = Self.pod("""
          initContainers:
            - name: fetch
              image: registry.example.com/fetch:1
              resources: {limits: {memory: 256Mi}}
              volumeMounts: [{name: cache, mountPath: /cache}]
          containers:
            - name: server
              image: registry.example.com/server:1
              resources: {limits: {memory: 4Gi}}
              volumeMounts: [{name: cache, mountPath: /cache}, {name: cache, mountPath: /again}]
          volumes: [{name: cache, emptyDir: {medium: Memory, sizeLimit: 512Mi}}]
        """)
        let findings = try Self.scan(text)
        #expect(findings.count == 1)
        #expect(findings.first?.message.hasPrefix("init container \"fetch\"") == true, "\(findings.map(\.message))")
    }

    @Test func diskBackedAndUnlimitedContainersAreNotReported() throws {
        let text = Self.pod("""
          containers:
            - name: c
              image: registry.example.com/c:1
              volumeMounts: [{name: tmp, mountPath: /tmp}, {name: shm, mountPath: /dev/shm}]
          volumes:
            - {name: tmp, emptyDir: {}}
            - {name: shm, emptyDir: {medium: Memory, sizeLimit: 8Gi}}
        """)
        #expect(try Self.scan(text).isEmpty)
    }
}
