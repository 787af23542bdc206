import BulwarkCore

/// OS package-manager caches left in the image: apt lists, apk, yum/dnf/zypper.
extension DockerfilePackageRules {
    static let aptListsNotRemoved = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apt-lists-not-removed",
            severity: .low,
            title: "apt package lists left in the image",
            summary: """
            `apt-get update` downloads package indexes to `/var/lib/apt/lists`; unless the same RUN removes them they stay in \
            the layer (tens of megabytes) and tell anyone with the image exactly which mirror state it was built from. \
            Checked in the stages of the final image; a cache mount on `/var/lib/apt` counts as cleanup.
            """,
            remediation: """
            End the RUN that updates with `&& rm -rf /var/lib/apt/lists/*`, or use \
            `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked` so the lists never enter a layer.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN apt-get ↓update && apt-get install -y --no-install-recommends libgomp1 && apt-get clean
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
                RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl
                """),
            ],
            tags: ["hadolint:DL3009", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped, let update = packageCommands(view).first(where: { $0.manager.isAPT && $0.action == "update" }),
                  !removes(view.commands, under: ["/var/lib/apt/lists", "/var/lib/apt"]), !hasCacheMount(view, under: ["/var/lib/apt"])
            else { return [] }
            return [view.violation("\(view.subject) runs \(update.manager.rawValue) update without removing /var/lib/apt/lists in the same RUN",
                                   at: update.actionWord.range.start)]
        }
    )

    static let apkWithoutNoCache = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apk-without-no-cache",
            severity: .low,
            title: "apk add without --no-cache",
            summary: """
            `apk add` without `--no-cache` leaves the package index in `/var/cache/apk` inside the layer. Checked in the \
            stages of the final image; removing the cache in the same RUN or a cache mount counts.
            """,
            remediation: """
            Use `apk add --no-cache pkg` (which also makes a separate `apk update` unnecessary).
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM alpine:3.22
                RUN apk update && apk ↓add ca-certificates tzdata
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM alpine:3.22
                RUN apk add --no-cache ca-certificates tzdata
                RUN apk add curl && rm -rf /var/cache/apk/*
                RUN --mount=type=cache,target=/var/cache/apk apk add jq
                """),
            ],
            tags: ["hadolint:DL3019", "trivy:DS-0025", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped, view.commands.contains(where: { $0.program == "apk" }),
                  !removes(view.commands, under: ["/var/cache/apk", "/etc/apk/cache"]),
                  !hasCacheMount(view, under: ["/var/cache/apk", "/etc/apk/cache"]) else { return [] }
            return packageCommands(view).compactMap { command in
                guard command.manager == .apk, command.action == "add", !command.invocation.has("--no-cache") else { return nil }
                return view.violation("\(view.subject) runs apk add \(packages(command)) without --no-cache", at: command.actionWord.range.start)
            }
        }
    )

    static let rpmCacheNotCleaned = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/rpm-cache-not-cleaned",
            severity: .low,
            title: "yum/dnf/zypper cache left in the image",
            summary: """
            `yum`, `dnf`, `microdnf` and `zypper` keep repository metadata (and sometimes packages) in `/var/cache`; unless \
            the same RUN cleans it, the layer keeps it. Checked in the stages of the final image; a cache mount counts.
            """,
            remediation: """
            End the RUN with `&& dnf clean all` (`yum clean all`, `microdnf clean all`, `zypper clean --all`), or remove \
            `/var/cache/dnf` (`/var/cache/yum`, `/var/cache/zypp`) in the same RUN.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM rockylinux:9
                RUN dnf ↓install -y python3.12
                RUN microdnf ↓install -y jq && zypper -n ↓in curl
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM rockylinux:9
                RUN dnf install -y python3.12 && dnf clean all
                RUN yum install -y jq && rm -rf /var/cache/yum
                RUN --mount=type=cache,target=/var/cache/dnf dnf install -y curl
                """),
            ],
            tags: ["hadolint:DL3032", "hadolint:DL3036", "hadolint:DL3040", "trivy:DS-0015", "trivy:DS-0019", "trivy:DS-0020", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped else { return [] }
            let commands = packageCommands(view)
            let cleaned = commands.contains { ($0.manager.isRPM || $0.manager == .zypper) && ($0.action == "clean" || $0.action == "cc") }
                || removes(view.commands, under: ["/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp", "/var/cache/libdnf5", "/var/cache/tdnf"])
                || hasCacheMount(view, under: ["/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp", "/var/cache/libdnf5", "/var/cache/tdnf"])
            guard !cleaned else { return [] }
            return commands.compactMap { command in
                guard command.manager.isRPM || command.manager == .zypper, command.installs || command.action == "groupinstall" else { return nil }
                return view.violation("\(view.subject) runs \(command.manager.rawValue) \(command.action) \(packages(command)) without cleaning the cache in the same RUN",
                                      at: command.actionWord.range.start)
            }
        }
    )
}
