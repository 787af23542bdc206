import BulwarkCore
import BulwarkKubernetes
import Testing

@Suite struct InventoryPartitionTests {
    static func object(_ file: String, _ kind: String, _ name: String, namespace: String = "ml") -> KubeObject {
        let text = "apiVersion: v1\nkind: \(kind)\nmetadata: {name: \(name), namespace: \(namespace)}\n"
        return KubernetesLoader.parse(text: text, file: file).objects[0]
    }

    @Test func contradictingSiblingDirectoriesAreSeparateClusters() {
        let objects = [
            Self.object("ex/k8s/deploy.yaml", "ServiceAccount", "model"),
            Self.object("ex/k8s/sa.yaml", "Service", "model"),
            Self.object("ex/hardened/k8s/sa.yaml", "ServiceAccount", "model"),
            Self.object("ex/hardened/k8s/np.yaml", "NetworkPolicy", "deny"),
        ]
        #expect(InventoryPartition.groups(of: objects) == [[0, 1], [2, 3]])
    }

    @Test func siblingDirectoriesWithoutCommonObjectsStayOneCluster() {
        let objects = [
            Self.object("k8s/deployments/a.yaml", "ServiceAccount", "a"),
            Self.object("k8s/services/a.yaml", "Service", "a"),
            Self.object("k8s/policies/np.yaml", "NetworkPolicy", "a"),
        ]
        #expect(InventoryPartition.groups(of: objects) == [[0, 1, 2]])
    }

    @Test func sameNameInOtherNamespacesIsNoContradiction() {
        let objects = [
            Self.object("a/x.yaml", "ServiceAccount", "model", namespace: "one"),
            Self.object("b/x.yaml", "ServiceAccount", "model", namespace: "two"),
        ]
        #expect(InventoryPartition.groups(of: objects) == [[0, 1]])
    }

    @Test func duplicatesInOneDirectoryStayTogether() {
        let objects = [Self.object("k8s/a.yaml", "ServiceAccount", "model"), Self.object("k8s/b.yaml", "ServiceAccount", "model")]
        #expect(InventoryPartition.groups(of: objects) == [[0, 1]])
    }
}

@Suite struct InventoryContradictionTests {
    static func objects(_ files: [(String, String)]) -> [KubeObject] {
        files.flatMap { KubernetesLoader.parse(text: $0.1, file: $0.0).objects }
    }

    static let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: ml}\n"

    @Test func oneClusterHasNoContradiction() {
        let objects = Self.objects([("k8s/a.yaml", Self.deployment), ("k8s/b.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: ml}\n")])
        #expect(InventoryPartition.contradiction(in: objects) == nil)
    }

    @Test func siblingDirectoriesDefiningTheSameObjectAreNamed() {
        let two = Self.objects([("stack/dev/a.yaml", Self.deployment), ("stack/prod/a.yaml", Self.deployment)])
        #expect(InventoryPartition.contradiction(in: two) == "the inputs describe 2 different clusters: stack/dev and stack/prod both define Deployment ml/api")
        let three = Self.objects([("x/a/d.yaml", Self.deployment), ("x/b/d.yaml", Self.deployment), ("x/c/d.yaml", Self.deployment)])
        #expect(InventoryPartition.contradiction(in: three) == "the inputs describe 3 different clusters (x/a, x/b, x/c): x/a and x/b both define Deployment ml/api")
    }
}
