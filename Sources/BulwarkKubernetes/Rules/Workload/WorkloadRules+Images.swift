import BulwarkCore

/// Which image each container runs, and whether that can change without the manifest changing.
extension WorkloadRules {
    static let latestTag = KubernetesRule(
        RuleDescriptor(
            id: "k8s/latest-tag",
            severity: .medium,
            title: "Image uses the latest tag",
            summary: "An image with no tag, or the tag latest, and no digest runs whatever was pushed last: nodes may run different builds of the same pod, a rollback brings back nothing, and a compromised registry account replaces the code on the next pull.",
            remediation: "Reference images by an immutable version tag and, better, by digest (registry.example.com/server:1.4.2@sha256:…).",
            controls: ["nist-800-190:4.2.2", "nist-800-190:4.1.5", "owasp-k8s:K02"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      initContainers:
                        - name: fetch
                          image: ↓registry.example.com/fetch
                      containers:
                        - name: server
                          image: ↓registry.example.com/server:latest
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: ↓localhost:5000/server
                    - name: proxy
                      image: ↓"nginx"
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: rc, namespace: ml}
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: ↓rayproject/ray
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s, namespace: ml}
                spec:
                  serviceName: s
                  template:
                    spec:
                      containers:
                        - name: server
                          image: localhost:5000/server:1.4.2
                        - name: proxy
                          image: registry.example.com/proxy@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                        - name: exporter
                          image: registry.example.com/exporter:latest@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: retrain, namespace: ml}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                            - name: train
                              image: ghcr.io/org/train:2024.06.1
                """),
            ]
        ),
        check: .pod { pod, _ in
            imageViolations(pod) { reference in
                guard reference.usesLatest else { return nil }
                return reference.tag == nil ? " without a tag or digest, which pulls :latest" : " with the moving tag :latest and no digest"
            }
        }
    )

    static let imageDigest = KubernetesRule(
        RuleDescriptor(
            id: "k8s/image-digest",
            severity: .info,
            title: "Image is not pinned by digest",
            summary: "Tags are mutable: whoever can push to the repository can change what a tag points to, and the next node that pulls it runs the new content. Only a digest names exactly one image, and it is what signature and provenance checks verify.",
            remediation: "Append the digest of the tested image to the reference (registry.example.com/server:1.4.2@sha256:…), e.g. with crane digest or your CI's build output, and let a bot such as Renovate update it.",
            controls: ["nist-800-190:4.2.2", "nist-800-190:4.1.5", "owasp-k8s:K02", "mitre-atlas:AML.T0010.004"],
            failing: [
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: ↓registry.example.com/train:1.0
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                        - name: agent
                          image: ↓registry.example.com:5000/agent
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.4.2@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: localhost:5000/server@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                """),
            ]
        ),
        check: .pod { pod, _ in
            imageViolations(pod) { $0.isPinnedByDigest ? nil : ", which is not pinned by digest" }
        }
    )

    static let imagePullPolicy = KubernetesRule(
        RuleDescriptor(
            id: "k8s/image-pull-policy",
            severity: .low,
            title: "Image with the latest tag is not always pulled",
            summary: "For an image tagged latest (or untagged) Kubernetes defaults to imagePullPolicy: Always; IfNotPresent or Never instead makes each node run whichever latest it happened to cache, so replicas of one pod run different code and a fixed image never reaches some nodes.",
            remediation: "Pin the image to a version or digest; if it must float, leave imagePullPolicy unset or set it to Always.",
            controls: ["nist-800-190:4.2.2", "owasp-k8s:K02"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:latest
                          imagePullPolicy: ↓IfNotPresent
                        - name: proxy
                          image: registry.example.com/proxy
                          imagePullPolicy: ↓Never
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cleanup, namespace: ml}
                spec:
                  schedule: "@hourly"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                            - {name: cleanup, image: busybox, imagePullPolicy: ↓IfNotPresent}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s, namespace: ml}
                spec:
                  serviceName: s
                  template:
                    spec:
                      containers:
                        - name: server
                          image: registry.example.com/server:1.4.2
                          imagePullPolicy: IfNotPresent
                        - name: proxy
                          image: registry.example.com/proxy:latest
                          imagePullPolicy: Always
                        - name: exporter
                          image: registry.example.com/exporter
                """),
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: registry.example.com/server@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                      imagePullPolicy: Never
                """),
            ]
        ),
        check: .pod { pod, _ in
            images(pod).compactMap { container, reference, _ in
                guard reference.usesLatest, let policy = container.node["imagePullPolicy"],
                      let value = policy.string, value == "IfNotPresent" || value == "Never"
                else { return nil }
                return Violation(
                    "\(container.displayName) of \(pod.displayName) sets imagePullPolicy: \(value) for image \"\(container.image ?? "")\", so each node keeps running the latest it cached first",
                    at: policy, field: "\(container.path).imagePullPolicy", container: container.name)
            }
        }
    )

    static let imageRegistry = KubernetesRule(
        RuleDescriptor(
            id: "k8s/image-registry",
            severity: .info,
            title: "Image names no registry",
            summary: "An image reference without a registry host resolves to Docker Hub (docker.io) — or to whatever mirror the node's runtime is configured with — rather than to a registry the organisation controls and scans. Off by default.",
            remediation: "Mirror the image into your own registry and reference it with the full host name (registry.example.com/library/nginx:1.27).",
            controls: ["nist-800-190:4.1.5", "owasp-k8s:K02"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d, namespace: ml}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          image: ↓nginx:1.27
                        - name: model
                          image: ↓org/model-server:2.0@sha256:0e0a5b3bfbd6a4bdb6e9ba2dbd2a0d4e2c2b6e0fd1c6d3b4a8e2c9c1f0a1b2c3
                """),
                RuleExample("""
                apiVersion: ray.io/v1
                kind: RayCluster
                metadata: {name: rc, namespace: ml}
                spec:
                  headGroupSpec:
                    template:
                      spec:
                        containers:
                          - name: ray-head
                            image: ↓rayproject/ray:2.9.0
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers:
                    - name: server
                      image: docker.io/library/nginx:1.27
                    - name: proxy
                      image: localhost:5000/proxy:1.0
                    - name: exporter
                      image: localhost/exporter:1.0
                """),
                RuleExample("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, namespace: ml}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: train
                          image: ghcr.io/org/train:1.0
                """),
            ],
            enabledByDefault: false
        ),
        check: .pod { pod, _ in
            imageViolations(pod) { $0.registry == nil ? " with no registry host, which resolves to docker.io" : nil }
        }
    )
}
