#!/usr/bin/env python3
"""Check the shipped region files in assets/regions/ (standard library only).

    python3 tools/regions/check_regions.py [FILE.tsv.gz ...]

Default: every *.tsv.gz in assets/regions/. For each file it decompresses the data, then
checks the header `code\tparent\tlevel\tname`, that every line has exactly 4 fields, that
codes are unique, that the file is in the order the builders write (every parent before its
children), that every non-top-level row's parent exists and is exactly one level up, and that
no name is empty or has leading/trailing whitespace. It prints the size, the counts per level
and 5 sample lines (the first row of each level, the rest spread over the file).

For the Indonesian file (id-*.tsv.gz) it also looks up Kabupaten Tapin (province 63,
Kalimantan Selatan) and prints its code and the number of its districts and villages. Vietnam's
units from 1 July 2025 (vn-2025-*.tsv.gz) have two levels, province and commune; their communes
are also counted by type (xã, phường, đặc khu).

A successors file (*-successors.tsv.gz, Vietnam's old-to-new conversion table) is checked
apart: the header `old_code\told_name\told_district\told_province\tnew_code\tmerge`, 6 fields
a line, 5-digit codes, rows sorted by old_code then new_code with no pair twice, merge one of
whole/part/kept, `part` on every row of an old code that has several new codes, no empty field
or outer whitespace, and every new_code a commune of the units file of the same name without
`-successors`. It prints the counts, 5 sample lines and the successors of old code 00004.

Exit status 1 when any check fails.
"""

import gzip
import glob
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEVELS = {
    "id": ("province", "regency", "district", "village"),
    "vn": ("province", "district", "commune"),
    "vn-2025": ("province", "commune"),
}
SUCC_HEADER = "old_code\told_name\told_district\told_province\tnew_code\tmerge"
SUCC_SUFFIX = "-successors.tsv.gz"
VN2025_TYPES = ("Xã", "Phường", "Đặc khu")


def kind(path):
    """The LEVELS key for a file: vn-2025-* for Vietnam from 1 July 2025, else the prefix."""
    base = os.path.basename(path)
    return "vn-2025" if base.startswith("vn-2025-") else base.split("-", 1)[0]


def read_lines(path, errors):
    raw = gzip.decompress(open(path, "rb").read())
    text = raw.decode("utf-8")
    print(f"== {os.path.relpath(path)}: {os.path.getsize(path)} bytes gzip, {len(raw)} bytes TSV")
    if not text.endswith("\n") or "\r" in text:
        errors.append("file must use LF line endings and end with LF")
    return text.rstrip("\n").split("\n")


def check(path):
    errors = []
    prefix = kind(path)
    levels = LEVELS.get(prefix)
    if levels is None:
        return [f"unknown country prefix {prefix!r} (expected one of {sorted(LEVELS)})"]
    rank = {lv: i for i, lv in enumerate(levels)}
    lines = read_lines(path, errors)
    if lines[0] != "code\tparent\tlevel\tname":
        errors.append(f"bad header {lines[0]!r}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 4:
            errors.append(f"line {n}: {len(fields)} fields")
            continue
        rows.append(tuple(fields))

    seen = {}
    counts = {lv: 0 for lv in levels}
    bad = []
    for code, parent, level, name in rows:
        if code in seen:
            bad.append(f"duplicate code {code}")
        if level not in rank:
            bad.append(f"{code}: unknown level {level!r}")
            continue
        counts[level] += 1
        if rank[level] == 0:
            if parent:
                bad.append(f"{code}: top level with parent {parent!r}")
        elif parent not in seen:
            bad.append(f"{code}: parent {parent!r} missing or after its child")
        elif rank[seen[parent]] != rank[level] - 1:
            bad.append(f"{code}: parent {parent} is a {seen[parent]}")
        if not name or name != name.strip():
            bad.append(f"{code}: empty name or outer whitespace {name!r}")
        seen[code] = level
    if bad:
        errors.append(f"{len(bad)} row problems, e.g. {bad[:10]}")

    print("counts: " + ", ".join(f"{lv} {counts[lv]}" for lv in levels) + f", total {len(rows)}")
    print(f"codes unique: {len(seen) == len(rows)}; parents present: {not bad}")
    # 5 samples: the first row of each level, then rows evenly spread over the file.
    picks = []
    for lv in levels:
        picks += [i for i, r in enumerate(rows) if r[2] == lv][:1]
    step = len(rows) // (5 - len(picks) + 1)
    picks += [step * (k + 1) for k in range(5 - len(picks))]
    print("sample lines:")
    for i in sorted(set(picks)):
        print("  " + "\t".join(rows[i]))

    if prefix == "id":
        tapin = [r for r in rows if r[2] == "regency" and r[1] == "63" and "Tapin" in r[3]]
        if len(tapin) != 1:
            errors.append(f"expected one regency named Tapin in province 63, found {tapin}")
        else:
            code = tapin[0][0]
            districts = [r for r in rows if r[2] == "district" and r[1] == code]
            villages = [r for r in rows if r[2] == "village" and r[0].startswith(code + ".")]
            kel = sum(1 for r in villages if r[0].rsplit(".", 1)[1].startswith("1"))
            print(
                f"{tapin[0][3]}: code {code}, {len(districts)} districts, {len(villages)} villages"
                f" ({kel} codes 1xxx = kelurahan, {len(villages) - kel} codes 2xxx = desa);"
                f" village codes {villages[0][0]} .. {villages[-1][0]}"
            )
    if prefix == "vn-2025":
        types = {t: 0 for t in VN2025_TYPES}
        untyped = []
        for r in rows:
            t = next((t for t in VN2025_TYPES if r[3].startswith(t + " ")), None)
            if r[2] == "commune":
                if t is None:
                    untyped.append(f"{r[0]} {r[3]!r}")
                    continue
                types[t] += 1
        print("communes by type: " + ", ".join(f"{t.lower()} {n}" for t, n in types.items()))
        if untyped:
            errors.append(f"{len(untyped)} communes without xã/phường/đặc khu, e.g. {untyped[:10]}")
    return errors


def check_successors(path):
    errors = []
    units = path[: -len(SUCC_SUFFIX)] + ".tsv.gz"
    lines = read_lines(path, errors)
    if lines[0] != SUCC_HEADER:
        errors.append(f"bad header {lines[0]!r}")
    communes = set()
    if os.path.exists(units):
        for line in gzip.decompress(open(units, "rb").read()).decode("utf-8").split("\n")[1:]:
            f = line.split("\t")
            if len(f) == 4 and f[2] == "commune":
                communes.add(f[0])
    else:
        errors.append(f"no units file {os.path.basename(units)} beside it")
    rows, bad = [], []
    for n, line in enumerate(lines[1:], start=2):
        f = line.split("\t")
        if len(f) != 6:
            errors.append(f"line {n}: {len(f)} fields")
            continue
        rows.append(tuple(f))
        old, new, merge = f[0], f[4], f[5]
        if not (old.isdigit() and len(old) == 5 and new.isdigit() and len(new) == 5):
            bad.append(f"line {n}: bad code {old!r} or {new!r}")
        if merge not in ("whole", "part", "kept"):
            bad.append(f"line {n}: merge {merge!r}")
        if any(not v or v != v.strip() for v in f):
            bad.append(f"line {n}: empty field or outer whitespace")
        if communes and new not in communes:
            bad.append(f"line {n}: new_code {new} is not a commune of {os.path.basename(units)}")
    keys = [(r[0], r[4]) for r in rows]
    if keys != sorted(set(keys)):
        bad.append("rows not sorted by (old_code, new_code) or a pair repeated")
    succ = {}
    for r in rows:
        succ.setdefault(r[0], []).append(r)
    for old, rs in succ.items():
        if len(rs) > 1 and any(r[5] != "part" for r in rs):
            bad.append(f"{old}: {len(rs)} new codes but not all `part`")
    if bad:
        errors.append(f"{len(bad)} row problems, e.g. {bad[:10]}")
    merges = {m: sum(1 for r in rows if r[5] == m) for m in ("whole", "part", "kept")}
    print(
        f"rows {len(rows)}, old communes {len(succ)} ({sum(len(v) > 1 for v in succ.values())}"
        f" with several new communes), new communes {len({r[4] for r in rows})} of"
        f" {len(communes)}; " + ", ".join(f"{m} {n}" for m, n in merges.items())
    )
    print("sample lines:")
    for i in range(0, len(rows), max(1, len(rows) // 5))[:5]:
        print("  " + "\t".join(rows[i]))
    print("old 00004 -> " + ", ".join(f"{r[4]} {r[5]}" for r in succ.get("00004", [])))
    return errors


def main():
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(REPO_ROOT, "assets", "regions", "*.tsv.gz")))
    if not paths:
        print("no region files found", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        errors = check_successors(path) if path.endswith(SUCC_SUFFIX) else check(path)
        for e in errors:
            print(f"FAIL {os.path.basename(path)}: {e}")
        failed += bool(errors)
        print()
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
