/// The Cilium entities of `fromEntities` / `toEntities`. `world` (`world-ipv4`, `world-ipv6`) matches
/// addresses outside the cluster, `cluster` every pod, `all` everything; the others (`host`,
/// `remote-node`, `kube-apiserver` …) stand for nodes and control-plane addresses Bulwark does not
/// model, so they match no endpoint.
public enum CiliumEntity: String, Sendable, CaseIterable {
    case world, worldIPv4 = "world-ipv4", worldIPv6 = "world-ipv6", cluster, all
    case host, remoteNode = "remote-node", kubeAPIServer = "kube-apiserver", health, initialising = "init", ingress, unmanaged
}
