#!/usr/bin/env python3
"""Writes the AdmissionReviews that bench/admission-load sends, and the mix that weights them.

Usage:
    python3 bench/admission/gen-fixtures.py --out DIR [--objects-dir DIR2]

DIR gets one AdmissionReview (admission.k8s.io/v1, CREATE, every request field of REFERENCES.md
§5.1) per object, plus mix.json: [{name, file, path, weight, allowed}], read by the driver. With
--objects-dir the bare objects are also written there as .yaml (JSON is YAML) so that the script can
check with `bulwark scan` that the hardened ones really are clean.

The objects, and their share of the requests (out of 10):
    small-hardened-pod   5  one container, restricted-profile securityContext    allowed
    small-insecure-pod   2  privileged, hostNetwork, root, no seccomp            denied (enforce)
    pod-40-containers    1  40 hardened containers                               allowed
    kserve-isvc          1  a KServe InferenceService (hardened predictor)       allowed
    deployment-1000-env  1  a Deployment whose container has 1,000 env entries   allowed
All go to /validate/enforce/restricted: the strictest route, so every rule runs and the insecure pod
is denied. Deterministic: no randomness, fixed uids.

Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys

PATH = "/validate/enforce/restricted"
NAMESPACE = "inference"
IMAGE = "registry.example.com/ml/server@sha256:" + "3" * 64


def hardened_container(name: str, image: str = IMAGE) -> dict:
    return {
        "name": name,
        "image": image,
        "imagePullPolicy": "Always",
        "args": ["--port", "8080"],
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "100Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi", "ephemeral-storage": "200Mi"},
        },
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 5},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def hardened_pod_spec(containers: list[dict]) -> dict:
    return {
        "automountServiceAccountToken": False,
        "serviceAccountName": "model-server",
        "enableServiceLinks": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": containers,
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }


def metadata(name: str) -> dict:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench"},
    }


def small_hardened_pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata("small-hardened"),
            "spec": hardened_pod_spec([hardened_container("server")])}


def small_insecure_pod() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata("small-insecure"),
        "spec": {
            "hostNetwork": True,
            "hostPID": True,
            "containers": [{
                "name": "server",
                "image": "registry.example.com/ml/server:latest",
                "args": ["--trust-remote-code"],
                "securityContext": {"privileged": True, "runAsUser": 0,
                                    "capabilities": {"add": ["SYS_ADMIN", "NET_RAW"]}},
                "volumeMounts": [{"name": "host", "mountPath": "/host"}],
            }],
            "volumes": [{"name": "host", "hostPath": {"path": "/"}}],
        },
    }


def pod_40_containers() -> dict:
    containers = [hardened_container(f"worker-{i:02d}") for i in range(40)]
    for index, container in enumerate(containers):
        container["ports"] = [{"containerPort": 8000 + index, "name": f"p{index}", "protocol": "TCP"}]
        container["livenessProbe"]["httpGet"]["port"] = 8000 + index
        container["readinessProbe"]["httpGet"]["port"] = 8000 + index
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata("forty-containers"),
            "spec": hardened_pod_spec(containers)}


def kserve_isvc() -> dict:
    predictor = hardened_pod_spec([])
    del predictor["containers"]
    del predictor["volumes"]
    kserve_container = hardened_container("kserve-container")
    predictor["model"] = {
        "modelFormat": {"name": "sklearn"},
        "storageUri": "oci://registry.example.com/models/iris@sha256:" + "7" * 64,
        "resources": kserve_container["resources"],
        "securityContext": kserve_container["securityContext"],
    }
    predictor["minReplicas"] = 1
    predictor["maxReplicas"] = 3
    return {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
            "metadata": metadata("iris"), "spec": {"predictor": predictor}}


def deployment_1000_env() -> dict:
    container = hardened_container("server")
    container["env"] = [{"name": f"FEATURE_FLAG_{i:04d}", "value": f"value-{i:04d}"} for i in range(1000)]
    labels = {"app.kubernetes.io/name": "many-env"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata("many-env"),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": hardened_pod_spec([container])},
        },
    }


GROUPS = {
    "Pod": ({"group": "", "version": "v1", "kind": "Pod"}, {"group": "", "version": "v1", "resource": "pods"}),
    "Deployment": ({"group": "apps", "version": "v1", "kind": "Deployment"},
                   {"group": "apps", "version": "v1", "resource": "deployments"}),
    "InferenceService": ({"group": "serving.kserve.io", "version": "v1beta1", "kind": "InferenceService"},
                         {"group": "serving.kserve.io", "version": "v1beta1", "resource": "inferenceservices"}),
}


def review(obj: dict, index: int) -> dict:
    kind, resource = GROUPS[obj["kind"]]
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": f"b0a1c2d3-0000-4000-8000-{index:012d}",
            "kind": kind,
            "resource": resource,
            "subResource": "",
            "requestKind": copy.deepcopy(kind),
            "requestResource": copy.deepcopy(resource),
            "requestSubResource": "",
            "name": obj["metadata"]["name"],
            "namespace": NAMESPACE,
            "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:ci:deployer", "uid": "5a3c1e0e-0000-4000-8000-000000000001",
                         "groups": ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"],
                         "extra": {}},
            "object": obj,
            "oldObject": None,
            "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }


FIXTURES = [
    # name, builder, weight (of 10), allowed in enforce mode
    ("small-hardened-pod", small_hardened_pod, 5, True),
    ("small-insecure-pod", small_insecure_pod, 2, False),
    ("pod-40-containers", pod_40_containers, 1, True),
    ("kserve-isvc", kserve_isvc, 1, True),
    ("deployment-1000-env", deployment_1000_env, 1, True),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--objects-dir")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.objects_dir:
        os.makedirs(args.objects_dir, exist_ok=True)
    mix = []
    for index, (name, build, weight, allowed) in enumerate(FIXTURES, start=1):
        obj = build()
        file = f"{name}.json"
        with open(os.path.join(args.out, file), "w", encoding="utf-8") as handle:
            json.dump(review(obj, index), handle, separators=(",", ":"), sort_keys=True)
        if args.objects_dir:
            with open(os.path.join(args.objects_dir, f"{name}.yaml"), "w", encoding="utf-8") as handle:
                json.dump(obj, handle, indent=2, sort_keys=True)
                handle.write("\n")
        mix.append({"name": name, "file": file, "path": PATH, "weight": weight, "allowed": allowed})
    with open(os.path.join(args.out, "mix.json"), "w", encoding="utf-8") as handle:
        json.dump(mix, handle, indent=2)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
