#!/usr/bin/env python3
"""Build assets/regions/id-idn-area-data-<version>.tsv.gz from the npm package idn-area-data.

Usage (from anywhere; see assets/regions/README.md for the full rebuild steps):

    cd "$(mktemp -d)" && npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-4.0.1.tgz
    python3 /work/main/tools/regions/build_regions.py "$PWD/package"

SOURCE may be the unpacked package directory (the one holding package.json and data/), the
directory that holds that `package/` directory, or the .tgz from `npm pack` itself.
Standard library only; the output is byte-identical across runs.

What it does:
  * reads data/provinces.csv, regencies.csv, districts.csv, villages.csv (islands.csv is
    ignored) with the csv module, so CSV quoting is undone (`"Ra""as"` -> `Ra"as`);
  * codes are written in the dotted Kepmendagri form `11`, `11.01`, `11.01.01`,
    `11.01.01.2001`. Version 4.0.1 already stores them that way; undotted codes (`1101`,
    `110101`, `1101012001`) would be converted, and the run reports how many were;
  * names are kept exactly as in the CSV (no case change, no trimming);
  * checks: header of each CSV, code format per level, the parent column equals the code
    minus its last segment, codes unique, every parent exists, no empty name, no tab/CR/LF
    in any field, and the row count per level against the counts expected for the version;
  * writes the TSV (header `code\tparent\tlevel\tname`, sorted by code, which for these
    fixed-width codes puts each parent right before its children) and
    assets/regions/LICENSE-idn-area-data.txt (the package's data licence, ODbL 1.0, and its
    MIT licence for the code).

Exit status 1 on any failed check, in which case nothing is written.
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regions_tsv as rt  # noqa: E402

PACKAGE = "idn-area-data"
LEVELS = ("province", "regency", "district", "village")
# file, parent column, dotted code pattern, undotted length
SOURCES = {
    "province": ("provinces.csv", None, r"\d{2}", 2),
    "regency": ("regencies.csv", "province_code", r"\d{2}\.\d{2}", 4),
    "district": ("districts.csv", "regency_code", r"\d{2}\.\d{2}\.\d{2}", 6),
    "village": ("villages.csv", "district_code", r"\d{2}\.\d{2}\.\d{2}\.\d{4}", 10),
}
SEGMENTS = (2, 2, 2, 4)
EXPECTED = {
    "4.0.1": {"province": 38, "regency": 514, "district": 7285, "village": 83762},
}
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "assets", "regions")


class Source:
    """Files of the package, from a directory or straight from the npm tarball."""

    def __init__(self, path):
        self.tar = None
        self.dir = None
        if os.path.isfile(path) and tarfile.is_tarfile(path):
            self.tar = tarfile.open(path, "r:*")
        elif os.path.isfile(os.path.join(path, "package.json")):
            self.dir = path
        elif os.path.isfile(os.path.join(path, "package", "package.json")):
            self.dir = os.path.join(path, "package")
        else:
            raise rt.BuildError(f"{path}: neither an npm tarball nor a directory with package.json")

    def read(self, rel):
        if self.tar is not None:
            try:
                member = self.tar.extractfile("package/" + rel)
            except KeyError:
                member = None
            if member is None:
                raise rt.BuildError(f"package/{rel} not in tarball")
            return member.read()
        full = os.path.join(self.dir, rel)
        if not os.path.isfile(full):
            raise rt.BuildError(f"{full} not found")
        with open(full, "rb") as f:
            return f.read()


def dotted(code, level):
    """Return (dotted code, converted?) or raise."""
    _, _, pattern, length = SOURCES[level]
    if re.fullmatch(pattern, code):
        return code, False
    if re.fullmatch(r"\d{%d}" % length, code):
        parts, pos = [], 0
        for width in SEGMENTS[: LEVELS.index(level) + 1]:
            parts.append(code[pos : pos + width])
            pos += width
        return ".".join(parts), True
    raise rt.BuildError(f"{level} code {code!r} matches neither {pattern} nor {length} digits")


def read_level(src, level):
    fname, parent_col, _, _ = SOURCES[level]
    text = src.read("data/" + fname).decode("utf-8")
    if text.startswith("\ufeff"):
        raise rt.BuildError(f"{fname}: unexpected byte-order mark")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    want = ["code", "name"] if parent_col is None else ["code", parent_col, "name"]
    if sorted(reader.fieldnames or []) != sorted(want):
        raise rt.BuildError(f"{fname}: header {reader.fieldnames}, expected columns {want}")
    rows, converted = [], 0
    for n, rec in enumerate(reader, start=2):
        if None in rec or any(v is None for v in rec.values()):
            raise rt.BuildError(f"{fname} line {n}: wrong number of fields: {rec}")
        code, conv = dotted(rec["code"], level)
        converted += conv
        parent = ""
        if parent_col is not None:
            parent, conv = dotted(rec[parent_col], LEVELS[LEVELS.index(level) - 1])
            converted += conv
            if code.rsplit(".", 1)[0] != parent:
                raise rt.BuildError(f"{fname} line {n}: code {code} not under parent {parent}")
        rows.append((code, parent, level, rec["name"]))
    return rows, converted


def licence_text(src, version):
    data_licence = src.read("data/LICENSE.md").decode("utf-8")
    code_licence = src.read("LICENSE").decode("utf-8")
    return (
        f"Licence texts shipped in the npm package {PACKAGE}@{version}\n"
        "(https://github.com/fityannugroho/idn-area-data), copied verbatim.\n"
        "\n"
        "The data (and so id-idn-area-data-*.tsv.gz, a Derivative Database of it) is under the\n"
        "Open Database License (ODbL) v1.0, https://opendatacommons.org/licenses/odbl/1-0/\n"
        "(package file data/LICENSE.md, first part below). The package's code is under the MIT\n"
        "License (package file LICENSE, second part below); the app ships none of that code.\n"
        "\n"
        "==================== data/LICENSE.md ====================\n"
        "\n"
        + data_licence.rstrip("\n")
        + "\n\n==================== LICENSE ====================\n\n"
        + code_licence.rstrip("\n")
        + "\n"
    )


def build(source, out_dir):
    src = Source(source)
    meta = json.loads(src.read("package.json"))
    if meta.get("name") != PACKAGE:
        raise rt.BuildError(f"package.json name is {meta.get('name')!r}, expected {PACKAGE!r}")
    version = meta.get("version")
    if version not in EXPECTED:
        raise rt.BuildError(
            f"{PACKAGE} version {version!r} has no expected counts; add them to EXPECTED "
            f"(known: {sorted(EXPECTED)})"
        )
    print(f"source: {PACKAGE}@{version} ({source})")

    rows, converted = [], 0
    for level in LEVELS:
        level_rows, conv = read_level(src, level)
        rows.extend(level_rows)
        converted += conv
    print(f"codes converted from undotted to dotted form: {converted}")

    rows.sort(key=lambda r: r[0])
    rt.check_tree(rows, LEVELS)

    counts = rt.count_levels(rows, LEVELS)
    expected = EXPECTED[version]
    ok = True
    for level in LEVELS:
        mark = "ok" if counts[level] == expected[level] else f"MISMATCH, expected {expected[level]}"
        ok &= counts[level] == expected[level]
        print(f"  {level:<9} {counts[level]:>6}  {mark}")
    print(f"  {'total':<9} {len(rows):>6}")
    if not ok:
        raise rt.BuildError("row counts differ from the expected counts")

    data = rt.tsv_bytes(rows)
    out = os.path.join(out_dir, f"id-{PACKAGE}-{version}.tsv.gz")
    rt.write_gz(out, data)
    lic = os.path.join(out_dir, "LICENSE-idn-area-data.txt")
    rt.write_bytes(lic, licence_text(src, version).encode("utf-8"))
    print(f"wrote {out} ({os.path.getsize(out)} bytes; {len(data)} bytes uncompressed)")
    print(f"wrote {lic}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="unpacked idn-area-data package directory, or the npm .tgz")
    ap.add_argument("--out-dir", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    args = ap.parse_args()
    try:
        build(args.source, args.out_dir)
    except rt.BuildError as e:
        rt.die(str(e))


if __name__ == "__main__":
    main()
