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
