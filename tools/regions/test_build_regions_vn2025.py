#!/usr/bin/env python3
"""Tests of build_regions_vn2025.py against the committed conversion table (standard library only).

    python3 -m unittest discover -s tools/regions -p 'test_*.py'

The converter runs on tools/regions/sources/vn-old-to-new-2025-07.csv.gz into a temporary
folder: its two files must be byte-identical to the ones in assets/regions/, hold the official
counts, and agree with the table on a few units checked by hand. Broken copies of the table
(a commune in a province that does not exist, a commune missing, a blank note) must make it
exit 1 and write nothing.
"""

import csv
import gzip
import io
import os
import subprocess
import sys
import tempfile
import unicodedata
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CONVERTER = os.path.join(HERE, "build_regions_vn2025.py")
SOURCE = os.path.join(HERE, "sources", "vn-old-to-new-2025-07.csv.gz")
ASSETS = os.path.join(REPO_ROOT, "assets", "regions")
UNITS = "vn-2025-07.tsv.gz"
SUCCESSORS = "vn-2025-07-successors.tsv.gz"


def run(source, out_dir):
    return subprocess.run(
        [sys.executable, CONVERTER, source, "--out-dir", out_dir],
        capture_output=True,
        text=True,
    )


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tidy(value):
    return unicodedata.normalize("NFC", " ".join(value.split()))


def read_tsv(path):
    lines = gzip.decompress(read_bytes(path)).decode("utf-8").rstrip("\n").split("\n")
    return lines[0].split("\t"), [tuple(line.split("\t")) for line in lines[1:]]


def source_records():
    text = gzip.decompress(read_bytes(SOURCE)).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


class ConverterOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.result = run(SOURCE, cls.tmp.name)
        if cls.result.returncode != 0:
            raise AssertionError(f"converter failed:\n{cls.result.stdout}\n{cls.result.stderr}")
        cls.units_header, cls.units = read_tsv(os.path.join(cls.tmp.name, UNITS))
        cls.succ_header, cls.succ = read_tsv(os.path.join(cls.tmp.name, SUCCESSORS))
        cls.by_code = {r[0]: r for r in cls.units}
        cls.successors = {}
        for r in cls.succ:
            cls.successors.setdefault(r[0], []).append(r)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_outputs_are_the_committed_assets(self):
        for name in (UNITS, SUCCESSORS):
            with self.subTest(name=name):
                built = read_bytes(os.path.join(self.tmp.name, name))
                shipped = read_bytes(os.path.join(ASSETS, name))
                self.assertEqual(built, shipped, f"rebuild {name} with tools/regions/rebuild.sh")
        self.assertEqual(sorted(os.listdir(self.tmp.name)), sorted([UNITS, SUCCESSORS]))

    def test_counts(self):
        self.assertEqual(self.units_header, ["code", "parent", "level", "name"])
        levels = [r[2] for r in self.units]
        self.assertEqual(levels.count("province"), 34)
        self.assertEqual(levels.count("commune"), 3321)
        types = {}
        for r in self.units:
            if r[2] == "commune":
                t = next(t for t in ("Xã ", "Phường ", "Đặc khu ") if r[3].startswith(t))
                types[t] = types.get(t, 0) + 1
        self.assertEqual(types, {"Xã ": 2621, "Phường ": 687, "Đặc khu ": 13})

    def test_order_province_then_its_communes(self):
        province = None
        seen = []
        for code, parent, level, _ in self.units:
            if level == "province":
                self.assertEqual(parent, "")
                self.assertRegex(code, r"^\d{2}$")
                province = code
                seen.append(code)
            else:
                self.assertRegex(code, r"^\d{5}$")
                self.assertEqual(parent, province, code)
        self.assertEqual(seen, sorted(seen))
        for p in seen:
            codes = [r[0] for r in self.units if r[1] == p]
            self.assertEqual(codes, sorted(codes), p)

    def test_units_checked_by_hand(self):
        self.assertEqual(self.by_code["01"], ("01", "", "province", "Thành phố Hà Nội"))
        self.assertEqual(self.by_code["00004"], ("00004", "01", "commune", "Phường Ba Đình"))
        self.assertEqual(self.by_code["00577"], ("00577", "01", "commune", "Xã Bát Tràng"))
        self.assertEqual(self.by_code["26732"], ("26732", "79", "commune", "Đặc khu Côn Đảo"))
        self.assertEqual(self.by_code["79"][3], "Thành phố Hồ Chí Minh")
        # The table's "Xa Ea Kly" is written with its diacritic.
        self.assertEqual(self.by_code["24496"], ("24496", "66", "commune", "Xã Ea Kly"))
        self.assertFalse([r for r in self.units if r[3].startswith("Xa ")])

    def test_successor_whole(self):
        self.assertEqual(
            self.succ_header,
            ["old_code", "old_name", "old_district", "old_province", "new_code", "merge"],
        )
        self.assertEqual(
            self.successors["00004"],
            [("00004", "Phường Trúc Bạch", "Quận Ba Đình", "Thành phố Hà Nội", "00004", "whole")],
        )

    def test_successors_of_a_split_commune(self):
        # Phường Ngọc Hà was split between the new Phường Ba Đình and Phường Ngọc Hà.
        self.assertEqual(
            [(r[1], r[4], r[5]) for r in self.successors["00016"]],
            [("Phường Ngọc Hà", "00004", "part"), ("Phường Ngọc Hà", "00008", "part")],
        )
        # Xã Kỳ Lợi: "Nhập toàn bộ diện tích" to 18823 and part of its people to two others;
        # with several successors every row is `part`.
        self.assertEqual(
            [(r[4], r[5]) for r in self.successors["18796"]],
            [("18754", "part"), ("18823", "part"), ("18832", "part")],
        )

    def test_rows_with_a_neighbours_code_are_corrected(self):
        def rows(old):
            return [(r[1], r[4], r[5]) for r in self.successors[old]]

        # The table gives Xã Mỹ Hưng the code 01615 of Xã Hồng Quang, Xã Phú Thịnh the code
        # 02485 of Xã Công Đa and once Xã Đặng Xá the code 00553 of Xã Cổ Bi.
        self.assertEqual(rows("01615"), [("Xã Hồng Quang", "01636", "whole")])
        self.assertEqual(rows("01651"), [("Xã Mỹ Hưng", "01648", "whole")])
        self.assertEqual(rows("02485"), [("Xã Công Đa", "02458", "whole")])
        self.assertEqual(rows("02482"), [("Xã Phú Thịnh", "02494", "whole")])
        self.assertEqual([r[0] for r in rows("00553")], ["Xã Cổ Bi"] * 3)
        self.assertEqual(
            rows("00556"), [("Xã Đặng Xá", "00541", "part"), ("Xã Đặng Xá", "00562", "part")]
        )

    def test_successors_file(self):
        communes = {r[0] for r in self.units if r[2] == "commune"}
        keys = [(r[0], r[4]) for r in self.succ]
        self.assertEqual(keys, sorted(set(keys)))
        for r in self.succ:
            self.assertEqual(len(r), 6)
            self.assertIn(r[4], communes)
            self.assertIn(r[5], ("whole", "part", "kept"))
            self.assertRegex(r[0], r"^\d{5}$")
            self.assertNotRegex(r[2], r"\(\d+\)")
            self.assertNotRegex(r[3], r"\(\d+\)")
        for old, rows in self.successors.items():
            if len(rows) > 1:
                self.assertEqual({r[5] for r in rows}, {"part"}, old)
        self.assertNotIn("99999", self.successors)

    def test_source_spot_checks(self):
        # The committed table itself, read directly (names tidied: spaces, NFC).
        rows = [[tidy(v) for v in r] for r in source_records()]
        self.assertIn(
            ["Thành phố Hà Nội (01)", "Phường Ba Đình", "00004", "Phường Trúc Bạch", "00004",
             "Nhập toàn bộ", "Quận Ba Đình (001)", "Thành phố Hà Nội (01)", ""],
            rows,
        )
        self.assertTrue(any(r[1] == "Xã Bát Tràng" and r[2] == "00577" for r in rows))
        self.assertTrue(any(r[1] == "Đặc khu Côn Đảo" and r[2] == "26732" for r in rows))


class BrokenSource(unittest.TestCase):
    """A table that fails a check: exit 1, and nothing written."""

    def convert(self, records):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "table.csv")
            with open(src, "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(records)
            out = os.path.join(tmp, "out")
            result = run(src, out)
            written = os.listdir(out) if os.path.isdir(out) else []
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(written, [])
        return result.stderr

    def test_the_source_as_csv_passes(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "table.csv")
            with open(src, "w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(source_records())
            result = run(src, os.path.join(tmp, "out"))
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_commune_in_a_province_that_does_not_exist(self):
        rows = source_records()
        hit = [r for r in rows if r[2] == "00577"]
        hit[0][0] = "Tỉnh Không Có (99)"
        self.assertIn("several provinces", self.convert(rows))
        for r in hit:
            r[0] = "Tỉnh Không Có (99)"
        self.assertIn("province: 35 (expected 34)", self.convert(rows))

    def test_a_commune_missing(self):
        rows = [r for r in source_records() if r[2] != "00577"]
        err = self.convert(rows)
        self.assertIn("commune: 3320 (expected 3321)", err)
        self.assertIn("Xã: 2620 (expected 2621)", err)

    def test_blank_note(self):
        rows = source_records()
        next(r for r in rows if r[4] == "00004")[5] = ""
        self.assertIn("blank note", self.convert(rows))


if __name__ == "__main__":
    unittest.main()
