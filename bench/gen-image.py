#!/usr/bin/env python3
"""A synthetic container image for bench/image-scan, written as an OCI image layout directory.

    gen-image.py --out DIR [--seed 42] [--layers 24] [--files 110000] [--big-mb 640]
                 [--zstd-layers 1] [--jobs 2]

Standard library only (plus the `zstd` command for zstd layers); the same arguments give
byte-identical blobs, so digests are stable between runs and machines.

What it holds, layer by layer (bottom first), shaped like an ML serving image:
  0        a Debian 12 base: /etc/os-release, var/lib/dpkg/status and info/*.list, usr/bin binaries,
           shared libraries with their soname links (symbolic and hard), usr/share/doc text
  1        `apt-get install`: the whole dpkg status rewritten with more packages, one of them
           `deinstall ok config-files` (an inventory must drop it)
  2        the Python standard library (many small .py files)
  3..L-10  `pip install` layers: site-packages trees with `*.dist-info/METADATA`, RECORD, WHEEL
  L-9..L-7 a few large binary files (CUDA-like shared libraries, data shards) that compress ~2:1
  L-6..L-5 application code, configuration
  L-4      whiteouts: `pip uninstall` (a dist-info directory and its package), removed docs, a
           removed large file, cleared caches
  L-3      an opaque directory (`.wh..wh..opq`) replacing the application; a package upgraded
           (old dist-info whited out, new one added)
  L-2      (zstd when --zstd-layers is 1) more site-packages
  L-1      the last touches (a `.env` whose values are marked TEST-ONLY, configuration)

Besides `DIR/oci/` it writes `DIR/layers.tsv` (one line per layer: index, blob path, compression,
compressed bytes, uncompressed bytes, entries, regular files) and `DIR/expected.json` (the
packages the final filesystem holds: dpkg and Python, with versions) for bench/image-scan.
"""

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import zlib
from multiprocessing import Pool

MTIME = 1700000000  # fixed: tar headers are part of the digests
SITE = "usr/local/lib/python3.11/site-packages"
MIB = 1 << 20

WORDS = ("self data model value result config tensor batch index layer shape dtype device input output "
         "weight bias state cache request response token handler server client error path name kind "
         "size count items key buffer stream chunk offset length scale mode train eval step loss grad "
         "param module import return def class for while if else elif try except finally with as in "
         "not and or is None True False lambda yield async await raise assert pass break continue").split()

DEB_NAMES = ("adduser apt base-files base-passwd bash bsdutils ca-certificates coreutils dash debconf "
             "debian-archive-keyring debianutils diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep "
             "gzip hostname init-system-helpers libacl1 libapt-pkg6.0 libattr1 libaudit1 libblkid1 libbz2-1.0 "
             "libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3 libdebconfclient0 libext2fs2 "
             "libffi8 libgcc-s1 libgcrypt20 libgmp10 libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1 "
             "liblzma5 libmd0 libmount1 libncursesw6 libnettle8 libp11-kit0 libpam-modules libpam-runtime "
             "libpam0g libpcre2-8-0 libseccomp2 libselinux1 libsemanage2 libsepol2 libsmartcols1 libss2 "
             "libssl3 libstdc++6 libsystemd0 libtasn1-6 libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0 "
             "libzstd1 login logsave mawk mount ncurses-base ncurses-bin openssl passwd perl-base sed "
             "sysvinit-utils tar tzdata usr-is-merged util-linux zlib1g libsqlite3-0 libexpat1 libreadline8 "
             "readline-common libmpdec3 libpython3.11-minimal libpython3.11-stdlib python3.11 "
             "python3.11-minimal python3-minimal python3 media-types netbase libgdbm6 libgdbm-compat4 "
             "libnsl2 libtirpc3 libtirpc-common libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 "
             "libgssapi-krb5-2 libcurl4 curl libnghttp2-14 librtmp1 libssh2-1 libpsl5 libbrotli1 libldap-2.5-0 "
             "libsasl2-2 libsasl2-modules-db git git-man liberror-perl perl perl-modules-5.36 libperl5.36 "
             "libgomp1 libquadmath0 libgfortran5 libopenblas0-pthread libblas3 liblapack3 libjpeg62-turbo "
             "libpng16-16 libfreetype6 fontconfig-config libfontconfig1 fonts-dejavu-core libx11-6 "
             "libx11-data libxau6 libxdmcp6 libxcb1 libbsd0 procps libproc2-0 less wget libpcre3").split()

PY_NAMES = ("numpy scipy torch torchvision triton sympy networkx jinja2 markupsafe filelock fsspec "
            "typing-extensions mpmath pillow requests urllib3 idna certifi charset-normalizer "
            "huggingface-hub safetensors tokenizers transformers regex tqdm pyyaml packaging "
            "nvidia-cublas-cu12 nvidia-cuda-cupti-cu12 nvidia-cuda-nvrtc-cu12 nvidia-cuda-runtime-cu12 "
            "nvidia-cudnn-cu12 nvidia-cufft-cu12 nvidia-curand-cu12 nvidia-cusolver-cu12 "
            "nvidia-cusparse-cu12 nvidia-nccl-cu12 nvidia-nvjitlink-cu12 nvidia-nvtx-cu12 "
            "fastapi starlette pydantic pydantic-core anyio sniffio uvicorn h11 click gunicorn flask "
            "werkzeug itsdangerous blinker scikit-learn joblib threadpoolctl pandas python-dateutil "
            "pytz tzdata six protobuf grpcio onnx onnxruntime coloredlogs humanfriendly flatbuffers "
            "accelerate psutil datasets pyarrow dill multiprocess xxhash aiohttp aiosignal "
            "frozenlist multidict yarl attrs async-timeout sentencepiece einops pip setuptools wheel").split()


# ----------------------------------------------------------------------------------- planning ---

class Plan:
    """The entries of every layer, decided in one process so that whiteouts and package lists agree;
    the workers only turn entries into bytes."""

    def __init__(self, seed, layers, files, big_mb, zstd_layers):
        if layers < 14:
            raise SystemExit("--layers must be at least 14")
        self.seed, self.n, self.files, self.big_mb, self.zstd_layers = seed, layers, files, big_mb, zstd_layers
        self.rng = random.Random(f"plan-{seed}")
        self.layers = [[] for _ in range(layers)]
        self.dirs = [set() for _ in range(layers)]
        self.regular = [0] * layers
        self.python = {}  # name -> (version, dist-info dir, package dir)
        self.deb = {}     # name -> version (installed)
        self.history = []

    # entries ------------------------------------------------------------------------------------
    def _parents(self, li, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs[li]:
                self.dirs[li].add(d)
                self.layers[li].append(("dir", d))

    def add(self, li, entry):
        self._parents(li, entry[1])
        self.layers[li].append(entry)
        if entry[0] in ("text", "bin", "data", "big"):
            self.regular[li] += 1

    def text(self, li, path, size=None):
        self.add(li, ("text", path, size if size is not None else self.small_size()))

    def small_size(self):
        r = self.rng.random()
        if r < 0.60:
            return self.rng.randint(300, 2500)
        if r < 0.90:
            return self.rng.randint(2500, 9000)
        if r < 0.99:
            return self.rng.randint(9000, 30000)
        return self.rng.randint(30000, 120000)

    # dpkg ---------------------------------------------------------------------------------------
    def deb_version(self):
        r = self.rng
        v = f"{r.randint(0, 9)}.{r.randint(0, 40)}"
        if r.random() < 0.5:
            v += f".{r.randint(0, 20)}"
        if r.random() < 0.1:
            v += f"~rc{r.randint(1, 4)}"
        v += f"-{r.randint(1, 12)}"
        if r.random() < 0.15:
            v += f"+deb12u{r.randint(1, 6)}"
        if r.random() < 0.1:
            v = f"{r.randint(1, 3)}:{v}"
        return v

    def status_file(self, installed, deinstalled=()):
        out = []
        for name in sorted(set(installed) | set(deinstalled)):
            version = self.deb_versions[name]
            state = "deinstall ok config-files" if name in deinstalled else "install ok installed"
            source = ""
            if name.startswith("lib") and not name.startswith("libbench"):
                src = name[3:].rstrip("0123456789.-") or name
                source = f"Source: {src}" + (f" ({version.split(':')[-1]}+b1)" if zlib.crc32(name.encode()) % 3 == 0 else "") + "\n"
            out.append(f"Package: {name}\nStatus: {state}\nPriority: optional\nSection: libs\n"
                       f"Installed-Size: {len(name) * 37}\nMaintainer: Debian Bench <bench@example.invalid>\n"
                       f"Architecture: amd64\nMulti-Arch: same\n{source}Version: {version}\n"
                       f"Depends: libc6 (>= 2.36)\nDescription: synthetic package {name}\n"
                       f" A package in the synthetic benchmark image. It is not real.\n .\n"
                       f" This paragraph makes the status file about as long as a real one.\n")
        return "\n".join(out).encode()

    # python -------------------------------------------------------------------------------------
    def py_version(self):
        r = self.rng
        v = f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 12)}"
        x = r.random()
        if x < 0.05:
            v += f"rc{r.randint(1, 3)}"
        elif x < 0.08:
            v += f".post{r.randint(1, 3)}"
        return v

    def py_package(self, li, name, n_files, version=None):
        version = version or self.py_version()
        norm = name.replace("-", "_")
        dist = f"{SITE}/{norm}-{version}.dist-info"
        pkg = f"{SITE}/{norm}"
        meta = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: synthetic {name}\n"
                f"License: MIT\nRequires-Python: >=3.9\n\nA synthetic distribution for the benchmark.\n").encode()
        self.add(li, ("data", f"{dist}/METADATA", meta))
        self.add(li, ("data", f"{dist}/WHEEL", b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
        self.add(li, ("data", f"{dist}/INSTALLER", b"pip\n"))
        self.add(li, ("data", f"{dist}/top_level.txt", f"{norm}\n".encode()))
        records = []
        subdirs = [""] + [f"{self.rng.choice(WORDS)}_{i}/" for i in range(max(1, n_files // 40))]
        for i in range(n_files):
            sub = self.rng.choice(subdirs)
            if self.rng.random() < 0.02:  # some deep paths (PAX long names)
                sub += "/".join(f"{self.rng.choice(WORDS)}_{self.rng.choice(WORDS)}" for _ in range(8)) + "/"
            path = f"{pkg}/{sub}{self.rng.choice(WORDS)}_{i}.py"
            self.text(li, path)
            records.append(f"{path[len(SITE) + 1:]},,")
        records.append(f"{dist[len(SITE) + 1:]}/RECORD,,")
        self.add(li, ("data", f"{dist}/RECORD", ("\n".join(records) + "\n").encode()))
        self.python[name] = (version, dist, pkg)
        return n_files + 5

    # the layers ---------------------------------------------------------------------------------
    def build(self):
        n, r = self.n, self.rng
        big_layers = [n - 9, n - 8, n - 7]
        pip_layers = list(range(3, n - 9))
        app_layers = [n - 6, n - 5]
        whiteout_layer, opaque_layer, extra_layer, last_layer = n - 4, n - 3, n - 2, n - 1
        # share of the small files: base 12 %, apt 6 %, stdlib 8 %, app 8 %, extra 4 %, pip the rest
        budget = {0: 0.12, 1: 0.06, 2: 0.08, app_layers[0]: 0.05, app_layers[1]: 0.03, extra_layer: 0.04,
                  opaque_layer: 0.01, last_layer: 0.002}
        rest = 1 - sum(budget.values())
        for li in pip_layers:
            budget[li] = rest / len(pip_layers)
        target = {li: int(self.files * share) for li, share in budget.items()}

        # 0: base
        names = list(DEB_NAMES) + [f"libbench{i}" for i in range(60)]
        self.deb_versions = {name: self.deb_version() for name in names}
        base_debs = names[:150]
        self.add(0, ("data", "etc/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                     b'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'))
        self.add(0, ("data", "etc/debian_version", b"12.8\n"))
        self.add(0, ("data", "var/lib/dpkg/status", self.status_file(base_debs)))
        for name in base_debs:
            self.text(0, f"var/lib/dpkg/info/{name}.list", r.randint(200, 4000))
            self.text(0, f"usr/share/doc/{name}/copyright", r.randint(500, 6000))
        for i in range(300):
            self.add(0, ("bin", f"usr/bin/{r.choice(WORDS)}-{i}", r.randint(8_000, 250_000)))
        for i in range(400):
            real = f"usr/lib/x86_64-linux-gnu/libsyn{i}.so.{i % 7}.{i % 3}.0"
            self.add(0, ("bin", real, r.randint(20_000, 400_000)))
            self.add(0, ("symlink", f"usr/lib/x86_64-linux-gnu/libsyn{i}.so.{i % 7}", real.rsplit("/", 1)[1]))
            if i % 40 == 0:
                self.add(0, ("hardlink", f"usr/lib/x86_64-linux-gnu/libsyn{i}-compat.so", real))
        while self.regular[0] < target[0]:
            self.text(0, f"usr/share/{r.choice(WORDS)}/{r.choice(WORDS)}/{r.choice(WORDS)}-{self.regular[0]}.txt")
        self.history.append("debootstrap bookworm (synthetic)")

        # 1: apt-get install, one package removed but its configuration kept
        installed = names[:200]
        gone = names[200:201]
        self.add(1, ("data", "var/lib/dpkg/status", self.status_file(installed, gone)))
        for name in installed[150:]:
            self.text(1, f"var/lib/dpkg/info/{name}.list", r.randint(200, 4000))
            self.text(1, f"usr/share/doc/{name}/copyright", r.randint(500, 6000))
        while self.regular[1] < target[1]:
            self.text(1, f"usr/share/{r.choice(WORDS)}/{r.choice(WORDS)}-{self.regular[1]}.h")
        self.deb = {name: self.deb_versions[name] for name in installed}
        self.history.append("RUN apt-get install -y python3 git curl ... (synthetic)")

        # 2: the standard library
        while self.regular[2] < target[2]:
            self.text(2, f"usr/lib/python3.11/{r.choice(WORDS)}/{r.choice(WORDS)}_{self.regular[2]}.py")
        self.history.append("COPY python3.11 stdlib (synthetic)")

        # 3..: pip install
        py_names = list(PY_NAMES) + [f"bench-pkg-{i}" for i in range(200)]
        pi = 0
        for li in pip_layers:
            while self.regular[li] < target[li] and pi < len(py_names):
                self.py_package(li, py_names[pi], max(5, min(target[li] - self.regular[li], r.randint(20, 900))))
                pi += 1
            while self.regular[li] < target[li]:  # out of names: more modules in the last package
                self.text(li, f"{SITE}/extra_{li}/mod_{self.regular[li]}.py")
            self.history.append(f"RUN pip install -r requirements-{li}.txt (synthetic)")

        # large binaries, ~2:1 compressible
        shares = [0.45, 0.35, 0.20]
        bigs = [("usr/local/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so", "usr/local/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so"),
                ("usr/local/lib/python3.11/site-packages/nvidia/cublas/lib/libcublasLt.so.12", "usr/local/lib/python3.11/site-packages/nvidia/cudnn/lib/libcudnn_engines_precompiled.so.9"),
                ("opt/data/shard-00001-of-00002.arrow", "opt/data/shard-00002-of-00002.arrow")]
        self.removed_big = bigs[2][1]
        for li, share, paths in zip(big_layers, shares, bigs):
            total = int(self.big_mb * MIB * share)
            self.add(li, ("big", paths[0], total * 2 // 3))
            self.add(li, ("big", paths[1], total - total * 2 // 3))
            self.text(li, f"opt/notes/layer-{li}.txt", 400)
            self.history.append(f"COPY large binaries {li} (synthetic)")

        # application
        for li in app_layers:
            while self.regular[li] < target[li]:
                self.text(li, f"opt/app/{r.choice(WORDS)}/{r.choice(WORDS)}/{r.choice(WORDS)}_{self.regular[li]}.py")
            self.history.append("COPY app/ /opt/app (synthetic)")

        # whiteouts: pip uninstall, docs, a large file, caches
        victims = [name for name in self.python if name.startswith("bench-pkg-")][:3] + ["tqdm"]
        for name in victims:
            if name in self.python:
                _, dist, pkg = self.python.pop(name)
                self.add(whiteout_layer, ("whiteout", dist))
                self.add(whiteout_layer, ("whiteout", pkg))
        for name in base_debs[:40]:
            self.add(whiteout_layer, ("whiteout", f"usr/share/doc/{name}/copyright"))
        self.add(whiteout_layer, ("whiteout", self.removed_big))
        self.text(whiteout_layer, "etc/pip.conf", 120)
        self.history.append("RUN pip uninstall -y ... && rm -rf /usr/share/doc/* (synthetic)")

        # opaque directory: the application replaced; one package upgraded
        self.add(opaque_layer, ("opaque", "opt/app"))
        while self.regular[opaque_layer] < target[opaque_layer]:
            self.text(opaque_layer, f"opt/app/{r.choice(WORDS)}_{self.regular[opaque_layer]}.py")
        upgraded = "requests" if "requests" in self.python else next(iter(self.python), None)
        if upgraded:
            self.add(opaque_layer, ("whiteout", self.python[upgraded][1]))
            self.py_package(opaque_layer, upgraded, 30, version="2.32.4")
        self.history.append("COPY app/ /opt/app && pip install -U requests (synthetic)")

        # extra pip layer (zstd when asked)
        while self.regular[extra_layer] < target[extra_layer] and pi < len(py_names):
            self.py_package(extra_layer, py_names[pi], max(5, min(target[extra_layer] - self.regular[extra_layer], r.randint(50, 600))))
            pi += 1
        while self.regular[extra_layer] < target[extra_layer]:
            self.text(extra_layer, f"{SITE}/extra_{extra_layer}/mod_{self.regular[extra_layer]}.py")
        self.history.append("RUN pip install -r requirements-extra.txt (synthetic)")

        # last touches
        self.add(last_layer, ("data", "opt/app/.env", b"# TEST-ONLY values for the benchmark image\n"
                              b"APP_MODE=production\nDATABASE_URL=postgres://bench:TEST-ONLY-not-a-password@db.invalid/app\n"))
        self.add(last_layer, ("data", "etc/bench/config.yaml", b"workers: 2\nport: 8080\n"))
        while self.regular[last_layer] < target[last_layer]:
            self.text(last_layer, f"etc/bench/conf.d/{r.choice(WORDS)}_{self.regular[last_layer]}.conf")
        self.history.append("COPY config (synthetic)")
        self.compression = ["gzip"] * n
        if self.zstd_layers:
            self.compression[extra_layer] = "zstd"
        return self


# ------------------------------------------------------------------------------------- content ---

def text_pool(seed):
    r = random.Random(f"lines-{seed}")
    lines = []
    for _ in range(6000):
        indent = "    " * r.randint(0, 3)
        words = r.choices(WORDS, k=r.randint(2, 12))
        lines.append(indent + " ".join(words) + r.choice(("", ":", ")", "(", " = 0", "  # " + r.choice(WORDS))))
    return lines


def block_pool(seed):
    """24 blocks of 1 MiB with different entropy (4–8 bits per byte, some zero runs): together
    they compress about 2:1 with gzip -6, like shared libraries and mixed-precision weights."""
    r = random.Random(f"blocks-{seed}")
    blocks = []
    for i in range(24):
        raw = r.randbytes(MIB)
        bits = (3, 4, 4, 5, 5, 6, 8)[i % 7]
        mask = (1 << bits) - 1
        data = bytearray(raw.translate(bytes((b & mask) for b in range(256))))
        if i % 4 == 0:  # zero runs
            for _ in range(64):
                at, length = r.randrange(MIB - 8192), r.randint(512, 8192)
                data[at:at + length] = bytes(length)
        blocks.append(bytes(data))
    return blocks


class BlockReader(io.RawIOBase):
    """A file of `size` bytes made of pool blocks in a seeded order (never held whole)."""

    def __init__(self, blocks, size, rng):
        self.blocks, self.left, self.rng = blocks, size, rng
        self.cur, self.pos = memoryview(b""), 0

    def readable(self):
        return True

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.left
        n = min(n, self.left)
        parts, want = [], n
        while want:
            if self.pos >= len(self.cur):
                self.cur, self.pos = memoryview(self.rng.choice(self.blocks)), self.rng.randrange(4096)
            take = min(want, len(self.cur) - self.pos)
            parts.append(self.cur[self.pos:self.pos + take])
            self.pos += take
            want -= take
        self.left -= n
        return b"".join(parts)


class Sink:
    """Counts and hashes the uncompressed tar and writes it compressed (gzip via zlib, or zstd via
    the `zstd` command), hashing what it writes."""

    def __init__(self, path, compression, level=6):
        self.diff = hashlib.sha256()
        self.size = 0
        self.compression = compression
        self.fh = open(path, "wb")
        if compression == "gzip":
            self.z = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip framing, mtime 0
        else:
            self.proc = subprocess.Popen(["zstd", "-q", "-3", "-c", "--no-check"], stdin=subprocess.PIPE, stdout=self.fh)

    def write(self, data):
        self.diff.update(data)
        self.size += len(data)
        if self.compression == "gzip":
            self.fh.write(self.z.compress(data))
        else:
            self.proc.stdin.write(data)
        return len(data)

    def close(self):
        if self.compression == "gzip":
            self.fh.write(self.z.flush())
            self.fh.close()
        else:
            self.proc.stdin.close()
            if self.proc.wait() != 0:
                raise SystemExit("zstd failed")
            self.fh.close()


def write_layer(job):
    index, entries, compression, seed, tmp = job
    rng = random.Random(f"layer-{seed}-{index}")
    lines = text_pool(seed)
    blocks = block_pool(seed) if any(e[0] in ("bin", "big") for e in entries) else None
    # level 1 where large binaries dominate: level 6 gains ~2 % there at a fifth of the speed
    sink = Sink(tmp, compression, 1 if any(e[0] == "big" for e in entries) else 6)
    tar = tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT)

    def info(name, kind=tarfile.REGTYPE, size=0, mode=0o644):
        ti = tarfile.TarInfo(name)
        ti.type, ti.size, ti.mode, ti.mtime = kind, size, mode, MTIME
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = "root"
        return ti

    entry_count = 0
    for e in entries:
        kind, path = e[0], e[1]
        entry_count += 1
        if kind == "dir":
            tar.addfile(info(path, tarfile.DIRTYPE, mode=0o755))
        elif kind == "text":
            size = e[2]
            body = "\n".join(rng.choices(lines, k=size // 30 + 2)).encode()[:size]
            tar.addfile(info(path, size=len(body)), io.BytesIO(body))
        elif kind == "data":
            tar.addfile(info(path, size=len(e[2])), io.BytesIO(e[2]))
        elif kind in ("bin", "big"):
            tar.addfile(info(path, size=e[2], mode=0o755), BlockReader(blocks, e[2], rng))
        elif kind == "symlink":
            ti = info(path, tarfile.SYMTYPE, mode=0o777)
            ti.linkname = e[2]
            tar.addfile(ti)
        elif kind == "hardlink":
            ti = info(path, tarfile.LNKTYPE)
            ti.linkname = e[2]
            tar.addfile(ti)
        elif kind == "whiteout":
            head, _, tail = path.rpartition("/")
            tar.addfile(info(f"{head}/.wh.{tail}" if head else f".wh.{tail}"), io.BytesIO(b""))
        elif kind == "opaque":
            tar.addfile(info(f"{path}/.wh..wh..opq"), io.BytesIO(b""))
        else:
            raise ValueError(kind)
    tar.close()
    sink.close()
    digest = hashlib.sha256()
    with open(tmp, "rb") as fh:
        for chunk in iter(lambda: fh.read(4 * MIB), b""):
            digest.update(chunk)
    return index, "sha256:" + digest.hexdigest(), "sha256:" + sink.diff.hexdigest(), os.path.getsize(tmp), sink.size, entry_count


# ---------------------------------------------------------------------------------------- main ---

def put_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as fh:
        fh.write(data)
    return "sha256:" + digest, len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--layers", type=int, default=24)
    ap.add_argument("--files", type=int, default=110000, help="regular files in all layers together (about)")
    ap.add_argument("--big-mb", type=int, default=640, help="MiB of large binary files")
    ap.add_argument("--zstd-layers", type=int, choices=(0, 1), default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    if args.zstd_layers and not shutil.which("zstd"):
        raise SystemExit("the zstd command is needed for --zstd-layers 1 (apt-get install zstd)")

    plan = Plan(args.seed, args.layers, args.files, args.big_mb, args.zstd_layers).build()
    oci = os.path.join(args.out, "oci")
    shutil.rmtree(oci, ignore_errors=True)
    blobs = os.path.join(oci, "blobs", "sha256")
    os.makedirs(blobs)
    jobs = [(i, plan.layers[i], plan.compression[i], args.seed, os.path.join(oci, f"layer-{i}.tmp")) for i in range(plan.n)]
    jobs.sort(key=lambda j: -sum(e[2] if e[0] in ("big", "bin", "text") else 100 for e in j[1]))  # big first
    results = {}
    with Pool(max(1, args.jobs)) as pool:
        for res in pool.imap_unordered(write_layer, jobs):
            results[res[0]] = res
            print(f"  layer {res[0]:2d}: {res[4] / 1e6:8.1f} MB tar, {res[3] / 1e6:8.1f} MB {plan.compression[res[0]]}, {res[5]} entries", file=sys.stderr)

    layers, diff_ids, rows = [], [], []
    for i in range(plan.n):
        _, digest, diff_id, csize, usize, entries = results[i]
        path = os.path.join(blobs, digest.split(":")[1])
        os.replace(os.path.join(oci, f"layer-{i}.tmp"), path)
        media = "application/vnd.oci.image.layer.v1.tar+" + plan.compression[i]
        layers.append({"mediaType": media, "digest": digest, "size": csize})
        diff_ids.append(diff_id)
        rows.append(f"{i}\t{path}\t{plan.compression[i]}\t{csize}\t{usize}\t{entries}\t{plan.regular[i]}")

    config = {
        "created": "2023-11-14T22:13:20Z", "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
                   "Entrypoint": ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"], "WorkingDir": "/opt/app",
                   "User": "10001:10001", "ExposedPorts": {"8080/tcp": {}},
                   "Labels": {"org.opencontainers.image.title": "bulwark-bench-synthetic"}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": h} for h in plan.history],
    }
    cfg_digest, cfg_size = put_blob(blobs, json.dumps(config, indent=2, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_size},
                "layers": layers}
    man_digest, man_size = put_blob(blobs, json.dumps(manifest, indent=2).encode())
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": man_digest, "size": man_size,
                            "platform": {"architecture": "amd64", "os": "linux"},
                            "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}
    with open(os.path.join(oci, "index.json"), "w") as fh:
        json.dump(index, fh, indent=2)
    with open(os.path.join(oci, "oci-layout"), "w") as fh:
        fh.write('{"imageLayoutVersion": "1.0.0"}')
    with open(os.path.join(args.out, "layers.tsv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    expected = {
        "seed": args.seed, "layers": plan.n, "manifest": man_digest,
        "regular_files": sum(plan.regular), "entries": sum(r[5] for r in results.values()),
        "uncompressed_bytes": sum(r[4] for r in results.values()), "compressed_bytes": sum(r[3] for r in results.values()),
        "deb": dict(sorted(plan.deb.items())),
        "python": {name: v[0] for name, v in sorted(plan.python.items())},
    }
    with open(os.path.join(args.out, "expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1)
    print(f"{plan.n} layers, {expected['regular_files']} regular files ({expected['entries']} tar entries), "
          f"{expected['uncompressed_bytes'] / 1e9:.2f} GB uncompressed, {expected['compressed_bytes'] / 1e9:.2f} GB compressed; "
          f"{len(plan.deb)} dpkg + {len(plan.python)} Python packages; manifest {man_digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
