import BulwarkCore
import Foundation

extension MLServingRules {
    static let jupyterNoToken = KubernetesRule(
        RuleDescriptor(
            id: "serving/jupyter-no-token",
            severity: .high,
            title: "Jupyter server without a token or password",
            summary: "Jupyter protects its API with a random token unless one is configured; `--NotebookApp.token=''`, `--ServerApp.token=''` or `--IdentityProvider.token=''` without a password turns authentication off, and the server hands a Python shell, a terminal and the pod's service-account token, cloud credentials and GPUs to anyone who reaches it. Exposed notebooks are mass-exploited for cryptomining and credential theft. Critical when the server also listens on all interfaces (`--ip=0.0.0.0`), high otherwise. (`JUPYTER_TOKEN=\"\"` is not reported: Jupyter then generates a random token.)",
            remediation: "Remove the empty token and password options and let Jupyter generate a token, set one from a Secret (`JUPYTER_TOKEN` via `secretKeyRef`), or put the server behind JupyterHub or an authenticating proxy (the Kubeflow pattern) and keep it off LoadBalancer/NodePort Services.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: kubeflow.org/v1
                kind: Notebook
                metadata: {name: data-science, namespace: team-a}
                spec:
                  template:
                    spec:
                      containers:
                        - name: notebook
                          image: jupyter/scipy-notebook:2023-10-20
                          command: ["start-notebook.sh"]
                          args: ["--ip=0.0.0.0", ↓"--NotebookApp.token=''", "--NotebookApp.password=''"]
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: research-lab, namespace: research}
                spec:
                  selector: {matchLabels: {app: research-lab}}
                  template:
                    metadata: {labels: {app: research-lab}}
                    spec:
                      containers:
                        - name: lab
                          image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime
                          command: ["bash", "-c"]
                          args: [↓"pip install jupyterlab && jupyter lab --allow-root --ServerApp.token='' --ServerApp.password=''"]
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: gpu-notebook, namespace: team-b}
                spec:
                  serviceName: gpu-notebook
                  selector: {matchLabels: {app: gpu-notebook}}
                  template:
                    metadata: {labels: {app: gpu-notebook}}
                    spec:
                      containers:
                        - name: notebook
                          image: quay.io/jupyter/pytorch-notebook:cuda12-2024-06-17
                          env:
                            - name: NOTEBOOK_ARGS
                              value: ↓"--IdentityProvider.token='' --ServerApp.ip=0.0.0.0"
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: kubeflow.org/v1
                kind: Notebook
                metadata: {name: data-science, namespace: team-a}
                spec:
                  template:
                    spec:
                      containers:
                        - name: notebook
                          image: jupyter/scipy-notebook:2023-10-20
                          env:
                            - {name: JUPYTER_TOKEN, value: ""}
                        - name: with-token
                          image: jupyter/scipy-notebook:2023-10-20
                          args: ["start-notebook.py", "--ServerApp.token=$(NOTEBOOK_TOKEN)"]
                        - name: with-password
                          image: jupyter/scipy-notebook:2023-10-20
                          args: ["start-notebook.py", "--ServerApp.token=", "--PasswordIdentityProvider.hashed_password=argon2:$argon2id$v=19$m=10240,t=10,p=8$c2FsdA$aGFzaA"]
                """),
            ],
            tags: ["ml", "jupyter"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for server in ModelServer.detect(container, kind: .jupyter) {
                    let flags = JupyterFlags.all(server, container)
                    guard let token = flags.option("--NotebookApp.token", "--ServerApp.token", "--IdentityProvider.token"),
                          let value = token.value, ServerFlags.unquoted(value).isEmpty else { continue }
                    if let password = flags.option("--NotebookApp.password", "--ServerApp.password", "--PasswordIdentityProvider.hashed_password"),
                       let hash = password.value, !ServerFlags.unquoted(hash).isEmpty {
                        continue
                    }
                    var exposure = ""
                    var severity: Severity?
                    if let ip = flags.option("--ip", "--NotebookApp.ip", "--ServerApp.ip"), let address = ip.value,
                       ["0.0.0.0", "*", "::", "[::]", ""].contains(ServerFlags.unquoted(address)) {
                        exposure = ", listening on all interfaces (\(ip.display))"
                        severity = .critical
                    }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) runs Jupyter with an empty token (\(token.display)) and no password\(exposure); anyone who reaches it gets a Python shell with the pod's credentials",
                        at: token.node, field: ServingAnchor.field(of: token.node, in: container), container: container.name, severity: severity))
                }
            }
            return violations
        }
    )

    static let jupyterCrossOrigin = KubernetesRule(
        RuleDescriptor(
            id: "serving/jupyter-cross-origin",
            severity: .medium,
            title: "Jupyter accepts cross-origin requests",
            summary: "`disable_check_xsrf=True` turns off Jupyter's cross-site request forgery check and `allow_origin='*'` (or an `allow_origin_pat` matching everything) lets any web page call the API with the user's browser session: a malicious page visited by a notebook user can start kernels and run code in the notebook pod. Medium: it needs a user to visit an attacker's page, but then yields code execution.",
            remediation: "Remove `disable_check_xsrf` and set `allow_origin` to the exact origins that embed the server (for example the JupyterHub or Kubeflow domain), or leave it unset.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: embedded-lab, namespace: research}
                spec:
                  selector: {matchLabels: {app: embedded-lab}}
                  template:
                    metadata: {labels: {app: embedded-lab}}
                    spec:
                      containers:
                        - name: lab
                          image: quay.io/jupyter/base-notebook:2024-06-17
                          args:
                            - start-notebook.py
                            - ↓--ServerApp.disable_check_xsrf=True
                            - ↓--ServerApp.allow_origin=*
                            - --ServerApp.tornado_settings={'headers':{'Content-Security-Policy':'frame-ancestors *'}}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: embedded-lab, namespace: research}
                spec:
                  selector: {matchLabels: {app: embedded-lab}}
                  template:
                    metadata: {labels: {app: embedded-lab}}
                    spec:
                      containers:
                        - name: lab
                          image: quay.io/jupyter/base-notebook:2024-06-17
                          args: ["start-notebook.py", "--ServerApp.allow_origin=https://portal.example.com", "--ServerApp.disable_check_xsrf=False"]
                """),
            ],
            tags: ["ml", "jupyter"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for server in ModelServer.detect(container, kind: .jupyter) {
                    let flags = JupyterFlags.all(server, container)
                    if let xsrf = flags.switch("--NotebookApp.disable_check_xsrf", "--ServerApp.disable_check_xsrf"), xsrf.isOn {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs Jupyter with \(xsrf.display); its API accepts cross-site requests made with a user's browser session",
                            at: xsrf.node, field: ServingAnchor.field(of: xsrf.node, in: container), container: container.name))
                    }
                    if let origin = flags.option("--NotebookApp.allow_origin", "--ServerApp.allow_origin"), let value = origin.value,
                       ServerFlags.unquoted(value) == "*" {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs Jupyter with \(origin.display); any web page can call its API with a user's browser session",
                            at: origin.node, field: ServingAnchor.field(of: origin.node, in: container), container: container.name))
                    }
                    if let pattern = flags.option("--NotebookApp.allow_origin_pat", "--ServerApp.allow_origin_pat"), let value = pattern.value,
                       [".*", "^.*$", ".+", "^.+$", "^.*", "*"].contains(ServerFlags.unquoted(value)) {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs Jupyter with \(pattern.display), which matches every origin; any web page can call its API with a user's browser session",
                            at: pattern.node, field: ServingAnchor.field(of: pattern.node, in: container), container: container.name))
                    }
                }
            }
            return violations
        }
    )

    static let mlflowNoAuth = KubernetesRule(
        RuleDescriptor(
            id: "serving/mlflow-no-auth",
            severity: .high,
            title: "MLflow tracking server without authentication",
            summary: "`mlflow server` and `mlflow ui` have no authentication unless started with an auth app (`--app-name basic-auth`); bound to all interfaces (`--host 0.0.0.0` or `MLFLOW_HOST`), anyone who reaches the pod can read experiments and artifacts and overwrite registered models that pipelines later load and execute, and the server has a history of path-traversal CVEs (CVE-2023-1177, CVE-2023-6909). High: unauthenticated write access to the model registry.",
            remediation: "Start the server with `--app-name basic-auth` (and change the default admin/password1234 credentials at once) or put it behind an authenticating proxy such as an oauth2-proxy sidecar; set `--allowed-hosts` and keep the Service ClusterIP.",
            controls: ["nist-800-190:4.4.4", "mitre-atlas:AML.T0018", "owasp-ml:ML10"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow}}
                  template:
                    metadata: {labels: {app: mlflow}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v2.14.1
                          command: ["mlflow", "server"]
                          args: ["--backend-store-uri", "$(MLFLOW_DB_URI)", "--artifacts-destination", "s3://mlflow-artifacts", "--host", ↓"0.0.0.0", "--port", "5000"]
                """),
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow-ui, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow-ui}}
                  template:
                    metadata: {labels: {app: mlflow-ui}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v2.14.1
                          command: ["mlflow", "ui"]
                          env:
                            - {name: MLFLOW_HOST, value: ↓0.0.0.0}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow}}
                  template:
                    metadata: {labels: {app: mlflow}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v2.14.1
                          command: ["mlflow", "server", "--host", "0.0.0.0", "--app-name", "basic-auth"]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow-proxied, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow-proxied}}
                  template:
                    metadata: {labels: {app: mlflow-proxied}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v2.14.1
                          command: ["mlflow", "server", "--host", "127.0.0.1"]
                        - name: oauth2-proxy
                          image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
                          args: ["--upstream=http://127.0.0.1:5000", "--http-address=0.0.0.0:4180"]
                """),
            ],
            tags: ["ml", "mlflow"]
        ),
        check: .pod { pod, _ in
            let proxied = pod.containers.contains { container in
                let name = ServingImage(container.image ?? "").lastComponent
                return name.contains("oauth2-proxy") || name.contains("oauth-proxy")
            }
            if proxied { return [] }
            var violations: [Violation] = []
            for container in pod.containers {
                for server in ModelServer.detect(container, kind: .mlflow) {
                    if let app = server.flags.option("--app-name"), let value = app.value, !ServerFlags.unquoted(value).isEmpty { continue }
                    let host: (String, YAMLNode)?
                    if let flag = server.flags.option("--host", "-h"), let value = flag.value {
                        host = (flag.display, flag.node)
                        guard MLflowHosts.isAllInterfaces(value) else { continue }
                    } else if let env = ServingEnv.find("MLFLOW_HOST", in: container), let value = env.value, MLflowHosts.isAllInterfaces(value) {
                        host = ("MLFLOW_HOST=\(value)", env.node)
                    } else {
                        host = nil
                    }
                    guard let (setting, node) = host else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) runs \(server.entrypoint) on all interfaces (\(setting)) without --app-name basic-auth or an authenticating proxy; anyone who reaches it can read experiments and overwrite registered models",
                        at: node, field: ServingAnchor.field(of: node, in: container), container: container.name))
                }
            }
            return violations
        }
    )

    static let mlflowSecurityMiddlewareDisabled = KubernetesRule(
        RuleDescriptor(
            id: "serving/mlflow-security-middleware-disabled",
            severity: .high,
            title: "MLflow security middleware disabled or wide open",
            summary: "MLflow 3.5 added a security middleware that validates the Host header (against DNS rebinding, through which any web page a user visits can drive an internal MLflow server) and restricts CORS origins. `--disable-security-middleware` (or `MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE=true`) removes it, which is high; `--allowed-hosts '*'` or `--cors-allowed-origins '*'` (or their `MLFLOW_SERVER_…` variables) defeat one of its checks, which is medium.",
            remediation: "Remove `--disable-security-middleware` and list the real host names and origins: `--allowed-hosts mlflow.example.com,mlflow.mlops.svc` and `--cors-allowed-origins https://portal.example.com`.",
            controls: ["nist-800-190:4.4.4"],
            failing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow}}
                  template:
                    metadata: {labels: {app: mlflow}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v3.5.0
                          command: ["mlflow", "server", "--host", "0.0.0.0", "--app-name", "basic-auth", ↓"--disable-security-middleware"]
                        - name: mlflow-readonly
                          image: ghcr.io/mlflow/mlflow:v3.5.0
                          args: ["mlflow", "server", "--host=0.0.0.0", "--app-name=basic-auth", ↓"--allowed-hosts=*"]
                          env:
                            - {name: MLFLOW_SERVER_CORS_ALLOWED_ORIGINS, value: ↓"*"}
                """),
            ],
            passing: [
                RuleExample("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: mlflow, namespace: mlops}
                spec:
                  selector: {matchLabels: {app: mlflow}}
                  template:
                    metadata: {labels: {app: mlflow}}
                    spec:
                      containers:
                        - name: mlflow
                          image: ghcr.io/mlflow/mlflow:v3.5.0
                          command: ["mlflow", "server", "--host", "0.0.0.0", "--app-name", "basic-auth", "--allowed-hosts", "mlflow.example.com,mlflow.mlops.svc"]
                """),
            ],
            tags: ["ml", "mlflow"]
        ),
        check: .pod { pod, _ in
            var violations: [Violation] = []
            for container in pod.containers {
                for server in ModelServer.detect(container, kind: .mlflow) {
                    if let flag = server.flags.switch("--disable-security-middleware"), flag.isOn {
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs \(server.entrypoint) with \(flag.display); host-header and CORS checks are off, so web pages a user visits can drive the server (DNS rebinding, cross-site requests)",
                            at: flag.node, field: ServingAnchor.field(of: flag.node, in: container), container: container.name))
                    }
                    for (name, what) in [("--allowed-hosts", "any Host header (DNS rebinding)"), ("--cors-allowed-origins", "cross-origin requests from any web page")] {
                        guard let flag = server.flags.option(name), let value = flag.value, ServerFlags.unquoted(value) == "*" else { continue }
                        violations.append(Violation(
                            "\(container.displayName) of \(pod.displayName) runs \(server.entrypoint) with \(flag.display), accepting \(what)",
                            at: flag.node, field: ServingAnchor.field(of: flag.node, in: container), container: container.name, severity: .medium))
                    }
                }
                if let env = ServingEnv.find("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", in: container), let value = env.value, ServerFlags.isTrue(value) {
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE=\(value); MLflow's host-header and CORS checks are off",
                        at: env.node, field: "\(container.path).env", container: container.name))
                }
                for (name, what) in [("MLFLOW_SERVER_ALLOWED_HOSTS", "any Host header (DNS rebinding)"), ("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS", "cross-origin requests from any web page")] {
                    guard let env = ServingEnv.find(name, in: container), let value = env.value, ServerFlags.unquoted(value) == "*" else { continue }
                    violations.append(Violation(
                        "\(container.displayName) of \(pod.displayName) sets \(name)=*, so MLflow accepts \(what)",
                        at: env.node, field: "\(container.path).env", container: container.name, severity: .medium))
                }
            }
            return violations
        }
    )
}
