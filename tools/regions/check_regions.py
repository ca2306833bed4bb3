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
Kalimantan Selatan) and prints its code and the number of its districts and villages.

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
}


def check(path):
    errors = []
    prefix = os.path.basename(path).split("-", 1)[0]
    levels = LEVELS.get(prefix)
    if levels is None:
        return [f"unknown country prefix {prefix!r} (expected one of {sorted(LEVELS)})"]
    rank = {lv: i for i, lv in enumerate(levels)}
    raw = gzip.decompress(open(path, "rb").read())
    text = raw.decode("utf-8")
    print(f"== {os.path.relpath(path)}: {os.path.getsize(path)} bytes gzip, {len(raw)} bytes TSV")
    if not text.endswith("\n") or "\r" in text:
        errors.append("file must use LF line endings and end with LF")
    lines = text.rstrip("\n").split("\n")
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
    return errors


def main():
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(REPO_ROOT, "assets", "regions", "*.tsv.gz")))
    if not paths:
        print("no region files found", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        errors = check(path)
        for e in errors:
            print(f"FAIL {os.path.basename(path)}: {e}")
        failed += bool(errors)
        print()
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
