import BulwarkCore

/// Instructions with a plainer replacement: MAINTAINER (a LABEL), ADD of local files (COPY).
extension DockerfileInstructionRules {
    static let maintainer = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/maintainer-deprecated",
            severity: .info,
            title: "MAINTAINER is deprecated",
            summary: """
            MAINTAINER has been deprecated since Docker 1.13; tools read the author from the OCI label instead.
            """,
            remediation: """
            Replace it with `LABEL org.opencontainers.image.authors="team@example.com"`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ↓MAINTAINER ml-platform@example.com
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                LABEL org.opencontainers.image.authors="ml-platform@example.com"
                """),
            ],
            tags: ["hadolint:DL4000", "trivy:DS-0022", "checkov:CKV_DOCKER_6"]
        ),
        check: .instruction([.maintainer]) { view in
            [view.violation("\(view.subject) uses the deprecated MAINTAINER instruction")]
        }
    )

    static let addLocalFile = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/add-local-file",
            severity: .low,
            title: "ADD of local files instead of COPY",
            summary: """
            ADD does more than copy: it unpacks local archives and fetches URLs. For plain files and directories that \
            magic only hides intent, and a file that turns into an archive later gets unpacked silently. Local tar archives, \
            which ADD is meant for, are not reported.
            """,
            remediation: """
            Use `COPY` for local files and directories (`COPY app/ /app/`); keep ADD for archives that should be unpacked.
            """,
            controls: ["cis-docker:4.9", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                ADD ↓app/ /app/
                ADD ↓requirements.txt rootfs.tar.gz /tmp/
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY app/ /app/
                ADD rootfs.tar.gz /
                ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://example.com/tini /tini
                """),
            ],
            tags: ["hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4"]
        ),
        check: .instruction([.add]) { view in
            guard let transfer = view.instruction.fileTransfer,
                  let source = transfer.sources.first(where: { source in
                      let value = source.resolved.lowercased()
                      return !value.contains("://") && !value.hasPrefix("git@") && !value.contains(".git#") && !value.hasSuffix(".git")
                          && !archiveSuffixes.contains(where: { value.hasSuffix($0) })
                  })
            else { return [] }
            return [view.violation("\(view.subject) adds the local path \(Text.excerpt(source.value, limit: 60)), which COPY does without ADD's unpacking", at: source.range.start)]
        }
    )
}
