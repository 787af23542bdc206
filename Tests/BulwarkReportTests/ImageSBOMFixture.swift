import BulwarkCore
import BulwarkReport
import Foundation

/// The image every SBOM golden is rendered from. It mixes package managers (dpkg, apk, Python,
/// conda, a vendored library) so that one document shows every kind, with the purl edge cases: a
/// dpkg epoch (`1:`), `+` and `~` in versions, a PEP 440 local version, a name that purls
/// normalise (`nvidia_cudnn_cu12`), the same purl twice (flask in two environments), a license
/// expression, a license text that is not SPDX, and a model file in a layer with a finding.
enum ImageSBOMFixture {
    static let identity = CycloneDXFixture.identity

    static let layers = [
        "sha256:" + String(repeating: "1a", count: 32),
        "sha256:" + String(repeating: "2b", count: 32),
        "sha256:" + String(repeating: "3c", count: 32),
    ]

    static let model = ScannedModel(
        file: layers[2] + ":opt/models/classifier.pt", format: "zip", frameworks: ["torch"], pickles: 1, size: 1_234,
        sha256: String(repeating: "a1", count: 32), sha512: String(repeating: "b2", count: 64), signature: "unsigned")

    static let packages: [InstalledPackage] = [
        InstalledPackage(kind: .deb, name: "libc6", version: "2.36-9+deb12u4", ecosystem: "Debian:12", sourceName: "glibc",
                         architecture: "amd64", distro: "debian-12", licenses: ["LGPL-2.1-or-later", "GPL-2.0-or-later"],
                         layer: layers[0], path: "var/lib/dpkg/status"),
        InstalledPackage(kind: .deb, name: "libssl3", version: "3.0.11-1~deb12u2", ecosystem: "Debian:12", sourceName: "openssl",
                         architecture: "amd64", distro: "debian-12", licenses: ["Apache-2.0"],
                         layer: layers[0], path: "var/lib/dpkg/status"),
        InstalledPackage(kind: .deb, name: "login", version: "1:4.13+dfsg1-1+b1", ecosystem: "Debian:12", sourceName: "shadow",
                         sourceVersion: "1:4.13+dfsg1-1", architecture: "amd64", distro: "debian-12",
                         licenses: ["GPL-2.0-only", "public-domain"], layer: layers[0], path: "var/lib/dpkg/status"),
        InstalledPackage(kind: .apk, name: "musl", version: "1.2.4-r2", ecosystem: "Alpine:v3.19", architecture: "x86_64",
                         distro: "alpine-3.19", licenses: ["MIT"], layer: layers[1], path: "lib/apk/db/installed"),
        InstalledPackage(kind: .python, name: "Flask", version: "2.0.1", ecosystem: "PyPI", licenses: ["BSD-3-Clause"],
                         layer: layers[1], path: "usr/local/lib/python3.11/site-packages/Flask-2.0.1.dist-info/METADATA"),
        InstalledPackage(kind: .python, name: "flask", version: "2.0.1", ecosystem: "PyPI", licenses: ["bsd-3-clause"],
                         layer: layers[2], path: "opt/venv/lib/python3.11/site-packages/flask-2.0.1.dist-info/METADATA"),
        InstalledPackage(kind: .python, name: "torch", version: "2.3.1+cu121", ecosystem: "PyPI", licenses: ["BSD-3-Clause"],
                         layer: layers[2], path: "opt/venv/lib/python3.11/site-packages/torch-2.3.1+cu121.dist-info/METADATA"),
        InstalledPackage(kind: .python, name: "nvidia_cudnn_cu12", version: "8.9.2.26", ecosystem: "PyPI",
                         licenses: ["NVIDIA Proprietary Software"], layer: layers[2],
                         path: "opt/venv/lib/python3.11/site-packages/nvidia_cudnn_cu12-8.9.2.26.dist-info/METADATA",
                         note: "NVIDIA cuDNN"),
        InstalledPackage(kind: .conda, name: "openssl", version: "3.2.1", licenses: ["Apache-2.0 AND (MIT OR BSD-2-Clause)"],
                         layer: layers[2], path: "opt/conda/conda-meta/openssl-3.2.1-hd590300_0.json"),
        InstalledPackage(kind: .binary, name: "libcudnn", version: "8.9.2", layer: layers[2],
                         path: "opt/venv/lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn.so.8", note: "NVIDIA cuDNN"),
    ]

    static let image = ScannedImage(
        source: "images/example.oci.tar", references: ["localhost/bulwark-example:1.0", "localhost/bulwark-example:latest"],
        manifestDigest: "sha256:" + String(repeating: "0d", count: 32), configDigest: "sha256:" + String(repeating: "0c", count: 32),
        platform: "linux/amd64",
        os: OperatingSystemRelease(id: "debian", versionID: "12", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)"),
        layers: layers, packages: packages, models: [model])

    static let report = Report(
        findings: [
            Finding(
                ruleId: "model/pickle-dangerous-global", severity: .critical, title: "Pickle imports a dangerous global",
                message: "GLOBAL at archive/data.pkl@42 imports posix.system", remediation: "Do not load the file.",
                location: SourceLocation(file: model.file, member: "archive/data.pkl", offset: 1_066)),
        ],
        errors: [], inputs: InputSummary(files: 1), tool: ReportFixture.tool)
}
