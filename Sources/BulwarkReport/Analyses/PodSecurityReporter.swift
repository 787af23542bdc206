import BulwarkCore
import BulwarkKubernetes
import Foundation

/// `bulwark pss` output: one verdict per pod spec, as a table for people or as JSON.
public enum PodSecurityReporter {
    /// ```
    /// k8s/deploy.yaml:1  Deployment ml/model-server  restricted:v1.35  FORBIDDEN
    ///     runAsNonRoot: runAsNonRoot != true (pod or container "server" must set securityContext.runAsNonRoot=true)
    /// 1 pod specs: 0 allowed, 1 forbidden
    /// ```
    /// Every value from the input is sanitised (`TerminalText`).
    public static func table(_ results: [PSSObjectResult]) -> String {
        var text = ""
        for result in results {
            let verdict = result.exempt == true ? "EXEMPT" : (result.allowed ? "ALLOWED" : "FORBIDDEN")
            var object = "\(result.kind) \(result.namespace)/\(result.name)"
            if let role = result.role { object += " (\(role))" }
            text += "\(result.file.terminalSafe):\(result.line)  \(object.terminalSafe)  \(result.level.rawValue):\(result.version)  \(verdict)\n"
            for violation in result.violations {
                text += "    \(violation.check): \(violation.reason.terminalSafe) (\(violation.detail.terminalSafe))\n"
            }
            if let reason = result.exemptReason { text += "    \(reason.terminalSafe)\n" }
            for error in result.labelErrors ?? [] { text += "    label: \(error.terminalSafe)\n" }
        }
        let forbidden = results.count { !$0.allowed }
        text += "\(results.count) pod specs: \(results.count - forbidden) allowed, \(forbidden) forbidden\n"
        return text
    }

    /// The JSON array of verdicts (keys sorted, pretty-printed).
    public static func json(_ results: [PSSObjectResult]) throws -> [UInt8] {
        try AnalysisJSON.encode(results)
    }
}

/// JSON for the analysis commands: `Codable` models, keys sorted, pretty-printed, slashes as they
/// are, strings escaped as every report escapes them (`QuotedString`), a final newline.
enum AnalysisJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return QuotedString.escapingRawCharacters(inJSON: Array(try encoder.encode(value))) + [10]
    }
}
