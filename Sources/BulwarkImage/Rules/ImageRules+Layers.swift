import BulwarkCore

/// The layers themselves: what the walker found wrong while reading the tar entries
/// (`ImageModel.problems`). The walker decides what a problem is and writes the message; each rule
/// here reports the problems of its id, at `<layer digest>:<entry name>`, so a user can switch one off,
/// override its severity or suppress it like any other rule.
extension ImageRules {
    public static let layers: [ImageRule] = [layerPathTraversal, layerLinkEscape, layerDuplicateEntry, layerDecompressionBomb]

    /// The rule that reports the walker's problems with `id`.
    static func layerProblems(_ id: String) -> ImageCheck {
        ImageCheck { model in
            model.problems.filter { $0.ruleID == id }.map { problem in
                ImageViolation("layer \(problem.layerIndex) (\(problem.layerDigest)): \(problem.message)",
                               member: "\(problem.layerDigest):\(problem.path)")
            }
        }
    }

    static let layerControls: [ControlID] = ["nist-800-190:4.1.3"]

    static let layerPathTraversal = ImageRule(
        RuleDescriptor(
            id: "image/layer-path-traversal",
            severity: .high,
            title: "Layer entry outside the image root",
            summary: """
            A layer's tar entry has an absolute name or `..` components (`../../etc/cron.d/x`). Bulwark rejects the \
            entry; an extractor that does not (old Docker, naive `tar -x` in tooling) writes outside the image root, on \
            the host. Layers written by build tools never hold such entries: the image was made by hand or tampered with.
            """,
            remediation: """
            Do not run or unpack the image; find where it came from, rebuild it from its Dockerfile with a current \
            builder and pull it by digest.
            """,
            controls: layerControls,
            failing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/server.py: "print('hello')\\n"
                problems:
                ↓  - {rule: image/layer-path-traversal, layer: 0, path: "../../etc/cron.d/evil", message: "entry ../../etc/cron.d/evil leaves the image root"}
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/server.py: "print('hello')\\n"
                """),
            ]
        ),
        check: layerProblems("image/layer-path-traversal")
    )

    static let layerLinkEscape = ImageRule(
        RuleDescriptor(
            id: "image/layer-link-escape",
            severity: .high,
            title: "Layer link pointing outside the image root",
            summary: """
            A symbolic or hard link in a layer resolves outside the image root (`etc/passwd -> ../../../host/etc/passwd`, \
            a hard link to `/etc/shadow`). Bulwark resolves links only inside the root; an extractor or a later layer \
            that writes through such a link reaches the host's files.
            """,
            remediation: """
            Do not run or unpack the image; rebuild it from its Dockerfile and check which build step created the link \
            (links into the image should be relative and stay below `/`).
            """,
            controls: layerControls,
            failing: [
                imageYAMLExample("""
                problems:
                ↓  - {rule: image/layer-link-escape, layer: 1, path: "app/data", message: "symbolic link app/data -> ../../.. leaves the image root"}
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      app/data: {link: ../srv/data}
                """),
            ]
        ),
        check: layerProblems("image/layer-link-escape")
    )

    static let layerDuplicateEntry = ImageRule(
        RuleDescriptor(
            id: "image/layer-duplicate-entry",
            severity: .medium,
            title: "Layer with two entries for one path",
            summary: """
            A layer's tar holds the same path twice. Extractors disagree on which one wins (the last for GNU tar and \
            containerd, the first for some scanners), so what a scanner checked may not be what runs: a known way to hide \
            files from image scanners. Build tools never write duplicates.
            """,
            remediation: """
            Rebuild the image from its Dockerfile with a current builder; do not deploy an image whose layers were \
            assembled by hand.
            """,
            controls: layerControls,
            failing: [
                imageYAMLExample("""
                problems:
                ↓  - {rule: image/layer-duplicate-entry, layer: 0, path: "usr/bin/python3", message: "usr/bin/python3 appears twice in the layer; the last entry was used"}
                """),
            ],
            passing: [
                imageYAMLExample("""
                problems:
                  - {rule: image/layer-path-traversal, layer: 0, path: "/etc/passwd", message: "absolute entry /etc/passwd"}
                """),
            ]
        ),
        check: layerProblems("image/layer-duplicate-entry")
    )

    static let layerDecompressionBomb = ImageRule(
        RuleDescriptor(
            id: "image/layer-decompression-bomb",
            severity: .high,
            title: "Layer that decompresses beyond the limits",
            summary: """
            A layer expands far beyond its compressed size or beyond the total the walker accepts (a decompression \
            bomb): reading it would exhaust the disk or memory of whatever unpacks it (a node's container runtime, a CI \
            scanner). Bulwark stops reading the layer at the limit, so files after that point were not checked.
            """,
            remediation: """
            Do not pull the image onto shared nodes; find where it came from. If the layer is genuine (a model of many \
            gigabytes of zeros), store the data outside the image (a volume or an object store) and rebuild.
            """,
            controls: layerControls,
            failing: [
                imageYAMLExample("""
                problems:
                ↓  - {rule: image/layer-decompression-bomb, layer: 2, path: "", message: "layer expands 1:2000 (limit 1:1000); reading stopped at 4 GiB"}
                """),
            ],
            passing: [
                imageYAMLExample("""
                layers:
                  - files:
                      models/weights.bin: "not a bomb"
                """),
            ]
        ),
        check: layerProblems("image/layer-decompression-bomb")
    )
}
