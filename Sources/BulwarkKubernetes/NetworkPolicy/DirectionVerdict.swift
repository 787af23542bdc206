/// One direction of a connection: the source's egress or the destination's ingress.
public struct DirectionVerdict: Sendable {
    public let direction: NetworkPolicyRule.Direction
    /// False when the side is outside the cluster (no policy can select it).
    public let applies: Bool
    /// Some selecting policy has this policy type.
    public let isolated: Bool
    public let allowed: Bool
    /// Policies that select the pod for this direction.
    public let isolatingPolicies: [String]
    /// Policies with a rule that allows the queried connection.
    public let allowingPolicies: [String]
    /// Policies with a deny rule (Cilium) that matches the queried connection.
    public let denyingPolicies: [String]
    /// Every port this direction allows towards/from the other side.
    public let ports: PortSet

    /// The policies that decide: those that allow it when allowed by an isolated pod's policies,
    /// the deny rules' policies when denied by them, else the isolating ones.
    public var policies: [String] {
        if !denyingPolicies.isEmpty { return denyingPolicies }
        if allowed { return isolated ? allowingPolicies : [] }
        return isolatingPolicies
    }
}
