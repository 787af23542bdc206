import BulwarkCore
import Foundation

/// Anchors and paths for findings about missing fields.
enum ServingAnchor {
    /// The container's `name` key (or the container itself, for KServe's unnamed model containers).
    static func container(_ container: ContainerView) -> YAMLNode {
        container.node.keyNode("name") ?? container.node
    }

    /// Where a missing command-line flag belongs: the `args` key, else `command`, else the name.
    static func arguments(_ container: ContainerView) -> YAMLNode {
        container.node.keyNode("args") ?? container.node.keyNode("command") ?? Self.container(container)
    }

    /// The JSON path of the field a command-line word was read from (`…command`, `…args`, `…env`).
    static func field(of node: YAMLNode, in container: ContainerView) -> String {
        if container.node["command"]?.items.contains(where: { $0 === node }) == true { return "\(container.path).command" }
        if container.env.contains(where: { $0.node["value"] === node }) { return "\(container.path).env" }
        return "\(container.path).args"
    }

    /// Where a missing env variable belongs: the `env` key, else the container name.
    static func env(_ container: ContainerView) -> YAMLNode {
        container.node.keyNode("env") ?? Self.container(container)
    }

    /// A node at a computed position (a line inside a block scalar).
    static func synthetic(_ text: String, at position: TextPosition) -> YAMLNode {
        YAMLNode(.scalar(text, .plain), position: position)
    }

    /// The key of the pod spec (`spec:` of a template, `predictor:` of an InferenceService).
    static func podSpec(_ pod: PodSpecView) -> YAMLNode {
        ServingPath.keyNode(pod.object.root, path: pod.specPath) ?? pod.spec
    }
}
