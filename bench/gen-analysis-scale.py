#!/usr/bin/env python3
"""Inputs for bench/analysis-scale: the three analyses whose cost once grew with the square of
their input.

    gen-analysis-scale.py netpol --workloads N --policies M --out DIR [--seed 42] [--per-namespace 40]
    gen-analysis-scale.py intent --ports N --out FILE [--seed 42]
    gen-analysis-scale.py rbac-ring --roles N --out DIR [--seed 42]

Standard library only; the same arguments give byte-identical output.

netpol: N pod-bearing workloads (Deployments) in namespaces of 40 (--per-namespace), plus an API gateway, and M
NetworkPolicies. Every namespace but every 25th has a default-deny (Ingress and Egress) and an
allow-DNS egress policy; the remaining policies go one per workload of those namespaces (then round
robin): the workload's own policy, with ingress and egress rules by tier (gateway -> frontend on
8080, frontend -> backend on the named port `http`, backend -> db on 5432, backend -> the team's
registry ipBlock on 443). Every workload has its own set of selecting policies, so grouping pods
by selecting policies alone does not shrink the problem.

intent: a `bulwark netpol generate` intent whose model server listens on N ports: every third
port from 10000 up, in shuffled order, one in five UDP, so that no two ports merge into a range.

rbac-ring: N ClusterRoles ring-0 ... ring-(N-1); ring-i carries the label
`bench.example.com/ring: rI` and aggregates the role labelled r(i+1 mod N), which closes a cycle.
Each role holds one rule on its own resource; ring-0 also reads Secrets. Every 100th role is bound
to a ServiceAccount with a ClusterRoleBinding.
"""

import argparse
import os
import random

TIERS = ["frontend", "backend", "db"]


def write_docs(path, docs):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n---\n".join(docs) + "\n")


def netpol(workloads, policies, out, seed, per_namespace=40):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    team_workloads = max(0, workloads - 1)  # the gateway is one of the N
    namespaces = max(1, -(-team_workloads // per_namespace))
    docs = []
    docs.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gateway\n  labels: {team: edge}")
    docs.append(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api-gateway, namespace: gateway}\nspec:\n"
        "  template:\n    metadata:\n      labels: {app: api-gateway}\n    spec:\n"
        "      containers: [{name: envoy, image: envoyproxy/envoy:v1.31.2, ports: [{name: http, containerPort: 8443}]}]")
    members = []  # (namespace number, workload name, tier)
    for number in range(team_workloads):
        ns = number // per_namespace
        tier = TIERS[rng.randrange(3)]
        members.append((ns, f"{tier}-{number:05d}", tier))
    for ns in range(namespaces):
        env = "prod" if ns % 3 else "staging"
        docs.append(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{ns:04d}\n"
                    f"  labels: {{team: t{ns % 20}, env: {env}}}")
    for ns, name, tier in members:
        port = 5432 if tier == "db" else 8080
        port_name = "postgres" if tier == "db" else "http"
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: team-{ns:04d}}}\nspec:\n"
            f"  template:\n    metadata:\n      labels: {{app: {name}, tier: {tier}}}\n    spec:\n"
            f"      containers: [{{name: main, image: registry.example.com/{tier}:1.0, "
            f"ports: [{{name: {port_name}, containerPort: {port}}}]}}]")

    isolated = [ns for ns in range(namespaces) if ns % 25 != 24]
    written = 0

    def add(doc):
        nonlocal written
        if written < policies:
            docs.append(doc)
            written += 1

    for ns in isolated:
        add(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: default-deny, namespace: team-{ns:04d}}}\n"
            "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]")
        add(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: allow-dns, namespace: team-{ns:04d}}}\n"
            "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
            "    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, "
            "podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n"
            "      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]")
    own = [m for m in members if m[0] % 25 != 24]
    round_number = 0
    while written < policies and own:
        for ns, name, tier in own:
            if written >= policies:
                break
            suffix = "" if round_number == 0 else f"-{round_number}"
            if tier == "frontend":
                ingress = ("    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: gateway}}, "
                           "podSelector: {matchLabels: {app: api-gateway}}}]\n      ports: [{port: 8080}]")
                egress = "    - to: [{podSelector: {matchLabels: {tier: backend}}}]\n      ports: [{port: http}]"
            elif tier == "backend":
                ingress = "    - from: [{podSelector: {matchLabels: {tier: frontend}}}]\n      ports: [{port: http}]"
                egress = ("    - to: [{podSelector: {matchLabels: {tier: db}}}]\n      ports: [{port: 5432}]\n"
                          f"    - to: [{{ipBlock: {{cidr: 10.{ns % 200}.0.0/16}}}}]\n      ports: [{{port: 443}}]")
            else:
                ingress = "    - from: [{podSelector: {matchLabels: {tier: backend}}}]\n      ports: [{port: 5432}]"
                egress = None
            doc = (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}{suffix}, namespace: team-{ns:04d}}}\n"
                   f"spec:\n  podSelector:\n    matchLabels: {{app: {name}}}\n")
            if egress:
                doc += f"  policyTypes: [Ingress, Egress]\n  ingress:\n{ingress}\n  egress:\n{egress}"
            else:
                doc += f"  policyTypes: [Ingress]\n  ingress:\n{ingress}"
            add(doc)
        round_number += 1
    per_file = 500
    for start in range(0, len(docs), per_file):
        write_docs(os.path.join(out, f"cluster-{start // per_file:04d}.yaml"), docs[start:start + per_file])


def intent(ports, out, seed):
    rng = random.Random(seed)
    numbers = [10000 + 3 * i for i in range(ports)]
    rng.shuffle(numbers)
    lines = [
        "apiVersion: bulwark.dev/v1alpha1", "kind: NetworkIntent", "metadata: {name: model-server}", "spec:",
        "  namespace: ml-inference", "  modelServer:", "    selector: {app.kubernetes.io/name: model-server}", "    ports:",
    ]
    for position, number in enumerate(numbers):
        lines.append(f'      - "{number}/UDP"' if position % 5 == 4 else f"      - {number}")
    lines += [
        "  gateway:", "    namespace: gateway", "    selector: {app.kubernetes.io/name: api-gateway}",
        "  registry:", "    cidr: 10.20.30.0/24", "    ports: [443, 5000]",
    ]
    directory = os.path.dirname(out)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def rbac_ring(roles, out, seed):
    del seed  # the ring is fully determined by its size
    os.makedirs(out, exist_ok=True)
    docs = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: ring}"]
    for i in range(roles):
        rules = f"  - apiGroups: [ring.example.com]\n    resources: [things-{i}]\n    verbs: [get, list]"
        if i == 0:
            rules += '\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]'
        docs.append(
            f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ring-{i}\n"
            f"  labels: {{bench.example.com/ring: r{i}}}\naggregationRule:\n  clusterRoleSelectors:\n"
            f"    - matchLabels: {{bench.example.com/ring: r{(i + 1) % roles}}}\nrules:\n{rules}")
        if i % 100 == 0:
            docs.append(
                f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: ring-{i}}}\n"
                f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ring-{i}}}\n"
                f"subjects: [{{kind: ServiceAccount, name: sa-{i}, namespace: ring}}]")
    per_file = 1000
    for start in range(0, len(docs), per_file):
        write_docs(os.path.join(out, f"rbac-{start // per_file:04d}.yaml"), docs[start:start + per_file])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    netpol_parser = commands.add_parser("netpol")
    netpol_parser.add_argument("--workloads", type=int, required=True)
    netpol_parser.add_argument("--policies", type=int, required=True)
    netpol_parser.add_argument("--per-namespace", type=int, default=40)
    intent_parser = commands.add_parser("intent")
    intent_parser.add_argument("--ports", type=int, required=True)
    ring_parser = commands.add_parser("rbac-ring")
    ring_parser.add_argument("--roles", type=int, required=True)
    for sub in (netpol_parser, intent_parser, ring_parser):
        sub.add_argument("--out", required=True)
        sub.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.command == "netpol":
        netpol(args.workloads, args.policies, args.out, args.seed, args.per_namespace)
    elif args.command == "intent":
        intent(args.ports, args.out, args.seed)
    else:
        rbac_ring(args.roles, args.out, args.seed)


if __name__ == "__main__":
    main()
