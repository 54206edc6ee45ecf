"""Appendix 2 of the 2025 plan (004_e63a297dcb431842.txt): agencies, tasks, sub-items, budgets.

The text extraction gives one table cell per line; rows are found by their numbers in
sequence (agency n, task n.k, sub-item n.k.m), which is robust against budget lines such
as "1.500" that look like numbers.  Rows the extraction interleaved are corrected in FIXES;
the README lists every one.
"""
import re, unicodedata

CODES = {"CTX", "NST", "CĐT"}
LEGAL = ("Kế", "Quyết", "Nghị", "Công", "Thông", "Chương", "Đề", "Văn", "Chỉ", "Luật", "Báo")
NUM = re.compile(r"^(\d+(?:\.\d+){0,2})(?:\s+(.*))?$")

# (section, number) -> corrected fields, where the extraction mixed columns or kept a page number.
FIXES = {
    ("II", "10.1"): {"legal_basis": "Quyết định số 340/QĐ-UBND ngày 27/5/2025"},
    ("II", "13.4"): {"title": "Quản trị, vận hành Phần mềm cơ sở dữ liệu hoạt động thanh tra trên địa bàn tỉnh",
                     "funding": "CTX NST", "legal_basis": "Quyết định số 340/QĐ-UBND ngày 27/5/2025"},
    ("II", "17.2"): {"title": "Xây dựng tường lửa (an toàn thông tin cho máy tính)",
                     "funding": "CTX NST", "legal_basis": "Kế hoạch số 223/KH-UBND ngày 15/11/2024"},
}

def _split(lines):
    start = next(i for i, l in enumerate(lines) if l.strip() == "Phụ lục 2")
    end = next(i for i, l in enumerate(lines) if "TỔNG 328.364" in l)
    body = [l.strip() for l in lines[start:end]]
    body = [l for l in body if l and not l.startswith("http")]
    recs, section, agency, cur = [], None, 0, None
    for l in body:
        m = re.match(r"^(I|II)(?:\s+(.*))?$", l)
        if m and (section is None or (section == "I" and m.group(1) == "II")):
            section, agency = m.group(1), 0
            cur = ["section", section, m.group(2) or "", section]; recs.append(cur); continue
        m = NUM.match(l)
        if m and section:
            num = m.group(1); parts = num.split(".")
            kind = None
            if num == str(agency + 1):
                agency += 1; kind = "agency"
            elif len(parts) >= 2 and parts[0] == str(agency) and cur and cur[0] != "section":
                prev = cur[1].split(".") if cur[0] != "agency" else [str(agency)]
                cands = set()
                if len(prev) == 1: cands.add(f"{agency}.1")
                if len(prev) == 2: cands |= {f"{prev[0]}.{int(prev[1]) + 1}", f"{cur[1]}.1"}
                if len(prev) == 3: cands |= {f"{prev[0]}.{prev[1]}.{int(prev[2]) + 1}", f"{prev[0]}.{int(prev[1]) + 1}"}
                if num in cands: kind = "task" if len(parts) == 2 else "subtask"
            if kind:
                cur = [kind, num, m.group(2) or "", section]; recs.append(cur); continue
        if cur: cur[2] += " " + l
    return recs

def records(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    for kind, num, text, sec in _split(lines):
        toks = unicodedata.normalize("NFC", text).split()
        row = {"kind": kind, "section": sec, "number": num}
        if kind == "section":
            row["title"] = " ".join(toks); out.append(row); continue
        if kind == "agency":
            nums = [i for i, t in enumerate(toks) if re.fullmatch(r"[\d.]+", t)]
            b = nums[-1]
            row.update(title=" ".join(toks[:b]), printed=toks[b].replace(".", "")); out.append(row); continue
        first = next((i for i, t in enumerate(toks) if t.rstrip(",") in CODES), None)
        if first is None:
            first = next((i for i, t in enumerate(toks) if t in LEGAL and i > 0 and re.fullmatch(r"[\d.]+", toks[i - 1])), len(toks))
        b = first - 1
        while b >= 0 and not re.fullmatch(r"[\d.]+", toks[b]): b -= 1
        rest = toks[first:]
        codes = []
        while rest and rest[0].rstrip(",") in CODES:
            codes.append(rest.pop(0).rstrip(","))
        row.update(title=" ".join(toks[:b]), budget=toks[b].replace(".", ""),
                   funding=" ".join(codes), legal_basis=" ".join(rest))
        row.update(FIXES.get((sec, num), {}))
        out.append(row)
    return out
