/// One package installed in an image, as the image inventory found it: the key the vulnerability
/// database is asked with (`ecosystem`, `name`, `version`), and where it came from (the layer and
/// the file that recorded it), for findings and SBOMs.
///
/// In Core so that reporters (CycloneDX, SPDX) need no knowledge of the image domain.
public struct InstalledPackage: Sendable, Hashable, Codable {
    /// The package manager that recorded it; decides the purl type and the version ordering.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// dpkg (`var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`).
        case deb
        /// apk (`lib/apk/db/installed`).
        case apk
        /// rpm (`var/lib/rpm/rpmdb.sqlite`).
        case rpm
        /// Python distributions (`*.dist-info/METADATA`, `*.egg-info`).
        case python
        /// conda (`conda-meta/*.json`).
        case conda
        /// A vendored shared library known by its file name (`libcudnn.so.8.9.2`).
        case binary
    }

    public var kind: Kind
    public var name: String
    public var version: String
    /// The OSV ecosystem the database is asked with: `PyPI`, `Debian:12`, `Ubuntu:22.04`,
    /// `Alpine:v3.19`; nil when no database covers it (a vendored library).
    public var ecosystem: String?
    /// The source package (dpkg `Source:`, apk `o:`); OSV's Debian and Alpine advisories name
    /// source packages, not binary ones. Nil when it is the package itself.
    public var sourceName: String?
    /// The source package's version when it differs (`Source: openssl (3.0.11-1)`).
    public var sourceVersion: String?
    /// `amd64`, `x86_64`, `noarch` … when recorded.
    public var architecture: String?
    /// The distribution for purls' `distro=` qualifier (`debian-12`, `alpine-3.19`).
    public var distro: String?
    /// SPDX expressions or the license names as recorded.
    public var licenses: [String]
    /// The digest of the layer whose file recorded the package (the last layer that changed it).
    public var layer: String
    /// The file that recorded it, relative to the image root (`var/lib/dpkg/status`).
    public var path: String
    /// What the package is, when Bulwark knows more than its name (`NVIDIA cuDNN`).
    public var note: String?

    public init(kind: Kind, name: String, version: String, ecosystem: String? = nil, sourceName: String? = nil,
                sourceVersion: String? = nil, architecture: String? = nil, distro: String? = nil,
                licenses: [String] = [], layer: String, path: String, note: String? = nil) {
        self.kind = kind
        self.name = name
        self.version = version
        self.ecosystem = ecosystem
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.architecture = architecture
        self.distro = distro
        self.licenses = licenses
        self.layer = layer
        self.path = path
        self.note = note
    }
}

/// `/etc/os-release` (or `/usr/lib/os-release`) of an image.
public struct OperatingSystemRelease: Sendable, Hashable, Codable {
    /// `ID` (`debian`, `ubuntu`, `alpine`, `rhel` …).
    public var id: String
    /// `VERSION_ID` (`12`, `22.04`, `3.19.1`); nil for rolling releases (Debian sid).
    public var versionID: String?
    /// `VERSION_CODENAME` (`bookworm`).
    public var codename: String?
    /// `PRETTY_NAME`.
    public var prettyName: String?

    public init(id: String, versionID: String? = nil, codename: String? = nil, prettyName: String? = nil) {
        self.id = id
        self.versionID = versionID
        self.codename = codename
        self.prettyName = prettyName
    }
}

/// One image a scan read, as inventories (CycloneDX, SPDX) list it. The image domain fills it; the
/// findings about the image stay in the report.
public struct ScannedImage: Sendable, Equatable {
    /// The path as findings name it (an OCI layout directory, an `oci-archive` or `docker save` tar).
    public var source: String
    /// Tags the image carries (`org.opencontainers.image.ref.name`, docker's `RepoTags`).
    public var references: [String]
    /// The manifest's digest (`sha256:…`); the image's identity.
    public var manifestDigest: String
    /// The config's digest (docker's "image id").
    public var configDigest: String
    /// `linux/amd64`.
    public var platform: String
    public var os: OperatingSystemRelease?
    /// Layer digests (of the blobs as stored), bottom first.
    public var layers: [String]
    /// Packages in the final filesystem, sorted by kind, name, version.
    public var packages: [InstalledPackage]
    /// Model files in the layers (`file` is `<source>@<layer digest>:<path>`).
    public var models: [ScannedModel]
    /// What to do about the image's unsuppressed vulnerabilities, one step per action.
    public var remediation: [RemediationStep]

    public init(source: String, references: [String] = [], manifestDigest: String, configDigest: String, platform: String,
                os: OperatingSystemRelease? = nil, layers: [String] = [], packages: [InstalledPackage] = [],
                models: [ScannedModel] = [], remediation: [RemediationStep] = []) {
        self.remediation = remediation
        self.source = source
        self.references = references
        self.manifestDigest = manifestDigest
        self.configDigest = configDigest
        self.platform = platform
        self.os = os
        self.layers = layers
        self.packages = packages
        self.models = models
    }
}

/// One remediation step for an image's vulnerabilities, grouped by action: upgrade one package to a
/// version that fixes all its advisories, rebuild on a newer base image where the distribution has
/// fixed its packages, or wait (no fix yet).
public struct RemediationStep: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Equatable, Codable {
        case upgrade
        case rebuildOnNewerBase = "rebuild-on-newer-base"
        case noFixYet = "no-fix-yet"
    }

    public var action: Action
    /// One sentence a person acts on (`upgrade flask 0.12.2 → 2.2.5 (pip): fixes PYSEC-2018-66, …`).
    public var text: String
    /// `name@installed` of each package concerned.
    public var packages: [String]
    /// The advisory ids the step resolves (or that stay open, for `noFixYet`).
    public var ids: [String]
    /// The highest severity among them.
    public var severity: Severity

    public init(action: Action, text: String, packages: [String], ids: [String], severity: Severity) {
        self.action = action
        self.text = text
        self.packages = packages
        self.ids = ids
        self.severity = severity
    }
}
