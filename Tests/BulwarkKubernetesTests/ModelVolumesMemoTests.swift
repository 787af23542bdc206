import BulwarkCore
@testable import BulwarkKubernetes
import Testing

/// Found by FuzzAdmission under AddressSanitizer (LeakSanitizer): every AdmissionReview whose pod
/// mounted a model path leaked its container view and YAML tree, because the memoised model mounts held
/// the view whose memo held them. The webhook is long-running, so that was a leak per request.
@Suite struct ModelVolumesMemoTests {
    static let manifest = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ml}
        spec:
          containers:
            - name: server
              image: registry.example.com/server:1.0
              volumeMounts:
                - {name: weights, mountPath: /models}
          volumes:
            - {name: weights, emptyDir: {medium: Memory}}

        """

    @Test func memoisedModelMountsDoNotKeepTheirContainerAlive() throws {
        weak var memo: Memo?
        try {
            let inventory = KubernetesLoader.parse(text: Self.manifest, file: "pod.yaml")
            let object = try #require(inventory.objects.first)
            let container = try #require(PodSpecExtractor.podSpecs(in: object).first?.containers.first)
            let mounts = ModelVolumes.mounts(of: container)
            #expect(mounts.map(\.field) == ["spec.containers[0].volumeMounts[0]"])
            #expect(mounts.map(\.containerDisplayName) == ["container \"server\""])
            memo = container.memo
        }()
        #expect(memo == nil, "the container's memo outlives the container (a reference cycle through its values)")
    }
}
