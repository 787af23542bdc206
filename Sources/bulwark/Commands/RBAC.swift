import ArgumentParser
import BulwarkCore
import BulwarkEngine
import BulwarkKubernetes
import BulwarkReport

struct RBAC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbac",
        abstract: "Effective RBAC permissions and privilege-escalation paths.",
        discussion: """
        Joins RoleBindings and ClusterRoleBindings to their roles (aggregated ClusterRoles and the built-in
        cluster-admin, admin, edit and view included) with the RBAC authorizer's exact matching rules. With
        --subject, prints the subject's effective permissions (like kubectl auth can-i --list, wildcards expanded)
        and the findings that concern it; a ServiceAccount also holds what its groups system:serviceaccounts,
        system:serviceaccounts:NAMESPACE and system:authenticated are granted. Without --subject, lists every
        subject with a risky permission, and the workloads that run as it.
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var reporting: ReportingOptions

    @Option(help: "serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME.")
    var subject: String?

    func validate() throws {
        try reporting.rejectInventoryFormat("rbac")
        if let subject, RBACSubject(argument: subject) == nil {
            throw ValidationError("--subject must be serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME (got \"\(subject)\")")
        }
    }

    func run() async throws {
        try reporting.rejectBaseline("bulwark rbac")
        let configuration = try reporting.loadConfiguration()
        let request = ScanRequest(paths: input.paths, configuration: configuration, configurationFile: reporting.configurationFile,
                                  maxFileSize: input.limits.limit, compliance: reporting.compliance)
        let target = subject.flatMap(RBACSubject.init(argument:))
        let analysis: RBACAnalysis
        switch Engine.standard.rbacAnalysis(request, subject: target) {
        case .failure(let error):
            for inputError in error.errors { Console.current.error("\(inputError)") }
            Console.current.error(error.message)
            throw ExitCode(2)
        case .success(let result):
            analysis = result
        }
        let threshold = reporting.threshold(configuration)
        let reporter = RBACReporter(analyzer: analysis.analyzer, report: analysis.report, showSuppressed: reporting.showSuppressed)
        switch reporting.format {
        case .table:
            try Console.current.emit(target.map(reporter.subjectTable) ?? reporter.summaryTable(), to: reporting.output)
        case .json:
            try Console.current.emit(try target.map(reporter.subjectJSON) ?? reporter.summaryJSON(), to: reporting.output)
        case .sarif, .junit, .html, .cyclonedx, .spdx, .oscal, .plan:
            try reporting.emit(analysis.report, configuration: configuration, failOn: threshold)
        }
        let code = analysis.report.exitCode(failOn: threshold)
        if code != 0 { throw ExitCode(code) }
    }
}
