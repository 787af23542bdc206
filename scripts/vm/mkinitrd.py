#!/usr/bin/env python3
"""Builds the guest's initramfs: a gzip'd `newc` cpio with a static busybox, the init script and the
kernel modules the guest needs to mount the host over virtio-9p (virtio_pci, 9pnet_virtio, 9p and
whatever they depend on: virtio, virtio_ring, 9pnet, netfs, fscache, ...).

Written with the Python standard library only because a fresh machine has neither `cpio` nor
`depmod` (kmod), and Debian's kernel package ships no modules.dep (depmod generates it at install).
Dependencies are therefore read from modules.dep when it exists, otherwise from each module's
`.modinfo` (`depends=` and `name=` strings), which is what depmod itself reads.

Usage: mkinitrd.py --kroot DIR --busybox FILE --init FILE --out FILE [--module NAME ...]
The modules are stored under /lib/modules and listed in load order (dependencies first) in
/lib/modules/load-order, which the init script insmods one by one.
"""
import argparse
import gzip
import lzma
import os
import re
import sys
from pathlib import Path

DEFAULT_MODULES = ["virtio_pci", "9pnet_virtio", "9p"]


def norm(name: str) -> str:
    return name.replace("-", "_")


def module_stem(path: Path) -> str:
    name = path.name
    for suffix in (".ko.xz", ".ko.zst", ".ko.gz", ".ko"):
        if name.endswith(suffix):
            return norm(name[: -len(suffix)])
    return norm(name)


def read_module(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".xz"):
        return lzma.decompress(data)
    if path.name.endswith(".gz"):
        return gzip.decompress(data)
    if path.name.endswith(".zst"):
        raise SystemExit(f"mkinitrd: {path}: zstd-compressed modules are not supported (no zstd in the stdlib)")
    return data


def modinfo_depends(data: bytes) -> list[str]:
    # .modinfo holds NUL-separated key=value strings; `depends=` is a comma list of module names.
    match = re.search(rb"(?:^|\x00)depends=([^\x00]*)\x00", data)
    if not match or not match.group(1):
        return []
    return [norm(d.decode()) for d in match.group(1).split(b",") if d]


def dependency_map(moddir: Path) -> tuple[dict[str, Path], dict[str, list[str]]]:
    paths: dict[str, Path] = {}
    deps: dict[str, list[str]] = {}
    dep_file = moddir / "modules.dep"
    if dep_file.exists():
        for line in dep_file.read_text().splitlines():
            if ":" not in line:
                continue
            target, rest = line.split(":", 1)
            p = moddir / target
            paths[module_stem(p)] = p
            deps[module_stem(p)] = [module_stem(Path(d)) for d in rest.split()]
        return paths, deps
    for p in moddir.rglob("*.ko*"):
        paths[module_stem(p)] = p
    return paths, deps


def load_order(wanted: list[str], paths: dict[str, Path], deps: dict[str, list[str]], builtin: set[str]) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order or name in builtin:
            return
        if name not in paths:
            raise SystemExit(f"mkinitrd: module {name} not found under the kernel's module tree")
        if name in visiting:
            raise SystemExit(f"mkinitrd: dependency cycle at {name}")
        visiting.add(name)
        if name not in deps:
            deps[name] = modinfo_depends(read_module(paths[name]))
        for dep in deps[name]:
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in wanted:
        visit(norm(name))
    return order


class Cpio:
    """A `newc` (SVR4, no CRC) archive writer: 110-byte ASCII headers, 4-byte alignment."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.ino = 1

    def _entry(self, name: str, mode: int, data: bytes = b"", nlink: int = 1) -> None:
        namebytes = name.encode() + b"\x00"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(namebytes), 0]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields) + namebytes
        self.out += b"\x00" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\x00" * (-len(self.out) % 4)

    def directory(self, name: str) -> None:
        self._entry(name, 0o040755, nlink=2)

    def file(self, name: str, data: bytes, mode: int = 0o644) -> None:
        self._entry(name, 0o100000 | mode, data)

    def symlink(self, name: str, target: str) -> None:
        self._entry(name, 0o120777, target.encode())

    def finish(self) -> bytes:
        self._entry("TRAILER!!!", 0)
        return bytes(self.out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kroot", required=True, type=Path, help="the unpacked linux-image package")
    ap.add_argument("--busybox", required=True, type=Path, help="a static busybox binary")
    ap.add_argument("--init", required=True, type=Path, help="the init script")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--module", action="append", dest="modules", help="a module to include (default: %s)" % DEFAULT_MODULES)
    args = ap.parse_args()

    versions = sorted((args.kroot / "lib/modules").iterdir())
    if len(versions) != 1:
        print(f"mkinitrd: expected one kernel under {args.kroot}/lib/modules, found {len(versions)}", file=sys.stderr)
        return 1
    moddir = versions[0]
    builtin_file = moddir / "modules.builtin"
    builtin = {module_stem(Path(l)) for l in builtin_file.read_text().split()} if builtin_file.exists() else set()
    paths, deps = dependency_map(moddir)
    order = load_order(args.modules or DEFAULT_MODULES, paths, deps, builtin)

    cpio = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "newroot", "lib", "lib/modules", "etc"):
        cpio.directory(d)
    cpio.file("bin/busybox", args.busybox.read_bytes(), 0o755)
    cpio.symlink("bin/sh", "busybox")
    cpio.file("init", args.init.read_bytes(), 0o755)
    for name in order:
        cpio.file(f"lib/modules/{name}.ko", read_module(paths[name]))
    cpio.file("lib/modules/load-order", "".join(f"{n}\n" for n in order).encode())
    args.out.write_bytes(gzip.compress(cpio.finish(), 6))
    print(f"initramfs: {args.out} ({args.out.stat().st_size // 1024} KiB), modules: {' '.join(order)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
