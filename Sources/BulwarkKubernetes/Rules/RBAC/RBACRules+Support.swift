import BulwarkCore

extension RBACRules {
    /// The severity sentence shared by the subject-centric escalation rules.
    static func scaleSentence(cluster: Severity, namespace: Severity?) -> String {
        let namespaceText = namespace.map { ", \($0.rawValue) when held in one namespace through a RoleBinding" } ?? ""
        return "\(cluster.rawValue.prefix(1).uppercased() + cluster.rawValue.dropFirst()) when a workload identity holds it cluster-wide\(namespaceText); one step lower when no workload of the input runs with the identity (people, unused ServiceAccounts, pods that mount no token) or the grant is limited to named objects, one step higher when a model server does."
    }
}
