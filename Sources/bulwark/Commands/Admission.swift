import ArgumentParser

struct Admission: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admission",
        abstract: "The admission webhook and the in-tree admission policies generated from the rule catalogue.",
        subcommands: [AdmissionServe.self, AdmissionPolicies.self, AdmissionCerts.self, AdmissionManifests.self]
    )
}
