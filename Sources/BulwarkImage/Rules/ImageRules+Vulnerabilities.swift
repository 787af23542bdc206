import BulwarkCore
import BulwarkVulnDB

/// Known vulnerabilities of the image's packages, one rule per kind of package, because who fixes
/// them differs: OS packages come with the base image (rebuild), Python and conda packages with the
/// application's requirements (upgrade), vendored libraries with whatever bundled them. Users
/// enable, disable or re-rate each kind separately; each finding carries its advisory's severity.
extension ImageRules {
    public static let vulnerabilities: [ImageRule] = [vulnerableOSPackage, vulnerablePythonPackage, vulnerableBinaryPackage]

    static let vulnerableOSPackage = ImageRule(
        RuleDescriptor(
            id: "vuln/os-package",
            severity: .high,
            title: "OS package has a known vulnerability",
            summary: """
            A package of the image's distribution (deb, apk or rpm) is at a version that an advisory of the offline \
            vulnerability database (OSV: Debian, Ubuntu, Alpine) lists as affected. Each finding names the package, the \
            installed and fixed versions, every id of the vulnerability, its CVSS score and vector, and the layer that \
            installed the package; its severity is the advisory's. Distribution advisories name source packages, so \
            several binary packages may share one advisory.
            """,
            remediation: """
            Rebuild the image on a newer base image of the same release (or run the package manager's upgrade in the \
            build) so that the fixed version is installed; where there is no fix yet, remove the package if it is not \
            needed, or record with a VEX statement why the image is not affected.
            """,
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1", "nsa-k8s:secure-container-images"],
            failing: [
                vulnerabilityExample("""
                packages:
                  - {kind: deb, name: libssl3, version: 3.0.11-1~deb12u1, ecosystem: "Debian:12", layer: 0}
                vulnerabilities:
                ↓ - {package: libssl3, id: DSA-5532-1, aliases: [CVE-2023-5678], fixed: [3.0.11-1~deb12u2], severity: medium, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"}
                """),
            ],
            passing: [
                vulnerabilityExample("""
                packages:
                  - {kind: deb, name: libssl3, version: 3.0.11-1~deb12u2, ecosystem: "Debian:12", layer: 0}
                  - {kind: python, name: flask, version: 0.12.2, ecosystem: PyPI, layer: 1}
                vulnerabilities:
                  - {package: flask, id: PYSEC-2018-66, aliases: [CVE-2018-1000656], fixed: [0.12.3], severity: high}
                """),
            ],
            tags: ["image", "vulnerability"]
        ),
        check: ImageCheck { model in vulnerabilityViolations(model, kinds: [.deb, .apk, .rpm]) }
    )

    static let vulnerablePythonPackage = ImageRule(
        RuleDescriptor(
            id: "vuln/python-package",
            severity: .high,
            title: "Python package has a known vulnerability",
            summary: """
            A Python distribution (from `*.dist-info`, `*.egg-info`) or a conda package is at a version that an advisory \
            of the offline vulnerability database (OSV: PyPI, PYSEC and GHSA) lists as affected. Inference images pin \
            old framework and tokenizer versions for years, and the serving stack (web framework, pickle loaders, \
            tokenizers) is what faces requests. Each finding names the package, the installed and fixed versions, every \
            id, the CVSS score and vector, and the layer; its severity is the advisory's.
            """,
            remediation: """
            Upgrade the package to the fixed version named in the finding (the remediation plan gives the lowest version \
            that fixes all of a package's advisories) and rebuild; where there is no fix yet or the code is not used, \
            record why with a VEX statement (`--vex`).
            """,
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1", "owasp-ml:ML06", "nsa-k8s:secure-container-images"],
            failing: [
                vulnerabilityExample("""
                packages:
                  - {kind: python, name: flask, version: 0.12.2, ecosystem: PyPI, layer: 1}
                vulnerabilities:
                ↓ - {package: flask, id: PYSEC-2018-66, aliases: [CVE-2018-1000656], fixed: [0.12.3], severity: high, cvss: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}
                 - {package: flask, id: PYSEC-2019-179, aliases: [CVE-2019-1010083], fixed: ["1.0"], severity: high, vex: {status: not_affected, justification: vulnerable_code_not_present}}
                """),
                vulnerabilityExample("""
                packages:
                  - {kind: conda, name: pillow, version: 9.0.0, ecosystem: PyPI, layer: 2}
                vulnerabilities:
                ↓ - {package: pillow, id: GHSA-4fx9-vc88-q2xc, aliases: [CVE-2022-24303], fixed: [9.0.1], severity: critical}
                """),
            ],
            passing: [
                vulnerabilityExample("""
                packages:
                  - {kind: python, name: flask, version: 2.3.3, ecosystem: PyPI, layer: 1}
                vulnerabilities: []
                """),
            ],
            tags: ["image", "vulnerability", "ml"]
        ),
        check: ImageCheck { model in vulnerabilityViolations(model, kinds: [.python, .conda]) }
    )

    static let vulnerableBinaryPackage = ImageRule(
        RuleDescriptor(
            id: "vuln/binary-package",
            severity: .high,
            title: "Vendored library has a known vulnerability",
            summary: """
            A shared library that no package manager recorded (vendored into a wheel or copied into the image, such as \
            `libcudnn.so.8.9.2` or a bundled OpenSSL), identified by its file name's version, is at a version an \
            advisory lists as affected. Vendored copies are missed by `apt upgrade` and `pip install -U` of other \
            packages, so they outlive the fixes of the distribution.
            """,
            remediation: """
            Upgrade whatever bundled the library (the wheel, the CUDA base image, the copied directory) to a release that \
            ships the fixed version, and rebuild.
            """,
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1", "nsa-k8s:secure-container-images"],
            failing: [
                vulnerabilityExample("""
                packages:
                  - {kind: binary, name: libcudnn, version: 8.9.2, layer: 3}
                vulnerabilities:
                ↓ - {package: libcudnn, id: CVE-2024-0000, fixed: [], severity: medium}
                """),
            ],
            passing: [
                vulnerabilityExample("""
                packages:
                  - {kind: binary, name: libcudnn, version: 9.1.0, layer: 3}
                vulnerabilities: []
                """),
            ],
            tags: ["image", "vulnerability", "gpu"]
        ),
        check: ImageCheck { model in vulnerabilityViolations(model, kinds: [.binary]) }
    )

    /// The findings of one rule: the matches of its kinds of package, suppressed (with the VEX reason)
    /// when a statement says `not_affected` or `fixed`.
    static func vulnerabilityViolations(_ model: ImageModel, kinds: Set<InstalledPackage.Kind>) -> [ImageViolation] {
        model.vulnerabilities.filter { kinds.contains($0.package.kind) }.map { match in
            let package = match.package
            return ImageViolation(
                VulnerabilityMessage.text(match, layers: model.layers),
                member: "package \(package.kind.rawValue):\(package.name)@\(package.version)",
                severity: match.severity,
                suppression: match.vex.flatMap { $0.suppresses ? $0.suppressionReason : nil })
        }
    }
}

/// A vulnerability finding's message: `flask 0.12.2 (python) is affected by PYSEC-2018-66
/// (CVE-2018-1000656): fixed in 0.12.3; CVSS 7.5 CVSS:3.0/…; installed by layer 1 (sha256:…) at
/// usr/lib/…/METADATA`.
public enum VulnerabilityMessage {
    public static func text(_ match: VulnerabilityMatch, layers: [String]) -> String {
        let package = match.package
        var ids = match.ids.isEmpty ? [match.advisory.id] : match.ids
        let first = ids.removeFirst()
        var text = "\(package.name) \(package.version) (\(package.kind.rawValue)"
        if let source = package.sourceName, source != package.name {
            text += ", source \(source)\(package.sourceVersion.map { " \($0)" } ?? "")"
        }
        text += ") is affected by \(first)"
        if !ids.isEmpty { text += " (\(ids.joined(separator: ", ")))" }
        text += match.fixedVersions.isEmpty ? ": no fix yet" : ": fixed in \(match.fixedVersions.joined(separator: ", "))"
        if let vector = match.cvssVector {
            text += "; CVSS \(match.cvssScore.map(score) ?? "unscored") \(vector)"
        } else if let cvssScore = match.cvssScore {
            text += "; CVSS \(score(cvssScore))"
        }
        text += "; installed by "
        if let index = layers.firstIndex(of: package.layer) {
            text += "layer \(index) (\(package.layer))"
        } else {
            text += "layer \(package.layer.isEmpty ? "unknown" : package.layer)"
        }
        if !package.path.isEmpty { text += " at \(package.path)" }
        if let vex = match.vex, !vex.suppresses {
            text += "; VEX \(vex.status.rawValue)\(vex.statement.map { ": \($0)" } ?? "") — \(vex.source)"
        }
        return text
    }

    /// One decimal, as CVSS scores are written (`7.5`, `10.0`).
    static func score(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// An example in the image example format (`example.image.yaml`, read by the image example harness).
private func vulnerabilityExample(_ text: String, sourceFile: String = #filePath, sourceLine: Int = #line) -> RuleExample {
    RuleExample(text, fileName: "example.image.yaml", sourceFile: sourceFile, sourceLine: sourceLine)
}
