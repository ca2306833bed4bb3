#!/usr/bin/env python3
"""Check the shipped criteria sets in assets/criteria/sets/ without Rust.

Run from the repository root:

    python3 tools/criteria/check_sets.py [FILE.json ...]

Standard library only. For every file (default: every *.json in assets/criteria/sets/) it

1. checks the JSON shape against the Rust types of crates/core/src/criteria.rs as this script
   understands them: required fields, no unknown fields (`deny_unknown_fields`), value types
   (u32/u8 ranges, lowercase enums, `Text` = object of language code -> string, the internally
   tagged `KnockoutTrigger` and `Requirement`);
2. re-implements the checks of crates/core/src/validate.rs (errors and warnings, with the same
   codes and Rust-like paths such as `parts[2] (C).sections[0].criteria[1] (6.2).levels[3]`);
3. compares the warnings with the set's `known_defects`: every finding must be declared and
   every declared defect must match exactly one finding (code + printed code of the criterion
   or part, or `max_total` / `stars.bands`). Declared defects whose code starts with `source_`
   describe source defects the converter handled (e.g. a code printed twice); the validator
   does not report them and they are not matched;
4. prints one line per set: id, criteria count, computed maximum, declared maximum,
   knock-outs, applicability rules, criteria with alternative scales, declared defects, and
   the problems found.

Exit status 1 when any set has a shape error, a validation error, an undeclared finding or a
declared defect that no finding matches.

The warning part (`warning_findings`) is imported by convert_ocop_1048.py, which generates the
`known_defects` of the OCOP sets from it, so the two scripts cannot disagree.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "assets" / "criteria" / "sets"
LANGS = {"id", "en", "vi"}
U32 = 2**32 - 1
U8 = 255


# --------------------------------------------------------------------------------------------
# 1. Shape (serde) check
# --------------------------------------------------------------------------------------------

class Shape:
    def __init__(self):
        self.problems = []

    def bad(self, path, msg):
        self.problems.append(f"{path}: {msg}")

    def obj(self, v, path, fields):
        """fields: name -> (required, checker)."""
        if not isinstance(v, dict):
            self.bad(path, "expected an object")
            return
        for k in v:
            if k not in fields:
                self.bad(path, f"unknown field `{k}`")
        for name, (required, check) in fields.items():
            if name in v:
                check(v[name], f"{path}.{name}")
            elif required:
                self.bad(path, f"missing field `{name}`")

    def string(self, v, path):
        if not isinstance(v, str):
            self.bad(path, "expected a string")

    def uint(self, v, path, top=U32):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top:
            self.bad(path, f"expected an integer 0..{top}")

    def u8(self, v, path):
        self.uint(v, path, U8)

    def enum(self, *values):
        def check(v, path):
            if v not in values:
                self.bad(path, f"expected one of {', '.join(values)}")
        return check

    def seq(self, item):
        def check(v, path):
            if not isinstance(v, list):
                self.bad(path, "expected an array")
                return
            for i, x in enumerate(v):
                item(x, f"{path}[{i}]")
        return check

    def text(self, v, path):
        if not isinstance(v, dict):
            self.bad(path, "expected a Text object (language code -> string)")
            return
        for k, s in v.items():
            if not isinstance(s, str):
                self.bad(f"{path}.{k}", "expected a string")
            if k not in LANGS:
                self.bad(path, f"language `{k}` is not one of id, en, vi")

    # -- the types -----------------------------------------------------------------------------

    def criteria_set(self, v):
        S = self
        S.obj(v, "$", {
            "format": (True, S.uint),
            "id": (True, S.string),
            "version": (True, S.string),
            "programme": (True, S.enum("ocop", "ovop", "otop", "other")),
            "status": (True, S.enum("official", "transcription", "template", "draft")),
            "name": (True, S.text),
            "language": (True, S.string),
            "legal_basis": (False, S.seq(S.string)),
            "effective": (False, lambda x, p: S.obj(x, p, {"from": (False, S.string), "until": (False, S.string)})),
            "product_sets": (False, S.seq(lambda x, p: S.obj(x, p, {"code": (True, S.string), "name": (True, S.text)}))),
            "source": (False, S.string),
            "remarks": (False, S.seq(S.text)),
            "known_defects": (False, S.seq(lambda x, p: S.obj(x, p, {
                "code": (True, S.string), "path": (True, S.string), "description": (True, S.string)}))),
            "gates": (False, S.seq(lambda x, p: S.obj(x, p, {
                "code": (True, S.string), "text": (True, S.text), "evidence": (False, S.text)}))),
            "parts": (True, S.seq(S.part)),
            "max_total": (False, S.uint),
            "stars": (True, lambda x, p: S.obj(x, p, {
                "rounding": (True, S.enum("none", "floor", "half_up")),
                "bands": (True, S.seq(lambda b, q: S.obj(b, q, {"star": (True, S.u8), "min": (True, S.uint)}))),
            })),
            "minimum_requirements": (False, S.seq(lambda x, p: S.obj(x, p, {
                "star": (True, S.u8), "rule": (True, S.requirement), "text": (True, S.text)}))),
            "council": (False, lambda x, p: S.obj(x, p, {"max_divergence": (False, S.uint)})),
        })

    def part(self, v, path):
        S = self
        S.obj(v, path, {
            "code": (True, S.string), "name": (True, S.text), "max": (False, S.uint),
            "sections": (True, S.seq(S.section)),
        })

    def section(self, v, path):
        S = self
        S.obj(v, path, {
            "code": (True, S.string), "name": (True, S.text),
            "groups": (False, S.seq(lambda x, p: S.obj(x, p, {"code": (True, S.string), "text": (True, S.text)}))),
            "criteria": (True, S.seq(S.criterion)),
        })

    def criterion(self, v, path):
        S = self
        S.obj(v, path, {
            "code": (True, S.string), "text": (True, S.text), "group": (False, S.string),
            "note": (False, S.text), "evidence": (False, S.text),
            "scales": (False, S.seq(lambda x, p: S.obj(x, p, {"id": (True, S.string), "label": (True, S.text)}))),
            "levels": (True, S.seq(lambda x, p: S.obj(x, p, {
                "points": (True, S.uint), "text": (True, S.text), "scale": (False, S.string)}))),
            "applies_if": (False, lambda x, p: S.obj(x, p, {
                "criterion": (True, S.string), "min_points": (True, S.uint), "reason": (True, S.text)})),
            "knockout": (False, lambda x, p: S.obj(x, p, {
                "trigger": (True, S.trigger),
                "effect": (True, S.enum("disqualify", "stop")),
                "text": (True, S.text)})),
        })

    def trigger(self, v, path):
        S = self
        if not isinstance(v, dict) or "when" not in v:
            S.bad(path, "expected {\"when\": ...}")
            return
        if v["when"] == "observed":
            S.obj(v, path, {"when": (True, S.string)})
        elif v["when"] == "points_at_most":
            S.obj(v, path, {"when": (True, S.string), "points": (True, S.uint)})
        else:
            S.bad(path, "`when` must be observed or points_at_most")

    def requirement(self, v, path):
        S = self
        if not isinstance(v, dict) or "kind" not in v:
            S.bad(path, "expected {\"kind\": ...}")
            return
        if v["kind"] == "criterion_at_least":
            S.obj(v, path, {"kind": (True, S.string), "criterion": (True, S.string), "points": (True, S.uint)})
        elif v["kind"] == "part_at_least":
            S.obj(v, path, {"kind": (True, S.string), "part": (True, S.string), "points": (True, S.uint)})
        else:
            S.bad(path, "`kind` must be criterion_at_least or part_at_least")


def shape_problems(data):
    s = Shape()
    s.criteria_set(data)
    return s.problems


# --------------------------------------------------------------------------------------------
# 2. Validation, as crates/core/src/validate.rs does it
# --------------------------------------------------------------------------------------------

def max_points(c):
    return max((lv["points"] for lv in c["levels"]), default=0)


def all_criteria(data):
    for part in data["parts"]:
        for section in part["sections"]:
            for c in section["criteria"]:
                yield c


def computed_max(data):
    return sum(max_points(c) for c in all_criteria(data))


def is_blank(text):
    return all(not t.strip() for t in text.values())


def level_findings(c, cpath):
    """The warnings (and level errors) of one criterion, as validate.rs::check_levels."""
    out = []
    if not c["levels"]:
        out.append(("error", "no_levels", cpath, f"criterion {c['code']} has no levels"))
        return out
    scales = c.get("scales", [])
    ids = [s["id"] for s in scales]
    if len(set(ids)) != len(ids):
        out.append(("error", "duplicate_code", f"{cpath}.scales", "two scales share an id"))
    if len(scales) == 1:
        out.append(("error", "single_scale", f"{cpath}.scales", "one scale is no alternative"))
    by_scale = {}
    for l, lv in enumerate(c["levels"]):
        lpath = f"{cpath}.levels[{l}]"
        if is_blank(lv["text"]):
            out.append(("error", "missing_text", f"{lpath}.text", f"level {l + 1} of {c['code']} has no text"))
        s = lv.get("scale")
        if s is None and scales:
            out.append(("error", "missing_scale", lpath, "with alternative scales every level names its scale"))
        elif s is not None and s not in ids:
            out.append(("error", "unknown_scale", lpath, f"scale {s} is not one of the criterion's scales"))
        by_scale.setdefault(s or "", []).append((l, lv["points"]))
    for scale in sorted(by_scale):
        levels = by_scale[scale]
        note = f" in scale {scale}" if scale else ""
        for (_, a), (l, b) in zip(levels, levels[1:]):
            if a == b:
                out.append(("warning", "duplicate_level_points", f"{cpath}.levels[{l}]",
                            f"criterion {c['code']}: levels {l} and {l + 1} are both worth {b}{note}"))
            elif b < a:
                out.append(("warning", "levels_not_ascending", f"{cpath}.levels[{l}]",
                            f"criterion {c['code']}: level {l + 1} is worth less than the one before it{note}"))
    return out


def is_iso_date(s):
    return bool(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", s))


def validate(data):
    """Every finding as (severity, code, path, message), in validate.rs order within severity."""
    out = []
    add = lambda sev, code, path, msg: out.append((sev, code, path, msg))  # noqa: E731

    if not data["id"] or not all((ch.isascii() and (ch.islower() or ch.isdigit())) or ch in "-." for ch in data["id"]):
        add("error", "bad_id", "id", f"id {data['id']!r} must be lowercase letters, digits, '-' or '.'")
    if not data["version"].strip():
        add("error", "bad_version", "version", "version is empty")
    eff = data.get("effective", {})
    for field in ("from", "until"):
        if field in eff and not is_iso_date(eff[field]):
            add("error", "bad_date", f"effective.{field}", f"{eff[field]!r} is not a date")
    if "from" in eff and "until" in eff and eff["until"] <= eff["from"]:
        add("error", "bad_date", "effective", "the set ends before it starts")
    if is_blank(data["name"]):
        add("error", "missing_text", "name", "text is empty in every language")

    seen_gates = set()
    for g, gate in enumerate(data.get("gates", [])):
        path = f"gates[{g}] ({gate['code']})"
        if gate["code"] in seen_gates:
            add("error", "duplicate_code", path, f"gate code {gate['code']} is used twice")
        seen_gates.add(gate["code"])
        if is_blank(gate["text"]):
            add("error", "missing_text", f"{path}.text", "text is empty in every language")

    if not data["parts"]:
        add("error", "no_parts", "parts", "the set has no parts")

    order = {}
    part_codes = set()
    index = 0
    for p, part in enumerate(data["parts"]):
        ppath = f"parts[{p}] ({part['code']})"
        if part["code"] in part_codes:
            add("error", "duplicate_code", ppath, f"part code {part['code']} is used twice")
        part_codes.add(part["code"])
        if not part["sections"]:
            add("error", "empty_part", ppath, f"part {part['code']} has no sections")
        section_codes = set()
        for s, section in enumerate(part["sections"]):
            spath = f"{ppath}.sections[{s}] ({section['code']})"
            if section["code"] in section_codes:
                add("error", "duplicate_code", spath, f"section code {section['code']} is used twice")
            section_codes.add(section["code"])
            if not section["criteria"]:
                add("error", "empty_section", spath, f"section {section['code']} has no criteria")
            groups = {g["code"] for g in section.get("groups", [])}
            for c, crit in enumerate(section["criteria"]):
                cpath = f"{ppath}.sections[{s}].criteria[{c}] ({crit['code']})"
                if not crit["code"].strip():
                    add("error", "missing_code", cpath, "a criterion has no code")
                if crit["code"] in order:
                    add("error", "duplicate_code", cpath, f"criterion code {crit['code']} is used twice")
                order[crit["code"]] = (index, max_points(crit))
                index += 1
                if "group" in crit and crit["group"] not in groups:
                    add("error", "unknown_group", cpath, f"group {crit['group']} is not a heading of section {section['code']}")
                out.extend(level_findings(crit, cpath))
        if "max" in part:
            total = sum(max_points(c) for sec in part["sections"] for c in sec["criteria"])
            if total != part["max"]:
                add("warning", "part_max_mismatch", ppath, f"part {part['code']} adds up to {total}, the sheet says {part['max']}")

    if "max_total" in data:
        total = computed_max(data)
        if total != data["max_total"]:
            add("warning", "total_max_mismatch", "max_total", f"the levels add up to {total}, the sheet says {data['max_total']}")

    for p, part in enumerate(data["parts"]):
        for s, section in enumerate(part["sections"]):
            for c, crit in enumerate(section["criteria"]):
                cpath = f"parts[{p}] ({part['code']}).sections[{s}].criteria[{c}] ({crit['code']})"
                here = order.get(crit["code"], (0, 0))[0]
                cond = crit.get("applies_if")
                if cond:
                    there = order.get(cond["criterion"])
                    if there is None:
                        add("error", "unknown_criterion", f"{cpath}.applies_if", f"criterion {cond['criterion']} does not exist")
                    elif there[0] >= here:
                        add("error", "condition_not_before", f"{cpath}.applies_if", f"{cond['criterion']} does not come before {crit['code']}")
                    elif cond["min_points"] > there[1]:
                        add("error", "condition_unreachable", f"{cpath}.applies_if", f"{cond['criterion']} gives at most {there[1]}")
                ko = crit.get("knockout")
                if ko:
                    if is_blank(ko["text"]):
                        add("error", "missing_text", f"{cpath}.knockout.text", "text is empty in every language")
                    trig = ko["trigger"]
                    if trig["when"] == "points_at_most" and not any(lv["points"] <= trig["points"] for lv in crit["levels"]):
                        add("error", "knockout_unreachable", f"{cpath}.knockout", f"no level of {crit['code']} is worth {trig['points']} or less")

    bands = data["stars"]["bands"]
    if not bands:
        add("error", "no_star_bands", "stars.bands", "the set has no star bands")
    else:
        if not any(b["min"] == 0 for b in bands):
            add("error", "bands_gap", "stars.bands", "no band starts at 0")
        ordered = sorted(bands, key=lambda b: b["min"])
        for a, b in zip(ordered, ordered[1:]):
            if a["min"] == b["min"]:
                add("error", "bands_overlap", "stars.bands", f"two bands start at {a['min']}")
            if b["star"] <= a["star"]:
                add("error", "bands_order", "stars.bands", f"{b['star']} stars from {b['min']} is not above {a['star']} stars from {a['min']}")
        top_max = data.get("max_total", computed_max(data))
        if ordered[-1]["min"] > top_max:
            add("warning", "band_unreachable", "stars.bands", f"{ordered[-1]['star']} stars needs {ordered[-1]['min']}, more than {top_max}")
        stars = {b["star"] for b in bands}
        for i, req in enumerate(data.get("minimum_requirements", [])):
            path = f"minimum_requirements[{i}]"
            if req["star"] not in stars:
                add("error", "unknown_star", path, f"no band gives {req['star']} stars")
            rule = req["rule"]
            if rule["kind"] == "criterion_at_least":
                there = order.get(rule["criterion"])
                if there is None:
                    add("error", "unknown_criterion", path, f"criterion {rule['criterion']} does not exist")
                elif rule["points"] > there[1]:
                    add("error", "condition_unreachable", path, f"criterion {rule['criterion']} gives at most {there[1]}")
            elif rule["part"] not in part_codes:
                add("error", "unknown_part", path, f"part {rule['part']} does not exist")

    # validate.rs sorts errors first, stably.
    return [f for f in out if f[0] == "error"] + [f for f in out if f[0] == "warning"]


def printed_code(path):
    """`parts[2] (C).sections[0].criteria[1] (6.2).levels[3]` -> `6.2`; `max_total` -> itself."""
    found = re.findall(r"\(([^()]*)\)", path)
    return found[-1] if found else path


def warning_findings(data):
    """(code, printed path, message) of every warning: what `known_defects` must declare."""
    return [(code, printed_code(path), msg) for sev, code, path, msg in validate(data) if sev == "warning"]


def declared(defect, path):
    """validate.rs: a finding is declared by a defect with its code whose path matches."""
    return path == defect["path"] or f"({defect['path']})" in path


# --------------------------------------------------------------------------------------------
# 3. Extra checks of our own, and the summary
# --------------------------------------------------------------------------------------------

def extra_problems(data):
    out = []
    for part in data["parts"]:
        for section in part["sections"]:
            codes = [g["code"] for g in section.get("groups", [])]
            if len(set(codes)) != len(codes):
                out.append(f"section {section['code']}: two groups share a code")
            used = {c.get("group") for c in section["criteria"]}
            for g in codes:
                if g not in used:
                    out.append(f"group {g} of section {section['code']} has no criteria")
            for c in section["criteria"]:
                if c.get("scales") and any("scale" not in lv for lv in c["levels"]):
                    out.append(f"{c['code']}: a level lacks its scale")
                for sc in c.get("scales", []):
                    if not any(lv.get("scale") == sc["id"] for lv in c["levels"]):
                        out.append(f"{c['code']}: scale {sc['id']} has no levels")
    stars = sorted(b["star"] for b in data["stars"]["bands"])
    if stars != sorted(set(stars)):
        out.append("two bands give the same star")
    return out


def check_file(path):
    """Returns (summary line, problems)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return f"{path.name}: cannot read: {err}", [str(err)]
    problems = shape_problems(data)
    if problems:
        return f"{path.name}: shape errors", problems
    findings = validate(data)
    problems += [f"{sev} {code} at {p}: {msg}" for sev, code, p, msg in findings if sev == "error"]
    warnings = [(code, p, msg) for sev, code, p, msg in findings if sev == "warning"]
    defects = data.get("known_defects", [])
    for code, p, msg in warnings:
        if not any(d["code"] == code and declared(d, p) for d in defects):
            problems.append(f"undeclared warning {code} at {p}: {msg}")
    found = Counter((code, printed_code(p)) for code, p, _ in warnings)
    wanted = Counter((d["code"], d["path"]) for d in defects if not d["code"].startswith("source_"))
    if found != wanted:
        for key in sorted((wanted - found).elements()):
            problems.append(f"declared defect {key[0]} at {key[1]} matches no finding")
        for key in sorted((found - wanted).elements()):
            problems.append(f"finding {key[0]} at {key[1]} is not declared one to one")
    problems += extra_problems(data)

    crits = list(all_criteria(data))
    summary = (
        f"{data['id']:<18} {len(crits):>3} criteria  max {computed_max(data):>3}"
        f" (declared {data.get('max_total', '-')})"
        f"  knock-outs {sum(1 for c in crits if 'knockout' in c):>2}"
        f"  applies_if {sum(1 for c in crits if 'applies_if' in c)}"
        f"  scales {sum(1 for c in crits if c.get('scales'))}"
        f"  defects {len(defects)}"
        + (f" [{', '.join(d['code'] + '@' + d['path'] for d in defects)}]" if defects else "")
        + ("  OK" if not problems else f"  {len(problems)} PROBLEM(S)")
    )
    return summary, problems


def main(argv):
    files = [Path(a) for a in argv] or sorted(SETS.glob("*.json"))
    if not files:
        print(f"no sets in {SETS}")
        return 1
    failed = False
    for path in files:
        summary, problems = check_file(path)
        print(summary)
        for p in problems:
            print(f"    {p}")
        failed |= bool(problems)
    print(f"{len(files)} set(s) checked, {'problems found' if failed else 'all OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
