import BulwarkCore

/// pip installs: the download cache left in the image, requirements not pinned by hash.
extension DockerfilePackageRules {
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
            controls: ["nist-800-190:4.1.2"],
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
}
