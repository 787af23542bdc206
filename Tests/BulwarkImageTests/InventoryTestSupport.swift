import BulwarkImage

/// Layer files for inventory tests, built in memory as the walker hands them over.
enum InventoryFixture {
    static func digest(_ layer: Int) -> String { "sha256:" + String(repeating: String(layer), count: 64).prefix(64) }

    static func file(_ path: String, _ text: String, layer: Int = 0, truncated: Bool = false) -> LayerFile {
        let bytes = Array(text.utf8)
        return LayerFile(path: path, layerIndex: layer, layerDigest: digest(layer), size: bytes.count, contents: bytes, truncated: truncated)
    }

    static func bytes(_ path: String, _ bytes: [UInt8], layer: Int = 0) -> LayerFile {
        LayerFile(path: path, layerIndex: layer, layerDigest: digest(layer), size: bytes.count, contents: bytes)
    }

    static func link(_ path: String, to target: String, layer: Int = 0) -> LayerFile {
        LayerFile(path: path, kind: .symlink, layerIndex: layer, layerDigest: digest(layer), size: 0, mode: 0o777, linkTarget: target)
    }

    /// A regular file the inventory wants only the name of (limit 0).
    static func named(_ path: String, size: Int = 1_000_000, layer: Int = 0) -> LayerFile {
        LayerFile(path: path, layerIndex: layer, layerDigest: digest(layer), size: size, contents: [])
    }

    static let debianOSRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"
        """

    static let alpineOSRelease = """
        NAME="Alpine Linux"
        ID=alpine
        VERSION_ID=3.19.1
        PRETTY_NAME="Alpine Linux v3.19"
        HOME_URL="https://alpinelinux.org/"
        """

    /// Stanzas copied from a Debian 12 machine's `/var/lib/dpkg/status` (descriptions shortened), and a
    /// removed package whose configuration files remain.
    static let dpkgStatus = """
        Package: bsdutils
        Essential: yes
        Status: install ok installed
        Priority: required
        Section: utils
        Installed-Size: 355
        Maintainer: util-linux packagers <util-linux@packages.debian.org>
        Architecture: amd64
        Multi-Arch: foreign
        Source: util-linux (2.38.1-5+deb12u3)
        Version: 1:2.38.1-5+deb12u3
        Pre-Depends: libc6 (>= 2.34), libsystemd0
        Recommends: bsdextrautils
        Description: basic utilities from 4.4BSD-Lite
         This package contains the bare minimum of BSD utilities needed for a
         Debian system: logger, renice, script, scriptlive, scriptreplay and wall.
         .
         The remaining standard BSD utilities are provided by bsdextrautils.
        Homepage: https://www.kernel.org/pub/linux/utils/util-linux/

        Package: libssl3
        Status: install ok installed
        Priority: optional
        Section: libs
        Installed-Size: 6029
        Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
        Architecture: amd64
        Multi-Arch: same
        Source: openssl
        Version: 3.0.11-1~deb12u2
        Depends: libc6 (>= 2.34)
        Description: Secure Sockets Layer toolkit - shared libraries
         This package is part of the OpenSSL project's implementation of the SSL
         and TLS cryptographic protocols for secure communication over the
         Internet.
        Homepage: https://www.openssl.org/

        Package: nginx-common
        Status: deinstall ok config-files
        Priority: optional
        Section: httpd
        Installed-Size: 1168
        Maintainer: Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>
        Architecture: all
        Source: nginx
        Version: 1.22.1-9
        Conffiles:
         /etc/nginx/nginx.conf 9e0297ae4b4e7e6a2e6ec4c4ed5c4f49
        Description: small, powerful, scalable web/proxy server - common files

        Package: tzdata
        Status: install ok installed
        Priority: required
        Section: localization
        Installed-Size: 2565
        Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
        Architecture: all
        Multi-Arch: foreign
        Version: 2025b-0+deb12u2
        Provides: tzdata-bookworm
        Depends: debconf (>= 0.5) | debconf-2.0
        Description: time zone and daylight-saving time data
        Homepage: https://www.iana.org/time-zones

        """
}
