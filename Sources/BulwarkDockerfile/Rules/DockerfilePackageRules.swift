import BulwarkCore

/// OS and Python package-manager hygiene. Rules about size and attack surface (recommends, caches,
/// build tools, upgrades) look only at stages whose layers end up in the final image; rules about
/// correctness and integrity look at every stage.
public enum DockerfilePackageRules {
    public static let all: [DockerfileRule] = [
        updateAlone, noInstallRecommends, aptListsNotRemoved, aptUpgrade, aptInsteadOfAptGet, missingAssumeYes,
        apkWithoutNoCache, rpmCacheNotCleaned, pipNoCacheDir, pipWithoutHashes, buildToolsInFinalStage,
    ]

    static func packageCommands(_ view: InstructionView) -> [PackageCommand] {
        view.commands.compactMap(PackageCommand.init)
    }

    /// `rm` of a path under one of the prefixes in the commands.
    static func removes(_ commands: [SimpleCommand], under prefixes: [String]) -> Bool {
        commands.contains { command in
            guard command.program == "rm" else { return false }
            return command.operands.contains { word in prefixes.contains { word.value.hasPrefix($0) } }
        }
    }

    static func hasCacheMount(_ view: InstructionView, under prefixes: [String]) -> Bool {
        view.cacheMountTargets.contains { target in prefixes.contains { target.hasPrefix($0) } }
    }

    static func packages(_ command: PackageCommand, limit: Int = 6) -> String {
        let names = command.packageNames.map(\.word.value)
        guard !names.isEmpty else { return command.command.excerpt(limit: 60) }
        let shown = names.prefix(limit).joined(separator: " ")
        return names.count > limit ? shown + " …" : shown
    }

    // MARK: - dockerfile/apt-update-alone

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

    // MARK: - dockerfile/apt-no-install-recommends

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

    // MARK: - dockerfile/apt-lists-not-removed

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
            controls: ["cis-docker:4.3", "nist-800-190:4.1.2"],
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

    // MARK: - dockerfile/apt-upgrade

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
            controls: ["cis-docker:4.4", "nist-800-190:4.1.1"],
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

    // MARK: - dockerfile/apt-instead-of-apt-get

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

    // MARK: - dockerfile/missing-assume-yes

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

    // MARK: - dockerfile/apk-without-no-cache

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
            controls: ["cis-docker:4.3", "nist-800-190:4.1.2"],
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

    // MARK: - dockerfile/rpm-cache-not-cleaned

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
            controls: ["cis-docker:4.3", "nist-800-190:4.1.2"],
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

    // MARK: - pip

    static func pipInstalls(_ view: InstructionView) -> [PackageCommand] {
        packageCommands(view).filter { $0.manager == .pip && $0.action == "install" }
    }

    static let pipNoCacheDir = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/pip-no-cache-dir",
            severity: .low,
            title: "pip install without --no-cache-dir",
            summary: """
            Pip keeps every downloaded wheel in `~/.cache/pip`; in an image that is dead weight (often hundreds of megabytes \
            for ML dependencies such as torch). Checked in the stages of the final image; `PIP_NO_CACHE_DIR` and a cache \
            mount on the pip cache count.
            """,
            remediation: """
            Use `pip install --no-cache-dir …`, set `ENV PIP_NO_CACHE_DIR=1`, or keep the cache out of the layer with \
            `RUN --mount=type=cache,target=/root/.cache/pip pip install …`.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.2"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                COPY requirements.txt .
                RUN pip ↓install -r requirements.txt && python -m pip ↓install gunicorn==23.0.0
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS build
                RUN pip install --upgrade build
                FROM python:3.12-slim
                RUN pip install --no-cache-dir -r requirements.txt
                RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn==23.0.0
                ENV PIP_NO_CACHE_DIR=1
                RUN pip3 install flask==3.0.3
                """),
            ],
            tags: ["hadolint:DL3042", "hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped, view.environment["PIP_NO_CACHE_DIR"] == nil,
                  !view.cacheMountTargets.contains(where: { $0.contains(".cache/pip") || $0.hasSuffix(".cache") }) else { return [] }
            return pipInstalls(view).compactMap { command in
                guard !command.invocation.has("--no-cache-dir"),
                      !command.command.assignments.contains(where: { $0.name == "PIP_NO_CACHE_DIR" }) else { return nil }
                return view.violation("\(view.subject) runs \"\(command.command.excerpt(limit: 60))\" without --no-cache-dir", at: command.actionWord.range.start)
            }
        }
    )

    static let pipWithoutHashes = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/pip-without-hashes",
            severity: .info,
            title: "pip install without --require-hashes",
            summary: """
            Version pins say which release to install, not which bytes: a compromised index, mirror or proxy (or a re-uploaded \
            file) can serve a different wheel for `torch==2.4.1`. `--require-hashes` makes pip check every downloaded file \
            against a hash in the requirements file, for dependencies of dependencies too. Offline installs (`--no-index`) \
            and installs of local paths only are not reported.
            """,
            remediation: """
            Generate a fully pinned requirements file with hashes (`pip-compile --generate-hashes` or `uv pip compile \
            --generate-hashes`) and install with `pip install --require-hashes --no-deps -r requirements.txt` (or set \
            `PIP_REQUIRE_HASHES=1`).
            """,
            controls: ["cis-docker:4.11", "nist-800-190:4.1.3"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN pip ↓install --no-cache-dir -r requirements.txt
                RUN pip3 ↓install --no-cache-dir torch==2.4.1 --index-url https://download.pytorch.org/whl/cpu
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt
                RUN pip install --no-cache-dir --no-index --find-links /wheels model-server
                RUN pip install --no-cache-dir -e . && pip install --no-cache-dir /wheels/server-1.0-py3-none-any.whl
                ENV PIP_REQUIRE_HASHES=1
                RUN pip install --no-cache-dir -r more-requirements.txt
                """),
            ],
            tags: ["hadolint:DL3013", "supply-chain"]
        ),
        check: .instruction([.run]) { view in
            guard view.environment["PIP_REQUIRE_HASHES"] == nil else { return [] }
            return pipInstalls(view).compactMap { command in
                let invocation = command.invocation
                guard !invocation.has("--require-hashes", "--no-index"),
                      !command.command.assignments.contains(where: { $0.name == "PIP_REQUIRE_HASHES" }) else { return nil }
                let requirements = !invocation.values("-r", "--requirement").isEmpty
                let remote = command.operands.filter { word in
                    let value = word.value
                    return !(value.hasPrefix(".") || value.hasPrefix("/") || value.hasPrefix("~") || value.hasSuffix(".whl") || value.hasPrefix("file:"))
                }
                guard requirements || !remote.isEmpty else { return nil }
                return view.violation("\(view.subject) runs \"\(command.command.excerpt(limit: 60))\" without --require-hashes", at: command.actionWord.range.start)
            }
        }
    )

    // MARK: - dockerfile/build-tools-in-final-stage

    static let buildTools: Set<String> = [
        "gcc", "g++", "gcc-c++", "cpp", "clang", "llvm", "make", "cmake", "build-essential", "build-base", "alpine-sdk", "autoconf",
        "automake", "libtool", "pkg-config", "pkgconf", "gfortran", "gcc-gfortran", "git", "cargo", "rustc", "golang", "golang-go",
        "ninja-build", "ninja", "bison", "flex", "@development-tools", "development tools",
    ]

    static func isBuildTool(_ name: String) -> Bool {
        if buildTools.contains(name) { return true }
        if name.hasSuffix("-dev") || name.hasSuffix("-devel") { return true }
        for family in ["gcc-", "g++-", "clang-", "llvm-"] where name.hasPrefix(family) {
            if name.dropFirst(family.count).allSatisfy({ $0.isNumber || $0 == "." }) { return true }
        }
        return false
    }

    static let buildToolsInFinalStage = DockerfileRule(
        RuleDescriptor(
            id: "dockerfile/build-tools-in-final-stage",
            severity: .low,
            title: "Compilers and build tools in the final image",
            summary: """
            Compilers, `make`, `git` and `-dev` header packages installed in a stage of the final image are needed only to \
            build: at run time they let an attacker who gets code execution compile and fetch tools, and they add packages \
            to patch. Packages removed again in the same RUN (`apt-get purge`, `apk del .build-deps`) are not reported.
            """,
            remediation: """
            Use a multi-stage build: install the build tools in a builder stage, build wheels, a virtualenv or binaries \
            there, and `COPY --from=builder` only the result into a slim final stage.
            """,
            controls: ["cis-docker:4.3", "nist-800-190:4.1.1"],
            failing: [
                dockerfileExample("""
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends ↓build-essential libpq-dev curl && rm -rf /var/lib/apt/lists/*
                RUN apk add --no-cache ↓git
                """),
            ],
            passing: [
                dockerfileExample("""
                FROM python:3.12 AS build
                RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
                RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install --no-cache-dir psutil==6.1.0 && apk del .build-deps
                RUN apt-get install -y --no-install-recommends gcc && make && apt-get purge -y gcc
                """),
            ],
            tags: ["hygiene"]
        ),
        check: .instruction([.run]) { view in
            guard view.isShipped else { return [] }
            let commands = packageCommands(view)
            var removed: Set<String> = []
            for command in commands where ["remove", "purge", "del", "erase", "autoremove"].contains(command.action) {
                for word in command.operands { removed.insert(PackageCommand.packageName(word.value, manager: command.manager)) }
            }
            return commands.compactMap { command in
                guard command.manager != .pip && command.manager != .conda, command.installs else { return nil }
                if command.manager == .apk, let virtual = command.invocation.values("-t", "--virtual").first, removed.contains(virtual.lowercased()) {
                    return nil
                }
                let tools = command.packageNames.filter { isBuildTool($0.name) && !removed.contains($0.name) }
                guard let first = tools.first else { return nil }
                return view.violation("\(view.subject) installs \(Text.list(tools.map(\.word.value))) into the final image", at: first.word.range.start)
            }
        }
    )
}
