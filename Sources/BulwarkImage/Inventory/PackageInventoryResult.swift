import BulwarkCore

/// What `PackageInventory.collect` found in an image's final filesystem.
public struct PackageInventoryResult: Sendable {
    /// From `etc/os-release`, else `usr/lib/os-release`; nil when neither names an `ID`.
    public var os: OperatingSystemRelease?
    /// Each package once, with the layer that introduced it; sorted by kind, name, version.
    public var packages: [InstalledPackage]
    /// Package records that could not be read: `file` is `<layer digest>:<path>`, the message the
    /// reason. The packages around them are still reported.
    public var warnings: [InputWarning]

    public init(os: OperatingSystemRelease? = nil, packages: [InstalledPackage] = [], warnings: [InputWarning] = []) {
        self.os = os
        self.packages = packages
        self.warnings = warnings
    }
}
