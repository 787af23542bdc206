import BulwarkCore

/// How packages are installed: the index updated with the install, no recommended packages, no
/// upgrades, apt-get rather than apt in scripts, no prompts.
extension DockerfilePackageRules {
    static let updateAlone = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apt-update-alone",
            severity: .medium,
            title: "Package index updated in a RUN without an install",
            summary: """
            `apt-get update` (or `apk update`) in its own RUN is cached as a layer: later builds reuse the stale index while \
            the install in the next RUN changes, so they install outdated package versions (missing security fixes) or fail \
            when the mirror has dropped them.
            """,
            remediation: """
            Update and install in the same RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg=version \
            && rm -rf /var/lib/apt/lists/*`.
            """,
            controls: ["cis-docker:4.7", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN ↓apt-get update
                RUN apt-get install -y --no-install-recommends curl
                """),
                dockerfileExample("""
                FROM alpine:3.22
                RUN ↓apk update
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
                RUN apt-get update && apt-get upgrade -y
                """),
            ],
            tags: ["trivy:DS-0017", "checkov:CKV_DOCKER_5"]
        ),
        check: .instruction([.run]) { view in
            let commands = packageCommands(view)
            let consumes: [PackageCommand.Manager: Set<String>] = [
                .aptGet: ["install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "reinstall", "satisfy"],
                .apt: ["install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "reinstall", "satisfy"],
                .apk: ["add", "upgrade", "fix"],
            ]
            return commands.compactMap { command in
                guard command.action == "update", let family = consumes[command.manager] else { return nil }
                let consumed = commands.contains { other in
                    (other.manager == command.manager || other.manager.isAPT && command.manager.isAPT) && family.contains(other.action)
                }
                guard !consumed else { return nil }
                return view.violation("\(view.subject) runs \"\(command.command.excerpt(limit: 50))\" without installing anything in the same RUN",
                                      at: command.invocation.toolWord.range.start)
            }
        }
    )

    static let noInstallRecommends = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apt-no-install-recommends",
            severity: .low,
            title: "apt-get install without --no-install-recommends",
            summary: """
            Without `--no-install-recommends`, apt installs every recommended package too, often doubling what lands in the \
            image: more code to patch and more tools for an attacker. Checked in the stages of the final image; a \
            `APT::Install-Recommends "false"` setting written earlier in the stage counts.
            """,
            remediation: """
            Add `--no-install-recommends` to every `apt-get install` (`apt-get install -y --no-install-recommends pkg`) and \
            list the recommended packages you really need explicitly.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN apt-get update && apt-get ↓install -y libgomp1 && rm -rf /var/lib/apt/lists/*
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie AS build
                RUN apt-get update && apt-get install -y build-essential
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
                RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/90norecommends
                RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
                """),
            ],
            tags: ["hadolint:DL3015", "trivy:DS-0029", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped else { return [] }
            let installs = packageCommands(view).filter { $0.manager.isAPT && $0.action == "install" }
            guard !installs.isEmpty else { return [] }
            func disables(_ commands: [SimpleCommand]) -> Bool {
                commands.contains { command in
                    command.words.contains { word in
                        let value = word.value.lowercased()
                        return value.contains("install-recommends") && (value.contains("false") || value.contains("0"))
                    }
                }
            }
            if let stage = view.stage, stage.effectiveInstructions.contains(where: { $0.index < view.index && disables($0.commands) }) { return [] }
            return installs.compactMap { command in
                guard !command.invocation.has("--no-install-recommends"), !disables([command.command]) else { return nil }
                return view.violation("\(view.subject) installs \(packages(command)) without --no-install-recommends", at: command.actionWord.range.start)
            }
        }
    )

    static let aptUpgrade = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apt-upgrade",
            severity: .low,
            title: "Package upgrade inside the image build",
            summary: """
            `apt-get upgrade`, `dist-upgrade` and `full-upgrade` make the image depend on the day it was built, hide a stale \
            base image behind a layer of upgraded packages, and can pull new major versions into a minimal image \
            (`dist-upgrade` may also remove packages). Checked in the stages of the final image.
            """,
            remediation: """
            Rebuild on a newer base image instead (pin it by digest and let a bot bump it); if one package needs a fix \
            before the base has it, install that package's fixed version explicitly.
            """,
            controls: ["nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                RUN apt-get update && apt-get ↓dist-upgrade -y && rm -rf /var/lib/apt/lists/*
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM ubuntu:24.04@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                RUN apt-get update && apt-get install -y --no-install-recommends openssl=3.0.13-0ubuntu3.5 && rm -rf /var/lib/apt/lists/*
                """),
            ],
            tags: ["trivy:DS-0024", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped else { return [] }
            return packageCommands(view).compactMap { command in
                guard command.manager.isAPT, ["upgrade", "dist-upgrade", "full-upgrade"].contains(command.action) else { return nil }
                return view.violation("\(view.subject) runs \(command.manager.rawValue) \(command.action)", at: command.actionWord.range.start)
            }
        }
    )

    static let aptInsteadOfAptGet = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/apt-instead-of-apt-get",
            severity: .low,
            title: "apt used in a script",
            summary: """
            `apt` is the interactive front end: its command-line interface is not stable (it warns so on every run in a \
            script), its output and prompts change between releases, and builds that depend on it break or hang.
            """,
            remediation: """
            Use `apt-get` (and `apt-cache`) in Dockerfiles: `apt-get update && apt-get install -y --no-install-recommends pkg`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                RUN ↓apt update && ↓apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM ubuntu:24.04
                RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
                RUN apt-cache policy curl && aptitude --version || true
                """),
            ],
            tags: ["hadolint:DL3027", "checkov:CKV_DOCKER_9"]
        ),
        check: .instruction([.run]) { view in
            packageCommands(view).compactMap { command in
                guard command.manager == .apt else { return nil }
                return view.violation("\(view.subject) runs \"\(command.command.excerpt(limit: 50))\" with apt instead of apt-get",
                                      at: command.invocation.toolWord.range.start)
            }
        }
    )

    static let missingAssumeYes = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/missing-assume-yes",
            severity: .low,
            title: "Package manager may prompt during the build",
            summary: """
            `apt-get install`, `yum`/`dnf install` and `zypper install` ask for confirmation unless told not to; in a build \
            there is nobody to answer, so the step aborts (or, with a TTY, hangs), and builds behave differently from \
            developers' machines.
            """,
            remediation: """
            Pass the non-interactive option: `apt-get install -y`, `dnf install -y`, `yum install -y`, \
            `zypper --non-interactive install`.
            """,
            controls: ["nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN apt-get update && ↓apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
                """),
                dockerfileExample("""
                FROM rockylinux:9
                RUN ↓dnf install python3.12 && dnf clean all
                RUN ↓zypper install curl
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM debian:trixie-slim
                RUN apt-get update && apt-get install -qq --no-install-recommends curl && apt-get -y purge wget
                RUN dnf install --assumeyes python3.12 && yum -y remove vim && zypper -n in curl && microdnf install jq
                """),
            ],
            tags: ["hadolint:DL3014", "hadolint:DL3030", "hadolint:DL3034", "hadolint:DL3038", "trivy:DS-0021"]
        ),
        check: .instruction([.run]) { view in
            packageCommands(view).compactMap { command in
                let invocation = command.invocation
                let confirmed: Bool
                switch command.manager {
                case .aptGet, .apt:
                    guard ["install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove", "build-dep", "reinstall"].contains(command.action)
                    else { return nil }
                    confirmed = invocation.has("-y", "--yes", "--assume-yes", "--force-yes")
                        || invocation.arguments.contains { ["-qq", "-q=2", "--quiet=2"].contains($0.value) || $0.value.lowercased().contains("assume-yes=") }
                case .yum, .dnf, .tdnf:
                    guard ["install", "update", "upgrade", "remove", "erase", "groupinstall", "reinstall", "downgrade", "localinstall", "autoremove",
                           "distro-sync", "group"].contains(command.action) else { return nil }
                    confirmed = invocation.has("-y", "--assumeyes")
                case .zypper:
                    guard ["install", "update", "dist-upgrade", "remove", "patch"].contains(command.action) else { return nil }
                    confirmed = invocation.has("-n", "--non-interactive", "-y", "--no-confirm")
                default:
                    return nil
                }
                guard !confirmed else { return nil }
                return view.violation("\(view.subject) runs \"\(command.command.excerpt(limit: 50))\" without a non-interactive option",
                                      at: invocation.toolWord.range.start)
            }
        }
    )
}
