import BulwarkCore
import BulwarkKubernetes
import Testing

/// `k8s/run-as-high-uid` says what happens with the container's own settings.
@Suite struct RunAsUserMessageTests {
    @Test func runAsNonRootTellsWhatHappensToAnImageWithoutUser() {
        let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: server
              image: registry.example.com/server:1.0
              securityContext: {runAsNonRoot: true}
            - name: proxy
              image: registry.example.com/proxy:1.0
        """
        let messages = scanText(text, rules: [rule("k8s/run-as-high-uid")]).map(\.message)
        #expect(messages.count == 2)
        #expect(messages.first { $0.contains("\"server\"") }.map {
            $0.contains("the kubelet refuses to start the container") && !$0.contains("(root when the image sets none)")
        } == true)
        #expect(messages.first { $0.contains("\"proxy\"") }?.contains("(root when the image sets none)") == true)
    }
}
