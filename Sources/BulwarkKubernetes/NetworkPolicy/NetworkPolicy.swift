import BulwarkCore

/// A Kubernetes NetworkPolicy (or a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy rule)
/// normalised for the reachability engine.
///
/// Kubernetes semantics (networking.k8s.io/v1): the policy selects the pods of its namespace that
/// `podSelector` matches (`{}` = all); it isolates them for Ingress and/or Egress per
/// `policyTypes`, which defaults to Ingress plus Egress when the policy has an `egress` section.
/// Its rules add allowed connections; the union of all selecting policies' rules is what an
/// isolated pod may do.
/// A class (immutable): the reachability engine looks policies up millions of times on large
/// inventories, and copying a struct of this size costs a retain per field each time.
public final class NetworkPolicy: Sendable {
    public enum Flavor: String, Sendable {
        case kubernetes
        case cilium
        case ciliumClusterwide
    }

    /// Which pods the policy selects.
    public enum Selector: Sendable {
        /// A Kubernetes `podSelector` (pod labels).
        case pods(LabelSelector)
        /// A Cilium `endpointSelector` (Cilium identity labels).
        case cilium(LabelSelector)

        public var labelSelector: LabelSelector {
            switch self {
            case .pods(let selector), .cilium(let selector): selector
            }
        }
    }

    public let object: KubeObject
    public let flavor: Flavor
    /// The namespace whose pods the policy selects; nil for a cluster-wide Cilium policy.
    public let namespace: String?
    public let selector: Selector
    /// The `podSelector` / `endpointSelector` node, if written.
    public let selectorNode: YAMLNode?
    /// JSON path of the selector (`spec.podSelector`).
    public let selectorPath: String
    public let isolatesIngress: Bool
    public let isolatesEgress: Bool
    public let ingress: [NetworkPolicyRule]
    public let egress: [NetworkPolicyRule]

    public init(object: KubeObject, flavor: Flavor, namespace: String?, selector: Selector, selectorNode: YAMLNode?, selectorPath: String,
                isolatesIngress: Bool, isolatesEgress: Bool, ingress: [NetworkPolicyRule], egress: [NetworkPolicyRule],
                specIndex: Int? = nil) {
        self.specIndex = specIndex
        self.object = object
        self.flavor = flavor
        self.namespace = namespace
        self.selector = selector
        self.selectorNode = selectorNode
        self.selectorPath = selectorPath
        self.isolatesIngress = isolatesIngress
        self.isolatesEgress = isolatesEgress
        self.ingress = ingress
        self.egress = egress
    }

    /// `ml-inference/default-deny` (a Cilium policy with several `specs` gets `#N`).
    public var name: String {
        let base = namespace.map { "\($0)/\(object.name)" } ?? object.name
        return specIndex.map { "\(base)#\($0)" } ?? base
    }

    /// The position in a Cilium `specs` list, when the policy has several.
    public let specIndex: Int?

    public func isolates(_ direction: NetworkPolicyRule.Direction) -> Bool {
        direction == .ingress ? isolatesIngress : isolatesEgress
    }

    public func rules(_ direction: NetworkPolicyRule.Direction) -> [NetworkPolicyRule] {
        direction == .ingress ? ingress : egress
    }

    /// Whether the policy selects every pod of its namespace (`podSelector: {}`).
    public var selectsWholeNamespace: Bool {
        switch selector {
        case .pods(let selector): selector.selectsEverything
        case .cilium(let selector): selector.selectsEverything && namespace != nil
        }
    }

    /// Every policy in an inventory: networking.k8s.io NetworkPolicies, cilium.io
    /// CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies, in input order.
    public static func all(in index: InventoryIndex) -> [NetworkPolicy] {
        var policies: [NetworkPolicy] = []
        for object in index.objects {
            switch (object.group, object.kind) {
            case ("networking.k8s.io", "NetworkPolicy"):
                policies.append(kubernetes(object))
            case ("cilium.io", "CiliumNetworkPolicy"), ("cilium.io", "CiliumClusterwideNetworkPolicy"):
                policies += cilium(object)
            default:
                break
            }
        }
        return policies
    }
}
