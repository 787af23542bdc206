#!/usr/bin/env python3
"""Deterministic generator of a synthetic Kubernetes corpus for ML-serving stacks.

Usage:
    python3 bench/gen-k8s-corpus.py --objects N --out DIR [--seed 42]

Writes N Kubernetes objects into ceil(N/10) YAML files, 10 documents per file,
separated by `---`. The output depends only on (N, seed): the same arguments
always produce byte-identical files. Standard library only (the YAML is emitted
by a small block-style emitter below, checked against PyYAML in the README's
test recipe).

Object mix (exact counts, then shuffled): Deployment 30%, StatefulSet 10%,
Service 15%, NetworkPolicy 10%, Role/ClusterRole 8%, RoleBinding/
ClusterRoleBinding 8%, Secret 5%, ConfigMap 5%, Namespace 3%, Job/CronJob 4%,
DaemonSet 2%.

Workloads vary between hardened (runAsNonRoot, drop ALL, seccomp
RuntimeDefault, readOnlyRootFilesystem, resources, probes, pinned images) and
insecure (privileged, hostNetwork/hostPID, hostPath, added capabilities, no
resources, :latest images, --trust-remote-code, literal secret-looking env
values). Every secret-looking value is fake and says so (e.g. `sk-fake-...`).
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import re
import sys

# --------------------------------------------------------------------------
# Minimal deterministic YAML emitter (block style, kubectl-like layout).
# --------------------------------------------------------------------------

_PLAIN_OK = re.compile(r"^[A-Za-z0-9_./@\-][A-Za-z0-9_./@:=,+\-]*$")
_RESERVED = {
    "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
}
_NUMBERISH = re.compile(
    r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$"
    r"|^0[xob][0-9a-fA-F_]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
    r"|^[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$"
)


def _scalar(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    s = str(v)
    if (
        _PLAIN_OK.match(s)
        and s.lower() not in _RESERVED
        and not _NUMBERISH.match(s)
        and not s.startswith("- ")
        and not s.endswith(":")
        and not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", s)  # timestamps
    ):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _emit(v, indent: int, out: list[str]) -> None:
    """Emit value v (a dict or list) as block YAML lines at the given indent."""
    pad = " " * indent
    if isinstance(v, dict):
        for k, val in v.items():
            key = _scalar(k)
            if isinstance(val, dict) and val:
                out.append(f"{pad}{key}:")
                _emit(val, indent + 2, out)
            elif isinstance(val, list) and val:
                out.append(f"{pad}{key}:")
                _emit(val, indent, out)  # kubectl style: "- " at key indent
            elif isinstance(val, dict):
                out.append(f"{pad}{key}: {{}}")
            elif isinstance(val, list):
                out.append(f"{pad}{key}: []")
            elif isinstance(val, str) and "\n" in val:
                chomp = "|" if val.endswith("\n") else "|-"
                out.append(f"{pad}{key}: {chomp}")
                body = val[:-1] if val.endswith("\n") else val
                for line in body.split("\n"):
                    out.append(f"{pad}  {line}" if line else "")
            else:
                out.append(f"{pad}{key}: {_scalar(val)}")
    elif isinstance(v, list):
        for item in v:
            if isinstance(item, dict) and item:
                sub: list[str] = []
                _emit(item, indent + 2, sub)
                sub[0] = f"{pad}- " + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(item, list) and item:
                sub = []
                _emit(item, indent + 2, sub)
                sub[0] = f"{pad}- " + sub[0][indent + 2:]
                out.extend(sub)
            else:
                out.append(f"{pad}- {_scalar(item) if not isinstance(item, (dict, list)) else ('{}' if isinstance(item, dict) else '[]')}")
    else:
        raise TypeError(f"top-level value must be dict or list, got {type(v)}")


def to_yaml(doc: dict) -> str:
    out: list[str] = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

NAMESPACES = [
    "ml-serving", "inference", "llm-prod", "llm-staging", "triton", "torchserve",
    "embeddings", "rag", "vector-db", "feature-store", "model-registry", "mlops",
    "batch-inference", "gpu-jobs", "ray", "kubeflow", "data-pipelines",
    "monitoring", "default", "kube-system",
]

MODELS = [
    "llama-3-8b", "llama-3-70b", "mistral-7b", "mixtral-8x7b", "qwen2-7b",
    "phi-3-mini", "gemma-2-9b", "bge-large", "e5-mistral", "whisper-large",
    "resnet50", "bert-base", "sdxl", "clip-vit-l14", "t5-xl", "reranker",
    "yolo-v8", "codellama-13b", "falcon-7b", "deepseek-coder",
]

COMPONENTS = [
    "server", "gateway", "router", "worker", "api", "predictor", "tokenizer",
    "batcher", "frontend", "proxy",
]

# (repository, pinned tags, kind of server)
IMAGES = [
    ("vllm/vllm-openai", ["v0.4.2", "v0.5.4", "v0.6.3", "v0.6.6.post1"], "vllm"),
    ("pytorch/torchserve", ["0.11.0-gpu", "0.12.0-cpu", "0.12.0-gpu"], "torchserve"),
    ("nvcr.io/nvidia/tritonserver", ["24.05-py3", "24.08-py3", "24.10-trtllm-python-py3"], "triton"),
    ("python", ["3.11-slim", "3.12-slim", "3.11-slim-bookworm"], "python"),
    ("ghcr.io/huggingface/text-generation-inference", ["2.0.4", "2.3.1", "2.4.0"], "tgi"),
    ("ghcr.io/huggingface/text-embeddings-inference", ["1.2", "1.5", "cpu-1.5"], "tei"),
    ("rayproject/ray-ml", ["2.9.3-py310-gpu", "2.34.0-py311-gpu"], "ray"),
    ("ollama/ollama", ["0.3.12", "0.4.1"], "ollama"),
    ("registry.internal.example/ml/feature-server", ["1.8.2", "1.9.0"], "python"),
    ("qdrant/qdrant", ["v1.9.2", "v1.11.3"], "qdrant"),
]

SIDECAR_IMAGES = [
    "envoyproxy/envoy:v1.31.2", "otel/opentelemetry-collector:0.110.0",
    "busybox:1.36", "busybox:latest", "prom/statsd-exporter:v0.27.1",
]

SECRET_ENV_NAMES = [
    "API_KEY", "OPENAI_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN",
    "AWS_SECRET_ACCESS_KEY", "WANDB_API_KEY", "DB_PASSWORD", "REDIS_PASSWORD",
    "GITHUB_TOKEN", "MLFLOW_TRACKING_PASSWORD",
]


def fake_secret(rng: random.Random, env_name: str) -> str:
    hexs = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    if "OPENAI" in env_name or env_name == "API_KEY":
        return "sk-fake-" + hexs
    if "HF" in env_name or "HUGGING" in env_name:
        return "hf_fake" + hexs
    if "GITHUB" in env_name:
        return "ghp_fake" + hexs[:28]
    if "AWS" in env_name:
        return "fakeAwsSecret/" + hexs
    return "fake-pass-" + hexs[:16]


# --------------------------------------------------------------------------
# Object builders
# --------------------------------------------------------------------------

class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.counter = 0

    # helpers ---------------------------------------------------------------
    def uid(self) -> int:
        self.counter += 1
        return self.counter

    def ns(self) -> str:
        # skewed towards the serving namespaces, like a real cluster
        r = self.rng
        return NAMESPACES[int(r.expovariate(1 / 6.0)) % len(NAMESPACES)]

    def app_name(self) -> tuple[str, str, str]:
        model = self.rng.choice(MODELS)
        comp = self.rng.choice(COMPONENTS)
        return f"{model}-{comp}-{self.uid():05d}", model, comp

    def labels(self, app: str, model: str, comp: str) -> dict:
        lab = {"app.kubernetes.io/name": app, "app.kubernetes.io/component": comp}
        if self.rng.random() < 0.5:
            lab["app.kubernetes.io/part-of"] = "ml-platform"
        lab["ml.example.com/model"] = model
        return lab

    def posture(self) -> str:
        """hardened / default / insecure mix for a workload."""
        x = self.rng.random()
        return "hardened" if x < 0.35 else ("default" if x < 0.75 else "insecure")

    def image(self, posture: str) -> tuple[str, str]:
        repo, tags, kind = self.rng.choice(IMAGES)
        r = self.rng.random()
        if posture == "insecure" and r < 0.5:
            return f"{repo}:latest", kind
        if posture != "hardened" and r < 0.08:
            return repo, kind  # no tag at all
        if posture == "hardened" and r < 0.3:
            digest = "".join(self.rng.choice("0123456789abcdef") for _ in range(64))
            return f"{repo}@sha256:{digest}", kind
        return f"{repo}:{self.rng.choice(tags)}", kind

    def server_args(self, kind: str, model: str, posture: str) -> tuple[list, list]:
        r = self.rng
        port = 8000
        if kind == "vllm":
            args = [f"--model=/models/{model}", f"--port={port}",
                    f"--tensor-parallel-size={r.choice([1, 1, 2, 4])}",
                    f"--max-model-len={r.choice([4096, 8192, 32768])}"]
            if posture == "insecure" or r.random() < 0.15:
                args.append("--trust-remote-code")
            return [], args
        if kind == "tgi":
            args = [f"--model-id=/data/{model}", f"--port={port}"]
            if posture == "insecure" or r.random() < 0.1:
                args.append("--trust-remote-code")
            return [], args
        if kind == "torchserve":
            return ["torchserve"], ["--start", "--model-store=/home/model-server/model-store",
                                    f"--models={model}={model}.mar", "--ncs"]
        if kind == "triton":
            return ["tritonserver"], ["--model-repository=/models", "--strict-model-config=false",
                                      f"--log-verbose={r.choice([0, 1])}"]
        if kind == "ray":
            return ["serve"], ["run", "/config/serve_config.yaml"]
        if kind == "tei":
            return [], [f"--model-id=/data/{model}", f"--port={port}"]
        if kind == "python":
            args = ["app.main:app", "--host=0.0.0.0", f"--port={port}"]
            if r.random() < 0.2:
                args.append(f"--workers={r.choice([2, 4])}")
            return ["uvicorn"], args
        return [], []

    def env(self, posture: str, model: str, secret_name: str) -> list:
        r = self.rng
        env = [{"name": "MODEL_NAME", "value": model}]
        if r.random() < 0.5:
            env.append({"name": "LOG_LEVEL", "value": r.choice(["info", "debug", "warning"])})
        if r.random() < 0.3:
            env.append({"name": "CUDA_VISIBLE_DEVICES", "value": "0"})
        if r.random() < 0.15:
            env.append({"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}})
        if r.random() < 0.2:
            env.append({"name": "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "value": "http://otel-collector.monitoring:4317"})
        # literal secrets: mostly in insecure workloads, occasionally elsewhere
        p_literal = {"hardened": 0.02, "default": 0.12, "insecure": 0.6}[posture]
        if r.random() < p_literal:
            for name in r.sample(SECRET_ENV_NAMES, r.choice([1, 1, 2])):
                env.append({"name": name, "value": fake_secret(r, name)})
        elif r.random() < 0.6:
            name = r.choice(SECRET_ENV_NAMES)
            env.append({"name": name, "valueFrom": {"secretKeyRef": {
                "name": secret_name, "key": name.lower().replace("_", "-")}}})
        return env

    def resources(self, posture: str, gpu: bool) -> dict | None:
        r = self.rng
        if posture == "insecure" and r.random() < 0.6:
            return None
        if posture == "default" and r.random() < 0.2:
            return None
        cpu = r.choice(["500m", "1", "2", "4", "8"])
        mem = r.choice(["1Gi", "2Gi", "8Gi", "16Gi", "32Gi", "64Gi"])
        res = {"requests": {"cpu": cpu, "memory": mem}}
        if posture == "hardened" or r.random() < 0.6:
            res["limits"] = {"cpu": cpu, "memory": mem}
        if gpu:
            res.setdefault("limits", {})["nvidia.com/gpu"] = r.choice([1, 1, 1, 2, 4, 8])
        return res

    def container_security(self, posture: str) -> dict | None:
        r = self.rng
        if posture == "hardened":
            # runAsNonRoot / seccomp are usually set at pod level (see pod_spec);
            # some manifests repeat them per container.
            sc = {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": r.random() < 0.85,
                "capabilities": {"drop": ["ALL"]},
            }
            if r.random() < 0.3:
                sc["runAsNonRoot"] = True
                sc["runAsUser"] = r.choice([1000, 10001, 65532])
                sc["seccompProfile"] = {"type": "RuntimeDefault"}
            return sc
        if posture == "default":
            x = r.random()
            if x < 0.5:
                return None
            if x < 0.8:
                return {"allowPrivilegeEscalation": False}
            return {"runAsUser": 0, "capabilities": {"add": ["NET_BIND_SERVICE"]}}
        sc: dict = {}
        x = r.random()
        if x < 0.4:
            sc["privileged"] = True
        if r.random() < 0.5:
            sc["capabilities"] = {"add": r.sample(["SYS_ADMIN", "NET_RAW", "NET_ADMIN", "SYS_PTRACE", "IPC_LOCK"], r.choice([1, 2]))}
        if r.random() < 0.5:
            sc["allowPrivilegeEscalation"] = True
        if r.random() < 0.4:
            sc["runAsUser"] = 0
        if r.random() < 0.2:
            sc["seccompProfile"] = {"type": "Unconfined"}
        return sc or None

    def probes(self, c: dict, port: int, kind: str) -> None:
        path = {"triton": "/v2/health/ready", "torchserve": "/ping"}.get(kind, "/health")
        c["readinessProbe"] = {
            "httpGet": {"path": path, "port": port},
            "initialDelaySeconds": self.rng.choice([5, 10, 30]),
        }
        if self.rng.random() < 0.5:
            c["livenessProbe"] = {
                "httpGet": {"path": path, "port": port},
                "initialDelaySeconds": self.rng.choice([60, 120, 300]),
                "periodSeconds": 20,
            }

    def pod_spec(self, posture: str, app: str, model: str, secret_name: str,
                 *, gpu_p: float = 0.4, restart: str | None = None) -> dict:
        r = self.rng
        image, kind = self.image(posture)
        gpu = r.random() < gpu_p and kind not in ("qdrant",)
        cmd, args = self.server_args(kind, model, posture)
        port = 8000 if kind not in ("triton", "torchserve") else (8080 if kind == "torchserve" else 8000)
        c: dict = {"name": app.rsplit("-", 1)[0][:40].rstrip("-") or "server", "image": image}
        if r.random() < 0.7:
            c["imagePullPolicy"] = "Always" if image.endswith(":latest") else "IfNotPresent"
        if cmd:
            c["command"] = cmd
        if args:
            c["args"] = args
        c["ports"] = [{"name": "http", "containerPort": port}]
        if kind == "triton":
            c["ports"] += [{"name": "grpc", "containerPort": 8001}, {"name": "metrics", "containerPort": 8002}]
        c["env"] = self.env(posture, model, secret_name)
        res = self.resources(posture, gpu)
        if res:
            c["resources"] = res
        if posture == "hardened" or (posture == "default" and r.random() < 0.5):
            self.probes(c, port, kind)
        csc = self.container_security(posture)
        if csc:
            c["securityContext"] = csc
        mounts: list = []
        volumes: list = []
        if r.random() < 0.7:
            mounts.append({"name": "model-cache", "mountPath": "/models"})
            volumes.append({"name": "model-cache",
                            "persistentVolumeClaim": {"claimName": f"{model}-weights"}})
        if (gpu and r.random() < 0.6) or r.random() < 0.1:
            mounts.append({"name": "dshm", "mountPath": "/dev/shm"})
            volumes.append({"name": "dshm", "emptyDir": {"medium": "Memory"}})
        if c.get("securityContext", {}).get("readOnlyRootFilesystem"):
            mounts.append({"name": "tmp", "mountPath": "/tmp"})
            volumes.append({"name": "tmp", "emptyDir": {}})
        if posture == "insecure" and r.random() < 0.5:
            hp = r.choice(["/var/run/docker.sock", "/", "/var/lib/kubelet", "/mnt/models", "/etc"])
            mounts.append({"name": "host", "mountPath": "/host" if hp != "/mnt/models" else "/models-host"})
            volumes.append({"name": "host", "hostPath": {"path": hp}})
        if mounts:
            c["volumeMounts"] = mounts

        spec: dict = {}
        if r.random() < 0.6 or posture == "hardened":
            spec["serviceAccountName"] = f"{model}-sa"
        if posture == "hardened":
            spec["automountServiceAccountToken"] = False
            spec["securityContext"] = {
                "runAsNonRoot": True, "fsGroup": 2000,
                "seccompProfile": {"type": "RuntimeDefault"},
            }
        elif posture == "insecure":
            if r.random() < 0.5:
                spec["hostNetwork"] = True
            if r.random() < 0.2:
                spec["hostPID"] = True
            if r.random() < 0.1:
                spec["hostIPC"] = True
        if restart:
            spec["restartPolicy"] = restart
        containers = [c]
        if r.random() < 0.12:
            side_img = r.choice(SIDECAR_IMAGES)
            side: dict = {"name": "sidecar", "image": side_img,
                          "ports": [{"containerPort": 9102, "name": "metrics"}]}
            if posture == "hardened":
                side["securityContext"] = {"allowPrivilegeEscalation": False,
                                           "capabilities": {"drop": ["ALL"]},
                                           "readOnlyRootFilesystem": True}
                side["resources"] = {"limits": {"cpu": "100m", "memory": "128Mi"}}
            containers.append(side)
        if r.random() < 0.1:
            spec["initContainers"] = [{
                "name": "fetch-weights",
                "image": r.choice(["amazon/aws-cli:2.17.0", "python:3.11-slim", "busybox:latest"]),
                "command": ["sh", "-c", f"aws s3 sync s3://ml-models/{model} /models || true"],
                "volumeMounts": [{"name": "model-cache", "mountPath": "/models"}],
            }]
            if not any(v["name"] == "model-cache" for v in volumes):
                volumes.insert(0, {"name": "model-cache", "emptyDir": {}})
        spec["containers"] = containers
        if gpu:
            spec["nodeSelector"] = {"nvidia.com/gpu.present": "true"}
            if r.random() < 0.5:
                spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
        if volumes:
            spec["volumes"] = volumes
        return spec

    def meta(self, name: str, ns: str | None, labels: dict | None = None,
             annotations: dict | None = None) -> dict:
        m: dict = {"name": name}
        if ns is not None:
            m["namespace"] = ns
        if labels:
            m["labels"] = labels
        if annotations:
            m["annotations"] = annotations
        return m

    # kinds -------------------------------------------------------------------
    def workload(self, kind: str) -> dict:
        r = self.rng
        app, model, comp = self.app_name()
        ns = self.ns()
        posture = self.posture()
        labels = self.labels(app, model, comp)
        sel = {"app.kubernetes.io/name": app}
        ann = {}
        if r.random() < 0.3:
            ann["prometheus.io/scrape"] = "true"
            ann["prometheus.io/port"] = "8000"
        pod_tmpl_meta: dict = {"labels": {"app.kubernetes.io/name": app, "ml.example.com/model": model}}
        if r.random() < 0.15:
            pod_tmpl_meta["annotations"] = {"kubectl.kubernetes.io/default-container": app.rsplit("-", 1)[0][:40].rstrip("-")}
        spec_pod = self.pod_spec(posture, app, model, f"{model}-credentials",
                                 gpu_p=0.0 if kind == "DaemonSet" else 0.4)
        if kind == "Deployment":
            spec = {"replicas": r.choice([1, 1, 2, 3, 4, 8]),
                    "selector": {"matchLabels": sel}}
            if r.random() < 0.25:
                spec["strategy"] = {"type": "RollingUpdate",
                                    "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
            spec["template"] = {"metadata": pod_tmpl_meta, "spec": spec_pod}
            api = "apps/v1"
        elif kind == "StatefulSet":
            spec = {"serviceName": app, "replicas": r.choice([1, 2, 3]),
                    "selector": {"matchLabels": sel},
                    "template": {"metadata": pod_tmpl_meta, "spec": spec_pod},
                    "volumeClaimTemplates": [{
                        "metadata": {"name": "data"},
                        "spec": {"accessModes": ["ReadWriteOnce"],
                                 "storageClassName": r.choice(["gp3", "premium-rwo", "local-nvme"]),
                                 "resources": {"requests": {"storage": r.choice(["50Gi", "200Gi", "1Ti"])}}},
                    }]}
            api = "apps/v1"
        else:  # DaemonSet
            spec = {"selector": {"matchLabels": sel},
                    "updateStrategy": {"type": "RollingUpdate"},
                    "template": {"metadata": pod_tmpl_meta, "spec": spec_pod}}
            api = "apps/v1"
        return {"apiVersion": api, "kind": kind,
                "metadata": self.meta(app, ns, labels, ann or None), "spec": spec}

    def job(self) -> dict:
        r = self.rng
        app, model, comp = self.app_name()
        app = app.replace(comp, r.choice(["batch-eval", "finetune", "embed-backfill", "quantize"]))
        ns = r.choice(["batch-inference", "gpu-jobs", "mlops", "data-pipelines", self.ns()])
        posture = self.posture()
        labels = self.labels(app, model, "batch")
        pod = self.pod_spec(posture, app, model, f"{model}-credentials", gpu_p=0.6,
                            restart=r.choice(["Never", "OnFailure"]))
        job_spec = {"backoffLimit": r.choice([0, 2, 6]),
                    "ttlSecondsAfterFinished": 86400,
                    "template": {"metadata": {"labels": labels}, "spec": pod}}
        if r.random() < 0.5:
            return {"apiVersion": "batch/v1", "kind": "Job",
                    "metadata": self.meta(app, ns, labels), "spec": job_spec}
        return {"apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": self.meta(app, ns, labels),
                "spec": {"schedule": r.choice(["0 3 * * *", "*/30 * * * *", "15 1 * * 0"]),
                         "concurrencyPolicy": "Forbid",
                         "successfulJobsHistoryLimit": 3,
                         "jobTemplate": {"spec": job_spec}}}

    def service(self) -> dict:
        r = self.rng
        app, model, comp = self.app_name()
        ns = self.ns()
        x = r.random()
        stype = "LoadBalancer" if x < 0.15 else ("NodePort" if x < 0.3 else "ClusterIP")
        ann = {}
        if stype == "LoadBalancer" and r.random() < 0.5:
            ann["service.beta.kubernetes.io/aws-load-balancer-scheme"] = r.choice(["internet-facing", "internal"])
        port = r.choice([80, 8000, 8080, 8001, 443])
        p = {"name": "http", "port": port, "targetPort": r.choice([8000, 8080, "http"]), "protocol": "TCP"}
        if stype == "NodePort":
            p["nodePort"] = 30000 + r.randrange(2767)
        spec: dict = {"type": stype, "selector": {"app.kubernetes.io/name": app}, "ports": [p]}
        if r.random() < 0.2:
            spec["ports"].append({"name": "metrics", "port": 8002, "targetPort": 8002})
        if stype == "LoadBalancer" and r.random() < 0.3:
            spec["loadBalancerSourceRanges"] = ["10.0.0.0/8"]
        if stype == "ClusterIP" and r.random() < 0.1:
            spec["clusterIP"] = "None"
        return {"apiVersion": "v1", "kind": "Service",
                "metadata": self.meta(app, ns, self.labels(app, model, comp), ann or None),
                "spec": spec}

    def network_policy(self) -> dict:
        r = self.rng
        ns = self.ns()
        x = r.random()
        name = f"np-{self.uid():05d}"
        if x < 0.3:
            return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": self.meta(f"default-deny-{name}", ns),
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
        if x < 0.45:  # allow-all (weak)
            return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": self.meta(f"allow-all-{name}", ns),
                    "spec": {"podSelector": {}, "ingress": [{}], "egress": [{}],
                             "policyTypes": ["Ingress", "Egress"]}}
        model = r.choice(MODELS)
        spec = {
            "podSelector": {"matchLabels": {"ml.example.com/model": model}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{
                "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": r.choice(NAMESPACES)}}},
                         {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "gateway"}}}],
                "ports": [{"protocol": "TCP", "port": 8000}],
            }],
            "egress": [
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                 "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
            ],
        }
        if r.random() < 0.3:
            spec["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                                         "except": ["169.254.169.254/32"]}}],
                                   "ports": [{"protocol": "TCP", "port": 443}]})
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": self.meta(f"{model}-{name}", ns), "spec": spec}

    def role(self) -> dict:
        r = self.rng
        cluster = r.random() < 0.35
        name = f"{r.choice(MODELS)}-{r.choice(['reader', 'operator', 'autoscaler', 'controller'])}-{self.uid():05d}"
        x = r.random()
        if x < 0.1:
            rules = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
        elif x < 0.25:
            rules = [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]},
                     {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]
        elif x < 0.35:
            rules = [{"apiGroups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["create"]},
                     {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "patch", "update"]}]
        elif x < 0.42:
            rules = [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterrolebindings", "rolebindings"],
                      "verbs": ["create", "bind", "escalate"]}]
        else:
            rules = [{"apiGroups": [""], "resources": ["pods", "services", "endpoints"], "verbs": ["get", "list", "watch"]},
                     {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": ["get", "list"]}]
            if r.random() < 0.3:
                rules.append({"apiGroups": [""], "resources": ["configmaps"],
                              "resourceNames": [f"{name}-config"], "verbs": ["get"]})
        if cluster:
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": self.meta(name, None), "rules": rules}
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": self.meta(name, self.ns()), "rules": rules}

    def binding(self) -> dict:
        r = self.rng
        cluster = r.random() < 0.35
        model = r.choice(MODELS)
        name = f"{model}-binding-{self.uid():05d}"
        x = r.random()
        if x < 0.1:
            role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}
        elif cluster or x < 0.3:
            role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                        "name": r.choice(["view", "edit", "admin", f"{model}-operator"])}
        else:
            role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"{model}-reader"}
        ns = self.ns()
        subjects = [{"kind": "ServiceAccount", "name": f"{model}-sa", "namespace": ns}]
        y = r.random()
        if y < 0.05:
            subjects.append({"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"})
        elif y < 0.08:
            subjects.append({"kind": "ServiceAccount", "name": "default", "namespace": ns})
        elif y < 0.15:
            subjects.append({"kind": "User", "name": f"ml-engineer-{r.randrange(40)}@example.com",
                             "apiGroup": "rbac.authorization.k8s.io"})
        if cluster:
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": self.meta(name, None), "roleRef": role_ref, "subjects": subjects}
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": self.meta(name, ns), "roleRef": role_ref, "subjects": subjects}

    def secret(self) -> dict:
        r = self.rng
        model = r.choice(MODELS)
        name = f"{model}-credentials-{self.uid():05d}"
        keys = r.sample(SECRET_ENV_NAMES, r.choice([1, 2, 3]))
        if r.random() < 0.5:
            data = {k.lower().replace("_", "-"): base64.b64encode(fake_secret(r, k).encode()).decode()
                    for k in keys}
            body = {"data": data}
        else:
            body = {"stringData": {k.lower().replace("_", "-"): fake_secret(r, k) for k in keys}}
        typ = "Opaque"
        if r.random() < 0.1:
            typ = "kubernetes.io/dockerconfigjson"
            cfg = '{"auths":{"registry.internal.example":{"auth":"' + \
                base64.b64encode(b"robot:fake-registry-pass").decode() + '"}}}'
            body = {"data": {".dockerconfigjson": base64.b64encode(cfg.encode()).decode()}}
        return {"apiVersion": "v1", "kind": "Secret",
                "metadata": self.meta(name, self.ns(), {"ml.example.com/model": model}),
                "type": typ, **body}

    def configmap(self) -> dict:
        r = self.rng
        model = r.choice(MODELS)
        name = f"{model}-config-{self.uid():05d}"
        serve_cfg = (
            "applications:\n"
            f"- name: {model}\n"
            "  route_prefix: /\n"
            f"  import_path: serve_app:{model.replace('-', '_')}\n"
            "  deployments:\n"
            "  - name: Predictor\n"
            f"    num_replicas: {r.choice([1, 2, 4])}\n"
            "    ray_actor_options:\n"
            f"      num_gpus: {r.choice([0, 1])}\n"
        )
        data = {
            "MODEL_ID": model,
            "MAX_BATCH_SIZE": str(r.choice([8, 16, 32, 64])),
            "MAX_INPUT_LENGTH": str(r.choice([1024, 2048, 4096])),
            "ENABLE_METRICS": r.choice(["true", "false"]),
            "serve_config.yaml": serve_cfg,
        }
        if r.random() < 0.15:
            # a credential that ended up in a ConfigMap
            k = r.choice(SECRET_ENV_NAMES)
            data[k] = fake_secret(r, k)
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": self.meta(name, self.ns(), {"ml.example.com/model": model}), "data": data}

    def namespace(self, idx: int) -> dict:
        r = self.rng
        name = NAMESPACES[idx] if idx < len(NAMESPACES) else f"ml-tenant-{idx:04d}"
        labels = {"kubernetes.io/metadata.name": name}
        x = r.random()
        if x < 0.4:
            labels["pod-security.kubernetes.io/enforce"] = "restricted"
            labels["pod-security.kubernetes.io/enforce-version"] = "latest"
        elif x < 0.6:
            labels["pod-security.kubernetes.io/enforce"] = "baseline"
            labels["pod-security.kubernetes.io/warn"] = "restricted"
        elif x < 0.7:
            labels["pod-security.kubernetes.io/enforce"] = "privileged"
        if r.random() < 0.3:
            labels["team"] = r.choice(["llm-platform", "search", "recsys", "vision"])
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": self.meta(name, None, labels)}


# exact-count mix; remainder (after rounding) goes to Deployment
MIX = [
    ("Deployment", 30), ("StatefulSet", 10), ("Service", 15), ("NetworkPolicy", 10),
    ("Role", 8), ("Binding", 8), ("Secret", 5), ("ConfigMap", 5), ("Namespace", 3),
    ("Job", 4), ("DaemonSet", 2),
]


def plan(n: int, rng: random.Random) -> list[str]:
    kinds: list[str] = []
    for k, pct in MIX:
        kinds += [k] * (n * pct // 100)
    kinds += ["Deployment"] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def objects(n: int, seed: int):
    """Yield the n objects (as dicts) for a seed, in file order."""
    g = Gen(seed)
    kinds = plan(n, g.rng)
    ns_idx = 0
    for kind in kinds:
        if kind in ("Deployment", "StatefulSet", "DaemonSet"):
            yield g.workload(kind)
        elif kind == "Service":
            yield g.service()
        elif kind == "NetworkPolicy":
            yield g.network_policy()
        elif kind == "Role":
            yield g.role()
        elif kind == "Binding":
            yield g.binding()
        elif kind == "Secret":
            yield g.secret()
        elif kind == "ConfigMap":
            yield g.configmap()
        elif kind == "Namespace":
            yield g.namespace(ns_idx)
            ns_idx += 1
        elif kind == "Job":
            yield g.job()
        else:
            raise AssertionError(kind)


def generate(n: int, out: str, seed: int) -> int:
    """Write n objects, 10 per file; return the number of files written."""
    os.makedirs(out, exist_ok=True)
    width = max(4, len(str((n + 9) // 10)))
    files = 0
    docs: list[str] = []

    def flush() -> None:
        nonlocal files, docs
        path = os.path.join(out, f"manifests-{files:0{width}d}.yaml")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("---\n".join(docs))
        files += 1
        docs = []

    for obj in objects(n, seed):
        docs.append(to_yaml(obj))
        if len(docs) == 10:
            flush()
    if docs:
        flush()
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--objects", type=int, required=True, help="number of Kubernetes objects")
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    if a.objects < 1:
        ap.error("--objects must be >= 1")
    files = generate(a.objects, a.out, a.seed)
    print(f"wrote {a.objects} objects in {files} files to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
