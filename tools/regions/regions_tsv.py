"""Shared helpers for the region builders in tools/regions/ (standard library only).

The output format, read by the app, is a gzip-compressed UTF-8 TSV:

    code<TAB>parent<TAB>level<TAB>name<LF>

with that header line first, one line per region, `parent` empty for the top level, LF line
endings and a final LF. There is no quoting or escaping of any kind: the builders refuse to
write a field that contains a tab, CR or LF, so every line splits into exactly four fields on
'\t'. Other characters, including '"', are literal (a few Indonesian names contain '"').

The gzip stream is written with mtime=0 and no embedded file name, so a rebuild from the same
input is byte-identical.
"""

import gzip
import io
import os
import sys

HEADER = ("code", "parent", "level", "name")
FORBIDDEN = ("\t", "\r", "\n")


class BuildError(Exception):
    pass


def check_field(value, what):
    if not isinstance(value, str):
        raise BuildError(f"{what}: not a string: {value!r}")
    for ch in FORBIDDEN:
        if ch in value:
            raise BuildError(f"{what}: contains {ch!r}: {value!r}")


def tsv_bytes(rows):
    """rows: iterable of (code, parent, level, name), already in output order."""
    out = io.StringIO(newline="")
    out.write("\t".join(HEADER) + "\n")
    for i, row in enumerate(rows):
        if len(row) != 4:
            raise BuildError(f"row {i}: expected 4 fields, got {row!r}")
        for name, value in zip(HEADER, row):
            check_field(value, f"row {i} ({row[0]!r}) field {name}")
        out.write("\t".join(row) + "\n")
    return out.getvalue().encode("utf-8")


def write_gz(path, data):
    """Write bytes as a deterministic gzip file (mtime=0, no file name), atomically."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    write_bytes(path, buf.getvalue())


def write_bytes(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def check_tree(rows, levels):
    """Structural checks shared by both countries.

    rows: list of (code, parent, level, name); levels: level names, top first.
    Checks unique codes, known levels, top level has no parent, every other row's parent
    exists and is exactly one level up, no empty names. Raises BuildError on the first
    kind of problem found (listing up to 10 examples).
    """
    rank = {lv: i for i, lv in enumerate(levels)}
    by_code = {}
    dups = []
    for row in rows:
        if row[0] in by_code:
            dups.append(row[0])
        by_code[row[0]] = row
    problems = []
    if dups:
        problems.append(f"duplicate codes: {dups[:10]}")
    bad = []
    for code, parent, level, name in rows:
        if level not in rank:
            bad.append(f"{code}: unknown level {level!r}")
        elif rank[level] == 0:
            if parent:
                bad.append(f"{code}: top-level row has parent {parent!r}")
        elif parent not in by_code:
            bad.append(f"{code}: parent {parent!r} missing")
        elif rank.get(by_code[parent][2]) != rank[level] - 1:
            bad.append(f"{code}: parent {parent!r} is a {by_code[parent][2]}, not one level up")
        if not name.strip():
            bad.append(f"{code}: empty name")
    if bad:
        problems.append(f"{len(bad)} structural problems, e.g. {bad[:10]}")
    if problems:
        raise BuildError("; ".join(problems))


def count_levels(rows, levels):
    counts = {lv: 0 for lv in levels}
    for row in rows:
        counts[row[2]] += 1
    return counts


def die(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)
