/// Lets the rules of one RBAC rule set share one `RBACAssessment` per scan: the analyser (roles,
/// aggregation, bindings, workloads) is built once per `InventoryIndex` and kept in its memo.
final class RBACAssessmentMemo: Sendable {
    let subject: RBACSubject?
    let reportsWorkloadClusterAdmin: Bool

    init(subject: RBACSubject?, reportsWorkloadClusterAdmin: Bool) {
        self.subject = subject
        self.reportsWorkloadClusterAdmin = reportsWorkloadClusterAdmin
    }

    /// The assessment of an index, built once per index (kept in the index's memo).
    func assessment(of index: InventoryIndex) -> RBACAssessment {
        let key = "rbac-assessment:\(subject.map { "\($0)" } ?? "*"):\(reportsWorkloadClusterAdmin)"
        return index.memo.value(.custom(key)) {
            RBACAssessment(analyzer: RBACAnalyzer(index: index), subject: subject, reportsWorkloadClusterAdmin: reportsWorkloadClusterAdmin)
        }
    }
}
