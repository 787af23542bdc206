#!/usr/bin/env python3
"""Deterministic generator of a synthetic Dockerfile corpus (ML serving and general services).

Usage:
    python3 bench/gen-dockerfile-corpus.py --count N --out DIR [--seed 42] [--no-repo-examples]

Writes N generated Dockerfiles, one per directory (`DIR/NNNN-FAMILY/Dockerfile`;
about 5 % are named `Containerfile` and 5 % `FAMILY.Dockerfile`), and then copies
the repository's own Dockerfiles (`find examples -name '*Dockerfile*'`) to
`DIR/repo-PATH/NAME`. The output depends only on (N, seed) and on the repo's
example files: the same arguments always give byte-identical files. Standard
library only.

Families (exact counts, then shuffled): Flask, FastAPI, Django/generic Python,
PyTorch, vLLM, Triton, TGI/Hugging Face, TorchServe, Jupyter, Node.js, Go, Java,
Alpine, Debian and Ubuntu tool images, nginx static sites. Each file gets a
posture (hardened / default / insecure) that drives its USER, HEALTHCHECK, package
hygiene, downloads and secrets, plus independent syntax features: parser
directives (`# syntax=`, `# escape=` with a backtick, `# check=`), ARG/ENV
expansion in FROM (`${VAR}`, `${VAR:-x}`), `--platform`, multi-stage builds,
heredocs (`RUN <<EOF`, `<<-EOT bash`, quoted delimiters, several per
instruction, `COPY <<EOF`), `RUN --mount=type=cache|secret|bind`, `--network`,
exec and shell forms, comments and empty lines inside continuations, ONBUILD,
CRLF line endings on a few files. Every secret-looking value is fake and says so
(`hf_fake…`, `sk-fake-…`, `ghp_fake…`, `AKIAFAKE…`, `fake-pass-…`).

Only syntax that BuildKit's Dockerfile frontend accepts is generated (features
that need `docker/dockerfile:1.7-labs` come with that syntax line).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import string
import sys

# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------

FAMILIES = [  # (name, weight %)
    ("flask", 12), ("fastapi", 12), ("python", 6), ("torch", 8), ("vllm", 6),
    ("triton", 4), ("tgi", 3), ("torchserve", 3), ("jupyter", 2), ("node", 12),
    ("go", 10), ("java", 7), ("alpine", 5), ("debian", 4), ("ubuntu", 4), ("nginx", 2),
]

POSTURES = [("hardened", 30), ("default", 40), ("insecure", 30)]


def weighted(rng: random.Random, items):
    total = sum(w for _, w in items)
    x = rng.uniform(0, total)
    for name, w in items:
        x -= w
        if x <= 0:
            return name
    return items[-1][0]


def rand_chars(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def fake_secret(rng: random.Random, kind: str) -> str:
    if kind == "hf":
        return "hf_fake" + rand_chars(rng, 30, string.ascii_letters)
    if kind == "openai":
        return "sk-fake-" + rand_chars(rng, 40)
    if kind == "github":
        return "ghp_fake" + rand_chars(rng, 32)
    if kind == "aws_id":
        return "AKIAFAKE" + rand_chars(rng, 12, string.ascii_uppercase + string.digits)
    if kind == "aws_secret":
        return "fakeAwsSecret/" + rand_chars(rng, 26)
    if kind == "slack":
        return "xoxb-fake-" + rand_chars(rng, 10, string.digits) + "-" + rand_chars(rng, 24)
    return "fake-pass-" + rand_chars(rng, 12)


SECRET_ENVS = [
    ("HF_TOKEN", "hf"), ("HUGGING_FACE_HUB_TOKEN", "hf"), ("OPENAI_API_KEY", "openai"),
    ("GITHUB_TOKEN", "github"), ("AWS_ACCESS_KEY_ID", "aws_id"), ("AWS_SECRET_ACCESS_KEY", "aws_secret"),
    ("SLACK_BOT_TOKEN", "slack"), ("DB_PASSWORD", "pass"), ("API_KEY", "openai"),
    ("MODEL_REGISTRY_TOKEN", "pass"), ("WANDB_API_KEY", "pass"), ("REDIS_PASSWORD", "pass"),
]

APP_NAMES = ["model-server", "ranker", "embedder", "gateway", "classifier", "scorer", "reco-api",
             "feature-store", "ingest", "billing", "search", "notifier", "tokenizer", "vision-api",
             "asr", "summarizer", "fraud-detector", "etl-worker", "webhook", "catalog"]

MAINTAINERS = ["ml-platform@example.com", "infra@example.org", "Jane Doe <jane@example.com>",
               "sre-team@example.net"]


class DF:
    """Accumulates Dockerfile lines; knows the escape character."""

    def __init__(self, rng: random.Random, escape: str = "\\"):
        self.rng = rng
        self.esc = escape
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def comment(self, text: str) -> None:
        self.lines.append("# " + text)

    def run_chain(self, cmds: list[str], flags: str = "", joiner: str = "&&", keyword: str = "RUN",
                  comments: dict[int, str] | None = None, empty_line_at: int | None = None) -> None:
        """A RUN over several lines: `RUN a && \\` / `    b`. `comments[i]` puts a
        comment line before command i (inside the continuation)."""
        comments = comments or {}
        head = f"{keyword} {flags + ' ' if flags else ''}"
        if len(cmds) == 1 and not comments:
            self.lines.append(head + cmds[0])
            return
        first = True
        for i, c in enumerate(cmds):
            last = i == len(cmds) - 1
            if i in comments and not first:
                self.lines.append("    # " + comments[i])
            if empty_line_at is not None and i == empty_line_at and not first:
                self.lines.append("")
            tail = "" if last else f" {self.esc}"
            if first:
                if i in comments:
                    # comment right after the first continuation line
                    self.lines.append(head + c + (f" {joiner}" if not last else "") + tail)
                else:
                    self.lines.append(head + c + (f" {joiner}" if not last else "") + tail)
                first = False
            else:
                self.lines.append("    " + c + (f" {joiner}" if not last else "") + tail)

    def text(self, crlf: bool = False) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        nl = "\r\n" if crlf else "\n"
        return nl.join(self.lines) + nl


class Ctx:
    """Per-file choices shared by the family templates."""

    def __init__(self, rng: random.Random, family: str, posture: str):
        self.rng = rng
        self.family = family
        self.posture = posture
        self.app = rng.choice(APP_NAMES)
        self.port = rng.choice([8000, 8080, 5000, 3000, 9000, 8501, 7860, 8888])
        self.labs = False          # needs docker/dockerfile:1.7-labs
        self.heredoc = False       # uses heredocs (wants a syntax line)
        r = rng.random
        self.use_heredoc = r() < 0.22
        self.use_cache_mount = r() < (0.35 if posture == "hardened" else 0.15)
        self.use_secret_mount = r() < (0.30 if posture == "hardened" else 0.08)
        self.multi_stage = r() < {"hardened": 0.75, "default": 0.4, "insecure": 0.15}[posture]
        self.user = {"hardened": "numeric", "default": rng.choice(["name", "none", "numeric", "none"]),
                     "insecure": rng.choice(["none", "none", "root", "name"])}[posture]
        self.healthcheck = {"hardened": r() < 0.85, "default": r() < 0.35, "insecure": r() < 0.05}[posture]
        self.exec_form = {"hardened": True, "default": r() < 0.7, "insecure": r() < 0.3}[posture]
        self.arg_from = r() < 0.3
        self.platform = r() < 0.12
        self.comment_in_cont = r() < 0.25
        self.empty_cont_line = r() < 0.03
        self.secrets = 0 if posture == "hardened" else (rng.choice([0, 0, 0, 1]) if posture == "default"
                                                       else rng.choice([0, 1, 1, 2]))
        self.curl_sh = posture == "insecure" and r() < 0.35 or posture == "default" and r() < 0.08
        self.tls_bypass = posture == "insecure" and r() < 0.25
        self.onbuild = r() < 0.04
        self.pin_digest = posture == "hardened" and r() < 0.4
        self.sudo = posture == "insecure" and r() < 0.15
        self.chmod777 = posture == "insecure" and r() < 0.15
        self.ssh = posture == "insecure" and r() < 0.08
        self.labels = r() < 0.5
        self.maintainer = r() < 0.05
        self.shell_pipefail = r() < 0.2
        self.stopsignal = r() < 0.08
        self.volume = r() < 0.12
        self.hadolint_ignore = r() < 0.06
        self.bulwark_ignore = r() < 0.04

    def digest(self) -> str:
        return "@sha256:" + "".join(self.rng.choice("0123456789abcdef") for _ in range(64))

    def sha256(self) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(64))


# --------------------------------------------------------------------------
# Fragments
# --------------------------------------------------------------------------

def apt_block(df: DF, c: Ctx, pkgs: list[str], pin: bool = False) -> None:
    rng = c.rng
    if pin:
        pkgs = [p + "=" + rng.choice(["7.88.1-10+deb12u8", "2.39.5-0+deb12u2", "1.2.13.dfsg-1", "3.0.15-1~deb12u1"])
                if i == 0 else p for i, p in enumerate(pkgs)]
    p = " ".join(pkgs)
    if c.posture == "hardened":
        if c.use_cache_mount:
            flags = ("--mount=type=cache,target=/var/cache/apt,sharing=locked "
                     "--mount=type=cache,target=/var/lib/apt,sharing=locked")
            df.run_chain(["rm -f /etc/apt/apt.conf.d/docker-clean",
                          "apt-get update",
                          f"apt-get install -y --no-install-recommends {p}"], flags=flags)
        elif c.use_heredoc and rng.random() < 0.5:
            c.heredoc = True
            df.add("RUN <<EOF", "set -eux", "apt-get update",
                   f"apt-get install -y --no-install-recommends {p}", "rm -rf /var/lib/apt/lists/*", "EOF")
        else:
            df.run_chain(["apt-get update", f"apt-get install -y --no-install-recommends {p}",
                          "rm -rf /var/lib/apt/lists/*"],
                         comments={1: "keep the image small"} if c.comment_in_cont else None)
    elif c.posture == "default":
        v = rng.randrange(4)
        if v == 0:
            df.run_chain(["apt-get update", f"apt-get install -y {p}", "rm -rf /var/lib/apt/lists/*"])
        elif v == 1:
            df.run_chain(["apt-get update", f"apt-get install -y --no-install-recommends {p}"],
                         comments={1: "TODO: clean up apt lists"} if c.comment_in_cont else None,
                         empty_line_at=1 if c.empty_cont_line else None)
        elif v == 2:
            df.run_chain(["set -eux", "apt-get update", f"apt-get install -y --no-install-recommends {p}",
                          "apt-get clean", "rm -rf /var/lib/apt/lists/*"], joiner=";")
        else:
            df.add(f"RUN apt-get update && apt-get install -y {p} && apt-get clean")
    else:
        v = rng.randrange(3)
        if v == 0:
            df.add("RUN apt-get update", "RUN apt-get upgrade -y", f"RUN apt-get install -y {p}")
        elif v == 1:
            df.add(f"RUN apt-get update && apt-get -y upgrade && apt-get install -y {p}")
        else:
            df.add("RUN apt-get update", f"RUN apt-get install -y --allow-unauthenticated {p}"
                   if c.tls_bypass else f"RUN apt-get install {p} -y")


def apk_block(df: DF, c: Ctx, pkgs: list[str]) -> None:
    p = " ".join(pkgs)
    if c.posture == "hardened":
        if c.use_cache_mount:
            df.add(f"RUN --mount=type=cache,target=/etc/apk/cache apk add --update {p}")
        else:
            df.add(f"RUN apk add --no-cache {p}")
    elif c.posture == "default":
        df.add(c.rng.choice([f"RUN apk add --no-cache {p}", f"RUN apk update && apk add {p}",
                             f"RUN apk add --update {p} && rm -rf /var/cache/apk/*"]))
    else:
        df.add("RUN apk update", "RUN apk upgrade", f"RUN apk add {p}")


def pip_block(df: DF, c: Ctx, target: str = "-r requirements.txt", pip: str = "pip",
              venv: bool = False) -> None:
    rng = c.rng
    if c.posture == "hardened":
        hashes = " --require-hashes" if rng.random() < 0.3 and target.startswith("-r") else ""
        if c.use_cache_mount:
            df.add(f"RUN --mount=type=cache,target=/root/.cache/pip {pip} install{hashes} {target}")
        elif c.use_secret_mount and rng.random() < 0.5:
            df.run_chain([f"PIP_INDEX_URL=\"$(cat /run/secrets/pip_index_url)\" {pip} install --no-cache-dir{hashes} {target}"],
                         flags="--mount=type=secret,id=pip_index_url")
        else:
            df.add(f"RUN {pip} install --no-cache-dir{hashes} {target}")
    elif c.posture == "default":
        df.add(rng.choice([f"RUN {pip} install --no-cache-dir {target}", f"RUN {pip} install {target}",
                           f"RUN {pip} install --upgrade pip && {pip} install {target}"]))
    else:
        if c.tls_bypass:
            df.add(f"RUN {pip} install --trusted-host pypi.internal.example --index-url "
                   f"http://pypi.internal.example/simple {target}")
        else:
            df.add(rng.choice([f"RUN {pip} install {target}", f"RUN sudo {pip} install {target}"
                               if c.sudo else f"RUN {pip} install -U {target}"]))


def download_block(df: DF, c: Ctx) -> None:
    """A tool download: safe (checksum) or unsafe (curl | sh, -k)."""
    rng = c.rng
    tool = rng.choice([("tini", "https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64"),
                       ("grpc_health_probe", "https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.28/grpc_health_probe-linux-amd64"),
                       ("yq", "https://github.com/mikefarah/yq/releases/download/v4.44.3/yq_linux_amd64")])
    name, url = tool
    if c.curl_sh:
        df.add(rng.choice([
            "RUN curl -fsSL https://get.example.com/install.sh | sh",
            "RUN curl -sSL https://install.python-poetry.org | python3 -",
            "RUN wget -qO- https://raw.githubusercontent.com/example/tools/main/setup.sh | bash",
            "RUN curl https://sh.rustup.rs -sSf | sh -s -- -y",
        ]))
    if c.tls_bypass:
        df.add(rng.choice([f"RUN curl -k -L -o /usr/local/bin/{name} {url} && chmod +x /usr/local/bin/{name}",
                           f"RUN wget --no-check-certificate -O /usr/local/bin/{name} {url}",
                           "RUN git -c http.sslVerify=false clone https://git.example.com/ml/utils.git /opt/utils"]))
        return
    if c.posture == "hardened":
        v = rng.randrange(2)
        if v == 0:
            df.add(f"ADD --checksum=sha256:{c.sha256()} --chmod=0755 {url} /usr/local/bin/{name}")
        else:
            df.run_chain([f"curl -fsSLo /usr/local/bin/{name} {url}",
                          f"echo \"{c.sha256()}  /usr/local/bin/{name}\" | sha256sum -c -",
                          f"chmod 0755 /usr/local/bin/{name}"])
    elif rng.random() < 0.5:
        df.add(rng.choice([f"ADD {url} /usr/local/bin/{name}",
                           f"RUN curl -fsSL -o /usr/local/bin/{name} {url} && chmod +x /usr/local/bin/{name}",
                           f"RUN wget -q -O /usr/local/bin/{name} {url}"]))


def secrets_block(df: DF, c: Ctx) -> None:
    rng = c.rng
    for _ in range(c.secrets):
        name, kind = rng.choice(SECRET_ENVS)
        v = fake_secret(rng, kind)
        form = rng.randrange(4)
        if form == 0:
            df.add(f"ENV {name}={v}")
        elif form == 1:
            df.add(f"ENV {name} {v}")  # legacy form
        elif form == 2:
            df.add(f"ARG {name}={v}")
        else:
            df.add(f'ENV {name}="{v}" LOG_LEVEL=info')


def labels_block(df: DF, c: Ctx) -> None:
    if c.maintainer:
        df.add(f"MAINTAINER {c.rng.choice(MAINTAINERS)}")
    if not c.labels:
        return
    e = df.esc
    df.add(f'LABEL org.opencontainers.image.title="{c.app}" {e}',
           f'      org.opencontainers.image.source="https://git.example.com/ml/{c.app}" {e}',
           f'      org.opencontainers.image.licenses="Apache-2.0"')


def user_block(df: DF, c: Ctx, create: str = "debian") -> None:
    """Create and switch to the user according to the posture. `create`: debian|alpine|none."""
    rng = c.rng
    if c.user == "numeric":
        if create == "debian":
            df.add(rng.choice([
                "RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --no-create-home app",
                "RUN useradd --uid 10001 --user-group --no-log-init --create-home --home-dir /home/app app",
            ]))
        elif create == "alpine":
            df.add("RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app")
        df.add(rng.choice(["USER 10001", "USER 10001:10001", "USER 65532:65532"]))
    elif c.user == "name":
        if create == "debian":
            df.add("RUN useradd -m appuser")
        elif create == "alpine":
            df.add("RUN adduser -D appuser")
        df.add(rng.choice(["USER appuser", "USER appuser:appuser"]) if create != "none" else "USER nobody")
    elif c.user == "root":
        df.add("USER root")


def healthcheck_block(df: DF, c: Ctx, kind: str = "python", path: str = "/healthz") -> None:
    if not c.healthcheck:
        if c.rng.random() < 0.05:
            df.add("HEALTHCHECK NONE")
        return
    p = c.port
    opts = c.rng.choice(["", "--interval=30s --timeout=3s ", "--interval=15s --timeout=5s --start-period=20s --retries=3 "])
    e = df.esc
    if kind == "python":
        df.add(f"HEALTHCHECK {opts}CMD [\"python\", \"-c\", \"import urllib.request,sys; "
               f"sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:{p}{path}', timeout=2).status == 200 else 1)\"]")
    elif kind == "curl":
        df.add(f"HEALTHCHECK {opts}{e}", f"  CMD curl -fsS http://localhost:{p}{path} || exit 1")
    elif kind == "wget":
        df.add(f"HEALTHCHECK {opts}CMD wget -q --spider http://127.0.0.1:{p}{path} || exit 1")
    elif kind == "node":
        df.add(f"HEALTHCHECK {opts}CMD [\"node\", \"-e\", \"require('http').get('http://127.0.0.1:{p}{path}', "
               f"r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))\"]")
    elif kind == "grpc":
        df.add(f"HEALTHCHECK {opts}CMD [\"/usr/local/bin/grpc_health_probe\", \"-addr=:{p}\"]")
    elif kind == "exec":
        df.add(f"HEALTHCHECK {opts}CMD [\"/app/server\", \"healthcheck\"]")


def entry(df: DF, c: Ctx, argv: list[str], keyword: str = "CMD") -> None:
    if c.exec_form:
        df.add(keyword + " [" + ", ".join('"' + a.replace('"', '\\"') + '"' for a in argv) + "]")
    else:
        df.add(keyword + " " + " ".join(argv))


def onbuild_block(df: DF, c: Ctx) -> None:
    if not c.onbuild:
        return
    if c.family in ("flask", "fastapi", "python"):
        df.add("ONBUILD COPY requirements.txt /app/", "ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt")
    else:
        df.add("ONBUILD ARG BUILD_REF=unknown", "ONBUILD COPY . /usr/src/app/", "ONBUILD RUN make -C /usr/src/app")


# --------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------

PY_VERSIONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
PY_VARIANTS = ["", "-slim", "-slim-bookworm", "-bookworm", "-bullseye", "-slim-bullseye", "-alpine", "-buster"]


def py_base(c: Ctx, slim_final: bool = False) -> tuple[str, list[str], str]:
    """Returns (FROM reference, ARG lines before FROM, version)."""
    rng = c.rng
    if c.posture == "hardened":
        ver = rng.choice(["3.11", "3.12", "3.12", "3.13"])
        variant = "-slim-bookworm" if rng.random() < 0.5 else "-slim"
    elif c.posture == "default":
        ver = rng.choice(["3.10", "3.11", "3.12", "3.9"])
        variant = rng.choice(PY_VARIANTS[:6])
    else:
        ver = rng.choice(["3.8", "3.9", "3.9", "3.10", "latest"])
        variant = rng.choice(["", "", "-buster", "-bullseye"])
    if ver == "latest":
        ref = rng.choice(["python:latest", "python"])
        return ref, [], "3"
    args: list[str] = []
    if c.arg_from:
        form = rng.randrange(3)
        if form == 0:
            args = [f"ARG PYTHON_VERSION={ver}"]
            ref = f"python:${{PYTHON_VERSION}}{variant}"
        elif form == 1:
            args = [f"ARG PYTHON_VERSION={ver}", "ARG REGISTRY=docker.io"]
            ref = f"${{REGISTRY}}/library/python:${{PYTHON_VERSION:-{ver}}}{variant}"
        else:
            args = [f"ARG BASE_IMAGE=python:{ver}{variant}"]
            ref = "${BASE_IMAGE}"
    else:
        ref = f"python:{ver}{variant}"
    if c.pin_digest and "$" not in ref:
        ref += c.digest()
    return ref, args, ver


def directives(df: DF, c: Ctx, body: DF, escape_backtick: bool) -> None:
    rng = c.rng
    if escape_backtick:
        # the escape directive must come before any other line; a syntax line may precede it
        if rng.random() < 0.5:
            df.add("# syntax=docker/dockerfile:1")
        df.add("# escape=`")
        df.add("")
        return
    if c.labs:
        df.add("# syntax=docker/dockerfile:1.7-labs")
    elif c.heredoc or rng.random() < 0.45:
        df.add(rng.choice(["# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.6",
                           "# syntax=docker/dockerfile:1.9"] if c.heredoc else
                          ["# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.4", "#syntax=docker/dockerfile:1"]))
    if rng.random() < 0.04:
        df.add("# check=skip=JSONArgsRecommended")
    if df.lines:
        df.add("")


def python_web(c: Ctx, df: DF, framework: str) -> None:
    rng = c.rng
    ref, args, ver = py_base(c)
    server = {"flask": rng.choice(["gunicorn", "flask", "waitress"]),
              "fastapi": rng.choice(["uvicorn", "gunicorn-uvicorn"]),
              "python": rng.choice(["gunicorn-django", "python"])}[framework]
    if server == "gunicorn":
        argv = ["gunicorn", "--bind", f"0.0.0.0:{c.port}", "--workers", str(rng.choice([2, 4])), "app:app"]
    elif server == "flask":
        argv = ["flask", "run", "--host=0.0.0.0", f"--port={c.port}"]
    elif server == "waitress":
        argv = ["waitress-serve", f"--port={c.port}", "app:app"]
    elif server == "uvicorn":
        argv = ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", str(c.port)]
    elif server == "gunicorn-uvicorn":
        argv = ["gunicorn", "main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", f"0.0.0.0:{c.port}"]
    elif server == "gunicorn-django":
        argv = ["gunicorn", "mysite.wsgi:application", "--bind", f"0.0.0.0:{c.port}"]
    else:
        argv = ["python", "-m", c.app.replace("-", "_")]
    df.add(*args)
    alpine = "alpine" in ref
    if c.multi_stage and not alpine:
        final = ref if "slim" in ref or "$" in ref else ref.split(":")[0] + f":{ver}-slim"
        if "@" in final and "@" not in ref:
            final = final.split("@")[0]
        plat = "--platform=$BUILDPLATFORM " if c.platform else ""
        df.add(f"FROM {plat}{ref} AS builder" if rng.random() < 0.8 else f"FROM {plat}{ref} as build")
        stage = df.lines[-1].split()[-1]
        df.add("WORKDIR /src")
        apt_block(df, c, ["build-essential", "gcc", "libpq-dev"])
        df.add("RUN python -m venv /opt/venv", 'ENV PATH="/opt/venv/bin:$PATH"')
        df.add("COPY requirements.txt .")
        pip_block(df, c)
        if rng.random() < 0.3:
            df.add("COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /usr/local/bin/uv")
        df.blank()
        df.add(f"FROM {final}")
        if c.posture == "hardened":
            df.add("ENV PYTHONDONTWRITEBYTECODE=1 " + df.esc, "    PYTHONUNBUFFERED=1 " + df.esc,
                   '    PATH="/opt/venv/bin:$PATH"')
        else:
            df.add('ENV PATH="/opt/venv/bin:$PATH"')
        labels_block(df, c)
        user_pre = c.user in ("numeric", "name")
        if user_pre:
            if c.user == "numeric":
                df.add("RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init app")
            else:
                df.add("RUN useradd -m appuser")
        df.add("WORKDIR /app")
        owner = "10001:10001" if c.user == "numeric" else ("appuser:appuser" if c.user == "name" else None)
        chown = f"--chown={owner} " if owner else ""
        link = "--link " if rng.random() < 0.25 else ""
        df.add(f"COPY {link}--from={stage} /opt/venv /opt/venv")
        if c.labs and rng.random() < 0.5:
            df.add(f"COPY {chown}--exclude=*.pyc --exclude=tests/ . /app/")
        else:
            df.add(f"COPY {chown}. .")
        if c.user == "numeric":
            df.add(rng.choice(["USER 10001", "USER 10001:10001"]))
        elif c.user == "name":
            df.add("USER appuser")
        elif c.user == "root":
            df.add("USER root")
    else:
        plat = "--platform=linux/amd64 " if c.platform else ""
        df.add(f"FROM {plat}{ref}")
        labels_block(df, c)
        if c.posture != "hardened" and rng.random() < 0.5:
            df.add("ENV PYTHONUNBUFFERED 1")
        if alpine:
            apk_block(df, c, ["gcc", "musl-dev", "libffi-dev"] if c.posture != "hardened" else ["libstdc++"])
        else:
            apt_block(df, c, rng.choice([["build-essential", "curl"], ["libpq5"], ["gcc", "git", "vim", "curl"],
                                         ["ffmpeg", "libsm6", "libxext6"]]),
                      pin=c.posture == "hardened" and rng.random() < 0.3)
        if c.ssh:
            df.add("RUN apt-get install -y openssh-server && mkdir /var/run/sshd")
        if c.sudo:
            df.add("RUN apt-get install -y sudo && echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers")
        secrets_block(df, c)
        df.add(rng.choice(["WORKDIR /app", "WORKDIR /usr/src/app", "WORKDIR /opt/" + c.app]))
        df.add("COPY requirements.txt ./" if rng.random() < 0.7 else "ADD requirements.txt .")
        pip_block(df, c)
        download_block(df, c)
        if c.heredoc or (c.use_heredoc and rng.random() < 0.4):
            c.heredoc = True
            df.add("COPY <<EOF /app/gunicorn.conf.py", f'bind = "0.0.0.0:{c.port}"', "workers = 2",
                   'accesslog = "-"', "EOF")
        df.add(rng.choice(["COPY . .", "COPY . /app", "ADD . /app", "COPY app/ ./app/", "COPY src/ ."]))
        if c.chmod777:
            df.add("RUN chmod -R 777 /app")
        user_block(df, c, "alpine" if alpine else "debian")
    if c.ssh:
        df.add("EXPOSE 22")
    df.add(f"EXPOSE {c.port}" if rng.random() < 0.8 else f"EXPOSE {c.port}/tcp")
    healthcheck_block(df, c, "python" if c.posture == "hardened" else rng.choice(["python", "curl", "curl"]))
    if c.stopsignal:
        df.add("STOPSIGNAL SIGINT")
    entry(df, c, argv)


def torch_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    base = rng.choice([
        "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime", "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-devel",
        "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", "nvidia/cuda:11.8.0-devel-ubuntu20.04",
        "pytorch/pytorch:latest", "nvcr.io/nvidia/pytorch:24.08-py3",
    ])
    if c.arg_from:
        df.add("ARG CUDA_VERSION=12.4.1", "ARG UBUNTU=ubuntu22.04")
        base = "nvidia/cuda:${CUDA_VERSION}-cudnn-runtime-${UBUNTU}"
    if c.multi_stage:
        df.add(f"FROM {base} AS deps")
        df.add("ENV DEBIAN_FRONTEND=noninteractive")
        apt_block(df, c, ["python3", "python3-pip", "python3-venv", "git"])
        df.add("RUN python3 -m venv /venv")
        if c.use_cache_mount:
            df.add("RUN --mount=type=cache,target=/root/.cache/pip " + df.esc,
                   "    /venv/bin/pip install torch==2.4.1 torchvision==0.19.1 --index-url https://download.pytorch.org/whl/cu121")
        else:
            pip_block(df, c, "torch==2.4.1 transformers==4.44.2 accelerate==0.34.2", pip="/venv/bin/pip")
        df.blank()
        final = base.replace("devel", "runtime") if "$" not in base else base
        df.add(f"FROM {final}")
        apt_block(df, c, ["python3", "libgomp1"])
        df.add("COPY --from=deps /venv /venv", 'ENV PATH=/venv/bin:$PATH')
    else:
        df.add(f"FROM {base}")
        df.add("ENV DEBIAN_FRONTEND=noninteractive")
        apt_block(df, c, ["git", "wget", "libgl1", "python3-pip"])
        pip_block(df, c, "transformers accelerate sentencepiece" if c.posture == "insecure"
                  else "transformers==4.44.2 accelerate==0.34.2 safetensors==0.4.5")
    secrets_block(df, c)
    df.add("WORKDIR /workspace")
    model = rng.choice(["meta-llama/Llama-3.1-8B-Instruct", "mistralai/Mistral-7B-v0.3",
                        "sentence-transformers/all-MiniLM-L6-v2", "openai/whisper-small"])
    if c.posture == "hardened":
        if c.use_secret_mount:
            df.run_chain([f"huggingface-cli download {model} --revision {c.sha256()[:40]} --local-dir /models/m"],
                         flags="--mount=type=secret,id=hf_token,env=HF_TOKEN")
        else:
            df.add(f"COPY models/ /models/")
    elif c.posture == "default":
        df.add(f"RUN huggingface-cli download {model} --local-dir /models/m")
    else:
        df.add(f"RUN python3 -c \"from transformers import AutoModel; AutoModel.from_pretrained('{model}', trust_remote_code=True)\"")
    df.add("COPY serve.py .")
    user_block(df, c, "debian")
    df.add(f"EXPOSE {c.port}")
    healthcheck_block(df, c, "python")
    entry(df, c, ["python3", "serve.py", "--port", str(c.port)])


def vllm_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    tag = rng.choice(["v0.6.3", "v0.5.4", "latest", "v0.6.1.post2"]) if c.posture != "hardened" else "v0.6.3"
    ref = f"vllm/vllm-openai:{tag}"
    if c.arg_from:
        df.add(f"ARG VLLM_VERSION={tag}")
        ref = "vllm/vllm-openai:${VLLM_VERSION}"
    if c.pin_digest and "$" not in ref:
        ref += c.digest()
    df.add(f"FROM {ref}")
    labels_block(df, c)
    secrets_block(df, c)
    model = rng.choice(["Qwen/Qwen2.5-7B-Instruct", "microsoft/Phi-3-mini-4k-instruct",
                        "mistralai/Mistral-7B-Instruct-v0.3", "deepseek-ai/deepseek-coder-6.7b-instruct"])
    if c.posture != "hardened" and rng.random() < 0.5:
        df.add(f"RUN huggingface-cli download {model}")
    elif c.use_secret_mount:
        df.run_chain([f"huggingface-cli download {model} --revision main --local-dir /models/llm"],
                     flags="--mount=type=secret,id=hf_token,target=/root/.cache/huggingface/token")
    if c.heredoc or c.use_heredoc:
        c.heredoc = True
        df.add("COPY <<-EOF /etc/vllm/chat_template.jinja",
               "\t{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}",
               "\t{% endfor %}", "\tEOF")
    user_block(df, c, "debian")
    df.add("EXPOSE 8000")
    c.port = 8000
    healthcheck_block(df, c, rng.choice(["python", "curl"]), "/health")
    argv = ["--model", model, "--host", "0.0.0.0", "--port", "8000"]
    if c.posture == "insecure" or rng.random() < 0.2:
        argv.append("--trust-remote-code")
    if rng.random() < 0.5:
        argv += ["--max-model-len", "8192"]
    if c.exec_form:
        df.add('ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]')
        df.add("CMD [" + ", ".join(f'"{a}"' for a in argv) + "]")
    else:
        df.add("ENTRYPOINT python3 -m vllm.entrypoints.openai.api_server " + " ".join(argv))


def triton_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    ver = rng.choice(["24.08", "23.10", "24.05", "22.12"])
    if c.arg_from:
        df.add(f"ARG TRITON_VERSION={ver}")
        df.add("FROM nvcr.io/nvidia/tritonserver:${TRITON_VERSION}-py3")
    else:
        df.add(f"FROM nvcr.io/nvidia/tritonserver:{ver}-py3")
    apt_block(df, c, ["python3-pip"])
    pip_block(df, c, "tritonclient[all]==2.49.0 onnxruntime==1.19.2" if c.posture == "hardened"
              else "tritonclient[all] onnxruntime")
    df.add("COPY model_repository /models")
    secrets_block(df, c)
    user_block(df, c, "none")
    df.add("EXPOSE 8000 8001 8002")
    c.port = 8000
    healthcheck_block(df, c, "curl", "/v2/health/ready")
    entry(df, c, ["tritonserver", "--model-repository=/models", "--strict-model-config=false"])


def tgi_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    df.add(f"FROM ghcr.io/huggingface/text-generation-inference:{rng.choice(['2.3.1', '2.0', 'latest', '1.4'])}")
    secrets_block(df, c)
    model = rng.choice(["bigscience/bloom-560m", "HuggingFaceH4/zephyr-7b-beta", "tiiuae/falcon-7b-instruct"])
    df.add(f"ENV MODEL_ID={model}")
    if c.posture == "insecure":
        df.add("ENV TRUST_REMOTE_CODE=true")
    user_block(df, c, "none")
    df.add("EXPOSE 80")
    c.port = 80
    healthcheck_block(df, c, "curl", "/health")
    if c.exec_form:
        df.add('ENTRYPOINT ["text-generation-launcher"]', 'CMD ["--json-output"]')
    else:
        df.add("CMD text-generation-launcher --json-output")


def torchserve_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    tag = rng.choice(["0.12.0-cpu", "0.8.2-gpu", "latest", "0.11.1-cpu"])
    df.add(f"FROM pytorch/torchserve:{tag}")
    df.add("USER root")
    apt_block(df, c, ["curl"])
    pip_block(df, c, "captum==0.7.0")
    df.add("COPY --chown=model-server:model-server config.properties /home/model-server/config.properties")
    df.add("COPY model-store/ /home/model-server/model-store/")
    if c.posture != "hardened":
        df.add("ENV TS_DISABLE_TOKEN_AUTHORIZATION=true")
        if rng.random() < 0.5:
            df.add("ENV TS_ENABLE_MODEL_API=true")
    secrets_block(df, c)
    if c.user != "root" and c.user != "none":
        df.add("USER model-server")
    df.add("EXPOSE 8080 8081 8082")
    c.port = 8080
    healthcheck_block(df, c, "curl", "/ping")
    entry(df, c, ["torchserve", "--start", "--model-store", "/home/model-server/model-store", "--models", "all",
                  "--ts-config", "/home/model-server/config.properties", "--foreground"])


def jupyter_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    df.add(f"FROM {rng.choice(['jupyter/scipy-notebook:latest', 'quay.io/jupyter/pytorch-notebook:2024-10-07', 'python:3.11'])}")
    if "python" in df.lines[-1]:
        pip_block(df, c, "jupyterlab==4.2.5 pandas scikit-learn")
    else:
        df.add("USER root")
        apt_block(df, c, ["graphviz"])
        df.add("USER ${NB_UID}")
    secrets_block(df, c)
    df.add("EXPOSE 8888")
    c.port = 8888
    entry(df, c, ["jupyter", "lab", "--ip=0.0.0.0", "--no-browser", "--allow-root", "--NotebookApp.token="])


def node_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    ver = {"hardened": rng.choice(["20", "22"]), "default": rng.choice(["18", "20", "22", "lts"]),
           "insecure": rng.choice(["14", "16", "latest", "18"])}[c.posture]
    variant = rng.choice(["-alpine", "-slim", "-bookworm-slim", "", "-alpine3.20"]) if ver not in ("latest", "lts") else ""
    ref = f"node:{ver}{variant}"
    if c.arg_from:
        df.add(f"ARG NODE_VERSION={ver}")
        ref = f"node:${{NODE_VERSION}}{variant}"
    alpine = "alpine" in variant
    if c.multi_stage:
        plat = "--platform=$BUILDPLATFORM " if c.platform else ""
        df.add(f"FROM {plat}{ref} AS deps", "WORKDIR /app", "COPY package.json package-lock.json ./")
        if c.use_cache_mount:
            df.add("RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev")
        elif c.use_secret_mount:
            df.add("RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev")
        else:
            df.add("RUN npm ci --omit=dev")
        df.blank()
        df.add(f"FROM {ref} AS build", "WORKDIR /app", "COPY --from=deps /app/node_modules ./node_modules",
               "COPY . .", "RUN npm run build")
        df.blank()
        final = rng.choice([f"node:{ver}-alpine" if ver not in ("latest", "lts") else "node:lts-alpine",
                            "gcr.io/distroless/nodejs20-debian12", "gcr.io/distroless/nodejs22-debian12:nonroot"])
        df.add(f"FROM {final} AS runtime")
        df.add("ENV NODE_ENV=production")
        df.add("WORKDIR /app")
        own = "--chown=node:node " if "distroless" not in final and c.user != "none" else ""
        df.add(f"COPY {own}--from=build /app/dist ./dist", f"COPY {own}--from=deps /app/node_modules ./node_modules")
        if "distroless" in final:
            if c.user != "none":
                df.add("USER nonroot" if c.user == "name" else "USER 65532")
            df.add(f"EXPOSE {c.port}")
            df.add('CMD ["dist/server.js"]')
            return
        if c.user == "numeric":
            df.add("USER 1000")
        elif c.user == "name":
            df.add("USER node")
        elif c.user == "root":
            df.add("USER root")
    else:
        df.add(f"FROM {ref}")
        labels_block(df, c)
        if alpine:
            apk_block(df, c, ["python3", "make", "g++"] if c.posture != "hardened" else ["tini"])
        else:
            apt_block(df, c, ["python3", "make", "g++"])
        df.add("WORKDIR /usr/src/app")
        df.add("COPY package*.json ./")
        df.add(rng.choice(["RUN npm install", "RUN npm ci", "RUN npm ci --omit=dev && npm cache clean --force",
                           "RUN yarn install --frozen-lockfile"]))
        if c.tls_bypass:
            df.add("ENV NODE_TLS_REJECT_UNAUTHORIZED=0")
            df.add("RUN npm config set strict-ssl false")
        secrets_block(df, c)
        download_block(df, c)
        df.add("COPY . .")
        if c.chmod777:
            df.add("RUN chmod 777 /usr/src/app")
        if c.user == "numeric":
            df.add("USER 1000:1000")
        elif c.user == "name":
            df.add("USER node")
        elif c.user == "root":
            df.add("USER root")
    df.add(f"EXPOSE {c.port}")
    healthcheck_block(df, c, "node" if c.posture == "hardened" else rng.choice(["node", "wget", "curl"]))
    if alpine and rng.random() < 0.3:
        df.add('ENTRYPOINT ["/sbin/tini", "--"]')
    entry(df, c, ["node", "dist/server.js"] if c.multi_stage else rng.choice([["npm", "start"], ["node", "server.js"]]))


def go_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    gov = {"hardened": rng.choice(["1.22", "1.23"]), "default": rng.choice(["1.21", "1.22", "1.23"]),
           "insecure": rng.choice(["1.19", "1.20", "latest"])}[c.posture]
    variant = rng.choice(["", "-alpine", "-bookworm"]) if gov != "latest" else ""
    ref = f"golang:{gov}{variant}"
    if c.arg_from:
        df.add(f"ARG GO_VERSION={gov}")
        ref = f"golang:${{GO_VERSION}}{variant}"
    if c.multi_stage or c.posture == "hardened":
        plat = "--platform=$BUILDPLATFORM " if c.platform else ""
        df.add(f"FROM {plat}{ref} AS build")
        if c.platform:
            df.add("ARG TARGETOS", "ARG TARGETARCH")
        df.add("WORKDIR /src", "COPY go.mod go.sum ./")
        if c.use_cache_mount:
            df.add("RUN --mount=type=cache,target=/go/pkg/mod go mod download")
        else:
            df.add("RUN go mod download")
        df.add("COPY . .")
        goos = "GOOS=$TARGETOS GOARCH=$TARGETARCH " if c.platform else ""
        if c.use_cache_mount:
            df.add("RUN --mount=type=cache,target=/go/pkg/mod " + df.esc,
                   "    --mount=type=cache,target=/root/.cache/go-build " + df.esc,
                   f"    CGO_ENABLED=0 {goos}go build -trimpath -ldflags=\"-s -w\" -o /out/server ./cmd/server")
        elif c.use_heredoc:
            c.heredoc = True
            df.add("RUN <<EOT sh", "set -e", f"CGO_ENABLED=0 {goos}go build -trimpath -o /out/server ./cmd/server",
                   "go test ./... -run TestSmoke", "EOT")
        else:
            df.add(f"RUN CGO_ENABLED=0 {goos}go build -o /out/server ./cmd/server")
        df.blank()
        final = rng.choice(["gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian12",
                            "scratch", "alpine:3.20", "alpine:3.16", "debian:bookworm-slim"])
        df.add(f"FROM {final}")
        if final == "scratch":
            df.add("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
        df.add("COPY --from=build /out/server /app/server")
        if final.startswith("alpine") and c.posture != "hardened":
            apk_block(df, c, ["ca-certificates", "tzdata"])
        if c.user in ("numeric", "name") or (c.posture == "hardened"):
            df.add(rng.choice(["USER 65532:65532", "USER 10001", "USER nonroot:nonroot"]))
        df.add(f"EXPOSE {c.port}")
        healthcheck_block(df, c, rng.choice(["exec", "grpc"]))
        df.add('ENTRYPOINT ["/app/server"]')
    else:
        df.add(f"FROM {ref}")
        df.add("WORKDIR /go/src/app", "COPY . .")
        download_block(df, c)
        secrets_block(df, c)
        df.add("RUN go get -d -v ./...", "RUN go install -v ./...")
        if c.user == "root":
            df.add("USER root")
        df.add(f"EXPOSE {c.port}")
        entry(df, c, ["app"])


def java_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    jdk = {"hardened": "21", "default": rng.choice(["17", "21"]), "insecure": rng.choice(["8", "11"])}[c.posture]
    if c.multi_stage:
        df.add(f"FROM maven:3.9-eclipse-temurin-{jdk} AS build", "WORKDIR /build", "COPY pom.xml .")
        if c.use_cache_mount:
            df.add("RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline")
        else:
            df.add("RUN mvn -B dependency:go-offline")
        df.add("COPY src ./src")
        if c.use_secret_mount:
            df.add("RUN --mount=type=secret,id=maven_settings,target=/root/.m2/settings.xml mvn -B package -DskipTests")
        else:
            df.add("RUN mvn -B package -DskipTests")
        df.blank()
        df.add(f"FROM eclipse-temurin:{jdk}-jre{rng.choice(['', '-jammy', '-alpine'])}")
        df.add("WORKDIR /opt/app")
        if c.user == "numeric":
            df.add("RUN groupadd -g 10001 app && useradd -u 10001 -g app -M -s /usr/sbin/nologin app"
                   if "alpine" not in df.lines[-2] else "RUN addgroup -g 10001 -S app && adduser -u 10001 -S -G app app")
        df.add("COPY --from=build /build/target/*.jar app.jar")
        if c.user == "numeric":
            df.add("USER 10001")
        elif c.user == "name":
            df.add("USER nobody")
    else:
        df.add(rng.choice([f"FROM openjdk:{jdk}", f"FROM openjdk:{jdk}-jdk-slim", f"FROM eclipse-temurin:{jdk}"]))
        secrets_block(df, c)
        df.add("ARG JAR_FILE=target/*.jar", "COPY ${JAR_FILE} app.jar")
        if c.user == "name":
            df.add("RUN useradd -r spring", "USER spring")
    df.add("ENV JAVA_OPTS=\"-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError\"")
    df.add(f"EXPOSE {c.port}")
    healthcheck_block(df, c, "curl", "/actuator/health")
    if c.exec_form:
        df.add('ENTRYPOINT ["java", "-jar", "app.jar"]')
    else:
        df.add("ENTRYPOINT java $JAVA_OPTS -jar app.jar")


def alpine_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    tag = {"hardened": rng.choice(["3.20", "3.20.3", "3.21"]), "default": rng.choice(["3.19", "3.20", "3.18"]),
           "insecure": rng.choice(["3.12", "3.15", "latest", ""])}[c.posture]
    ref = "alpine" + (f":{tag}" if tag else "")
    if c.pin_digest:
        ref += c.digest()
    df.add(f"FROM {ref}")
    labels_block(df, c)
    apk_block(df, c, rng.choice([["curl", "jq", "ca-certificates"], ["bash", "openssl"], ["postgresql16-client"],
                                 ["python3", "py3-pip"]]))
    if c.shell_pipefail:
        df.add('SHELL ["/bin/ash", "-eo", "pipefail", "-c"]')
    download_block(df, c)
    secrets_block(df, c)
    if c.use_heredoc:
        c.heredoc = True
        df.add("COPY --chmod=0755 <<'EOF' /usr/local/bin/entrypoint.sh", "#!/bin/sh", "set -eu",
               'echo "starting $0 with $*"', 'exec "$@"', "EOF")
        entry_script = True
    else:
        df.add("COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh")
        entry_script = True
    if c.volume:
        df.add('VOLUME ["/data"]')
    user_block(df, c, "alpine")
    healthcheck_block(df, c, "wget")
    if entry_script:
        df.add('ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]')
    entry(df, c, ["sleep", "infinity"] if rng.random() < 0.3 else ["crond", "-f", "-l", "2"])


def debian_like(c: Ctx, df: DF, distro: str) -> None:
    rng = c.rng
    if distro == "debian":
        tag = {"hardened": rng.choice(["bookworm-slim", "12-slim", "bookworm-20241016-slim"]),
               "default": rng.choice(["bookworm", "12", "bullseye-slim", "stable"]),
               "insecure": rng.choice(["buster", "bullseye", "latest", "10"])}[c.posture]
    else:
        tag = {"hardened": rng.choice(["24.04", "noble", "22.04"]),
               "default": rng.choice(["22.04", "jammy", "24.04"]),
               "insecure": rng.choice(["18.04", "20.04", "latest", "bionic"])}[c.posture]
    ref = f"{distro}:{tag}"
    if c.arg_from:
        df.add(f"ARG BASE={ref}")
        ref = "${BASE}"
    plat = "--platform=linux/amd64 " if c.platform else ""
    df.add(f"FROM {plat}{ref}")
    df.add("ARG DEBIAN_FRONTEND=noninteractive" if rng.random() < 0.6 else "ENV DEBIAN_FRONTEND noninteractive")
    labels_block(df, c)
    if c.shell_pipefail:
        df.add('SHELL ["/bin/bash", "-o", "pipefail", "-c"]')
    pkgs = rng.choice([["ca-certificates", "curl", "gnupg"], ["python3", "python3-pip"], ["nginx"],
                       ["postgresql-client", "awscli"], ["build-essential", "cmake", "git"]])
    apt_block(df, c, pkgs, pin=rng.random() < 0.2)
    if c.ssh:
        df.add("RUN apt-get install -y openssh-server && echo 'root:fake-pass-root' | chpasswd",
               "EXPOSE 22")
    if c.sudo:
        df.add("RUN apt-get install -y sudo && usermod -aG sudo ubuntu || true")
    download_block(df, c)
    secrets_block(df, c)
    if c.use_heredoc:
        c.heredoc = True
        if rng.random() < 0.5:
            df.add("RUN <<FILE1 cat > /etc/app.env && <<FILE2 cat > /etc/app.motd", "LOG_LEVEL=info",
                   "FILE1", f"welcome to {c.app}", "FILE2")
        else:
            df.add('RUN <<-"EOT" bash', "\tset -euo pipefail", "\tmkdir -p /srv/data",
                   '\techo "ready: $(date -u +%F)" > /srv/data/BUILD', "\tEOT")
    df.add("WORKDIR /srv", "COPY scripts/ /srv/scripts/")
    if c.labs and rng.random() < 0.5:
        df.add("COPY --parents ./conf/**/*.yaml /srv/")
    if c.chmod777:
        df.add("RUN chmod 777 /srv/scripts/*.sh")
    if c.volume:
        df.add("VOLUME /srv/data /var/log/app")
    user_block(df, c, "debian")
    healthcheck_block(df, c, "curl")
    if c.stopsignal:
        df.add("STOPSIGNAL SIGQUIT")
    entry(df, c, ["/srv/scripts/run.sh"], "ENTRYPOINT")
    if rng.random() < 0.5:
        # default arguments for the entrypoint: exec form only (BuildKit reads a leading
        # `--word` of any instruction as a flag, so `CMD --serve` is an error)
        df.add('CMD ["--serve"]')


def nginx_image(c: Ctx, df: DF) -> None:
    rng = c.rng
    df.add(f"FROM node:20-alpine AS site", "WORKDIR /site", "COPY . .", "RUN npm ci && npm run build")
    df.blank()
    base = rng.choice(["nginx:1.27-alpine", "nginxinc/nginx-unprivileged:1.27-alpine", "nginx:latest", "nginx"])
    df.add(f"FROM {base}")
    if c.use_heredoc:
        c.heredoc = True
        df.add("COPY <<EOF /etc/nginx/conf.d/default.conf",
               "server {", f"    listen {c.port};", "    root /usr/share/nginx/html;",
               "    location /healthz { return 200 'ok'; }", "}", "EOF")
    else:
        df.add("COPY nginx.conf /etc/nginx/conf.d/default.conf")
    df.add("COPY --from=site /site/dist /usr/share/nginx/html")
    if "unprivileged" in base:
        df.add("USER 101")
    elif c.user in ("numeric", "name"):
        df.add("USER nginx")
    df.add(f"EXPOSE {c.port}")
    healthcheck_block(df, c, "wget")
    df.add('CMD ["nginx", "-g", "daemon off;"]')


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

def render(idx: int, family: str, rng: random.Random) -> tuple[str, str]:
    """Returns (file name, text) for one generated Dockerfile."""
    posture = weighted(rng, POSTURES)
    c = Ctx(rng, family, posture)
    escape_backtick = rng.random() < 0.03
    c.labs = not escape_backtick and rng.random() < 0.06
    crlf = rng.random() < 0.02
    body = DF(rng, "`" if escape_backtick else "\\")
    header = rng.choice([
        f"{c.app}: {family} service image",
        f"Build: docker build -t registry.example.com/ml/{c.app}:dev .",
        f"Dockerfile for {c.app} ({posture} variant, synthetic corpus)",
        None, None,
    ])
    if family in ("flask", "fastapi", "python"):
        python_web(c, body, family)
    elif family == "torch":
        torch_image(c, body)
    elif family == "vllm":
        vllm_image(c, body)
    elif family == "triton":
        triton_image(c, body)
    elif family == "tgi":
        tgi_image(c, body)
    elif family == "torchserve":
        torchserve_image(c, body)
    elif family == "jupyter":
        jupyter_image(c, body)
    elif family == "node":
        node_image(c, body)
    elif family == "go":
        go_image(c, body)
    elif family == "java":
        java_image(c, body)
    elif family == "alpine":
        alpine_image(c, body)
    elif family in ("debian", "ubuntu"):
        debian_like(c, body, family)
    elif family == "nginx":
        nginx_image(c, body)
    else:  # pragma: no cover
        raise ValueError(family)
    onbuild_block(body, c)
    # sprinkle ignore pragmas above the first RUN
    if c.hadolint_ignore or c.bulwark_ignore:
        for i, line in enumerate(body.lines):
            if line.startswith("RUN "):
                pragma = ("# hadolint ignore=DL3008,DL3013" if c.hadolint_ignore
                          else "# bulwark:ignore dockerfile/apt-no-install-recommends vendored base image")
                body.lines.insert(i, pragma)
                break
    out = DF(rng, body.esc)
    directives(out, c, body, escape_backtick)
    if header:
        out.add("# " + header)
    out.add(*body.lines)
    text = out.text(crlf=crlf)
    r = rng.random()
    if r < 0.05:
        name = "Containerfile"
    elif r < 0.10:
        name = f"{c.app}.Dockerfile"
    else:
        name = "Dockerfile"
    return name, text


def plan(n: int, rng: random.Random) -> list[str]:
    counts = [(f, n * w // 100) for f, w in FAMILIES]
    fams = [f for f, k in counts for _ in range(k)]
    i = 0
    while len(fams) < n:  # remainder: round-robin over the biggest families
        fams.append(FAMILIES[i % len(FAMILIES)][0])
        i += 1
    rng.shuffle(fams)
    return fams


def dockerfiles(n: int, seed: int):
    """Yields (relative path, text) for n generated Dockerfiles."""
    rng = random.Random(seed)
    width = max(4, len(str(n)))
    for i, fam in enumerate(plan(n, rng)):
        frng = random.Random(f"{seed}:{i}:{fam}")
        name, text = render(i, fam, frng)
        d = f"{i:0{width}d}-{fam}"
        extra = None
        if ("COPY . " in text or "ADD . " in text) and frng.random() < 0.4:
            extra = ".dockerignore", ".git\n.env\n*.pem\n**/__pycache__\nnode_modules\n"
        yield os.path.join(d, name), text, extra


def repo_examples(repo_root: str):
    """Yields (relative path in the corpus, source path) for the repo's own Dockerfiles."""
    ex = os.path.join(repo_root, "examples")
    found = []
    for root, dirs, files in os.walk(ex):
        dirs.sort()
        for f in sorted(files):
            if "Dockerfile" in f or f == "Containerfile":
                src = os.path.join(root, f)
                rel = os.path.relpath(root, repo_root).replace(os.sep, "-")
                found.append((os.path.join("repo-" + rel, f), src))
    return found


def generate(n: int, out: str, seed: int, with_examples: bool = True) -> tuple[int, int]:
    """Write n generated Dockerfiles (+ the repo's own); return (generated, copied)."""
    os.makedirs(out, exist_ok=True)
    count = 0
    for rel, text, extra in dockerfiles(n, seed):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        if extra:
            with open(os.path.join(os.path.dirname(path), extra[0]), "w", encoding="utf-8", newline="") as f:
                f.write(extra[1])
        count += 1
    copied = 0
    if with_examples:
        repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for rel, src in repo_examples(repo_root):
            dst = os.path.join(out, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            copied += 1
    return count, copied


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, required=True, help="number of generated Dockerfiles")
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-repo-examples", action="store_true",
                    help="do not copy the repo's own examples/**/*Dockerfile*")
    a = ap.parse_args(argv)
    if a.count < 1:
        ap.error("--count must be >= 1")
    n, copied = generate(a.count, a.out, a.seed, not a.no_repo_examples)
    print(f"wrote {n} generated Dockerfiles and {copied} copied from examples/ to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
