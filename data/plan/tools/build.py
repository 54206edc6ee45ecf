#!/usr/bin/env python3
"""Writes data/plan/*.csv from the plan documents in ../shared/seeds (run from data/plan/tools).

   python3 build.py /work/shared/seeds

Parsed where the extraction is regular (05/KH-UBND, Appendix 2 of the 2025 plan), typed by hand
where it is OCR (121/KH-UBND) or columns came out of order (Phụ lục 04).  The CSV files are the
project's data; this script documents how they were made and can regenerate them.
"""
import csv, os, re, sys
import parse_000, parse_004, hand_121, hand_pl04
from agencies import codes

SEEDS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
F05, F121, FPL04, F2025 = "000_c9300fc56f893de1.txt", "002_29e3270302c3d650.txt", "003_80af4dac8d2d0d1a.txt", "004_e63a297dcb431842.txt"

PLANS = [
    ("05/KH-UBND", "Kế hoạch phát triển Chính quyền số giai đoạn 2026–2030 trên địa bàn tỉnh Quảng Ngãi", "2026-01-08", F05),
    ("121/KH-UBND", "Kế hoạch chuyển đổi số tỉnh Quảng Ngãi năm 2026", "", F121),
    ("PL04-02/KH-BCĐTW", "Phụ lục 04: Kết quả thực hiện các nhiệm vụ theo Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025", "", FPL04),
    ("KH-CĐS-2025", "Kế hoạch chuyển đổi số tỉnh Quảng Ngãi năm 2025 (Phụ lục 2)", "", F2025),
    ("TINHSO", "Chỉ số vận hành của nền tảng (không có trong văn bản kế hoạch)", "", ""),
]

# (plan, section, number) -> (indicator code, computed query or "").  Rows sharing a code are the
# same indicator with targets for different periods.
COMPUTED = {
    ("05/KH-UBND", "I.1", "1"): ("dvctt_toan_trinh", "procedures_fully_online"),
    ("05/KH-UBND", "I.1", "2"): ("cung_cap_mot_lan", "documents_reused"),
    ("05/KH-UBND", "I.1", "3"): ("hai_long", "satisfaction"),
    ("05/KH-UBND", "I.2", "4"): ("nhiem_vu_dien_tu", "tasks_tracked"),
    ("05/KH-UBND", "I.2", "5"): ("quan_tri_du_lieu_3", ""),
    ("05/KH-UBND", "I.2", "7"): ("chung_chi_qtdl", ""),
    ("05/KH-UBND", "II.1", "1"): ("hai_long", "satisfaction"),
    ("05/KH-UBND", "II.1", "4"): ("so_hoa", "dossiers_digitised"),
    ("05/KH-UBND", "II.1", "5"): ("tai_su_dung", "documents_reused"),
    ("05/KH-UBND", "II.2", "1"): ("quan_tri_du_lieu_5", ""),
    ("05/KH-UBND", "II.2", "2"): ("ket_noi_chia_se", "systems_connected"),
    ("05/KH-UBND", "II.2", "5"): ("chung_chi_qtdl", ""),
    ("121/KH-UBND", "PL1", "1"): ("dvctt_toan_trinh", "procedures_fully_online"),
    ("121/KH-UBND", "PL1", "2"): ("ho_so_truc_tuyen", "dossiers_online"),
    ("121/KH-UBND", "PL1", "4"): ("ket_qua_dien_tu", "results_electronic"),
    ("121/KH-UBND", "PL1", "5"): ("hai_long", "satisfaction"),
    ("121/KH-UBND", "PL1", "7"): ("nhiem_vu_dien_tu", "tasks_tracked"),
    ("121/KH-UBND", "PL2.I", "1"): ("ho_so_truc_tuyen", "dossiers_online"),
    ("121/KH-UBND", "PL2.I", "3"): ("dvctt_toan_trinh", "procedures_fully_online"),
    ("121/KH-UBND", "PL2.I", "5"): ("ket_qua_dien_tu", "results_electronic"),
    ("121/KH-UBND", "PL2.I", "6"): ("hai_long", "satisfaction"),
    ("121/KH-UBND", "PL2.I", "10"): ("nhiem_vu_dien_tu", "tasks_tracked"),
}

IND_COLS = ["plan", "section", "number", "code", "name", "unit", "direction", "query", "period_from", "period_to",
            "target", "target_text", "lead_agencies", "lead_org_codes", "implementing_agencies",
            "implementing_org_codes", "result_text", "assessment", "source_file", "source_section"]
TASK_COLS = ["plan", "section", "number", "parent_number", "title", "lead_agencies", "lead_org_codes",
             "coordinating_agencies", "coordinating_org_codes", "expected_result", "start_on", "deadline_on",
             "timeframe", "budget_million_vnd", "funding", "legal_basis", "result_text", "source_file", "source_section"]

def target_of(text):
    m = re.fullmatch(r"(\d+(?:,\d+)?)%", text.strip())
    if m: return "%", m.group(1).replace(",", ".")
    return "đạt", "1"

def ind_row(plan, section, number, name, target_text, lead, impl, pf, pt, src_file, src_section, result="", assessment=""):
    code, query = COMPUTED.get((plan, section, number), (f"{plan.split('/')[0]}-{section}.{number}", ""))
    unit, target = target_of(target_text)
    return dict(plan=plan, section=section, number=number, code=code, name=name.rstrip("."), unit=unit,
                direction="higher", query=query, period_from=pf, period_to=pt, target=target, target_text=target_text,
                lead_agencies=lead, lead_org_codes=codes(lead), implementing_agencies=impl,
                implementing_org_codes=codes(impl), result_text=result, assessment=assessment,
                source_file=src_file, source_section=src_section)

def indicators():
    rows = []
    for r in parse_000.indicators(os.path.join(SEEDS, F05)):
        pf, pt = ("2026", "2027") if r["group"].startswith("I.") else ("2028", "2030")
        rows.append(ind_row("05/KH-UBND", r["group"], r["number"], r["name"], r["target_text"], r["lead"],
                            r["implementing"], pf, pt, F05, f"DANH MỤC CÁC CHỈ TIÊU CỤ THỂ, {r['group']}. {r['group_name']}"))
    for n, text, target, lead, result, assess in hand_121.PL1:
        rows.append(ind_row("121/KH-UBND", "PL1", n, text, target, lead, "", "2025", "2025", F121,
                            "Phụ lục 1: kết quả thực hiện chỉ tiêu năm 2025", result, assess))
    for g, gname, items in hand_121.PL2:
        for n, text, target, lead in items:
            rows.append(ind_row("121/KH-UBND", f"PL2.{g}", n, text, target, lead, "", "2026", "2026", F121,
                                f"Phụ lục 2: mục tiêu năm 2026, {g}. {gname}"))
    platform = [("dung_han", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "dossiers_on_time"),
                ("nhiem_vu_dung_han", "Tỷ lệ nhiệm vụ được giao hoàn thành đúng hạn", "tasks_on_time")]
    for i, (code, name, query) in enumerate(platform, 1):
        rows.append(dict(plan="TINHSO", section="VH", number=str(i), code=code, name=name, unit="%", direction="higher",
                         query=query, period_from="", period_to="", target="", target_text="", lead_agencies="Văn phòng UBND tỉnh",
                         lead_org_codes="000.00.14.H55", implementing_agencies="", implementing_org_codes="",
                         result_text="", assessment="", source_file="", source_section="Chỉ số vận hành của nền tảng"))
    return rows

def timeframe(tf):
    years = re.findall(r"20\d\d", tf)
    if tf.startswith("Tháng 12/"): return f"{years[0]}-12-01", f"{years[0]}-12-31"
    if not years: return "", ""
    return f"{years[0]}-01-01", f"{years[-1]}-12-31"

def tasks():
    rows = []
    for t in parse_000.tasks(os.path.join(SEEDS, F05)):
        start, end = timeframe(t["timeframe"])
        rows.append(dict(plan="05/KH-UBND", section=t["section"], number=t["number"], parent_number="", title=t["title"],
                         lead_agencies=t["lead"], lead_org_codes=codes(t["lead"]), coordinating_agencies=t["coordinating"],
                         coordinating_org_codes=codes(t["coordinating"]), expected_result=t["expected_result"],
                         start_on=start, deadline_on=end, timeframe=t["timeframe"], budget_million_vnd="", funding="",
                         legal_basis="", result_text="", source_file=F05,
                         source_section=f"CÁC NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM, {t['section']}"))
    for section, n, title, lead, deadline, result in hand_pl04.TASKS:
        rows.append(dict(plan="PL04-02/KH-BCĐTW", section=section, number=n, parent_number="", title=title,
                         lead_agencies=lead, lead_org_codes=codes(lead), coordinating_agencies="", coordinating_org_codes="",
                         expected_result="", start_on="2025-06-19", deadline_on=deadline, timeframe="",
                         budget_million_vnd="", funding="", legal_basis="Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025",
                         result_text=result, source_file=FPL04, source_section=f"PHỤ LỤC 04, {section}"))
    subtotals, agency, sec_name = [], None, {}
    for r in parse_004.records(os.path.join(SEEDS, F2025)):
        if r["kind"] == "section":
            sec_name[r["section"]] = r["title"]; continue
        if r["kind"] == "agency":
            agency = r
            subtotals.append(dict(plan="KH-CĐS-2025", section=r["section"], number=r["number"], agency=r["title"],
                                  org_code=codes(r["title"]), printed_million_vnd=r["printed"]))
            continue
        parent = r["number"].rsplit(".", 1)[0] if r["kind"] == "subtask" else ""
        rows.append(dict(plan="KH-CĐS-2025", section=r["section"], number=r["number"], parent_number=parent,
                         title=r["title"], lead_agencies=agency["title"], lead_org_codes=codes(agency["title"]),
                         coordinating_agencies="", coordinating_org_codes="", expected_result="",
                         start_on="2025-01-01", deadline_on="2025-12-31", timeframe="Năm 2025",
                         budget_million_vnd=r["budget"], funding=r["funding"], legal_basis=r["legal_basis"],
                         result_text="", source_file=F2025,
                         source_section=f"Phụ lục 2, {r['section']}. {sec_name[r['section']]}, {agency['number']}. {agency['title']}"))
    subtotals.append(dict(plan="KH-CĐS-2025", section="", number="TỔNG", agency="", org_code="", printed_million_vnd="328364"))
    return rows, subtotals

def write(name, cols, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n"); w.writeheader(); w.writerows(rows)

write("plans.csv", ["code", "title", "issued_on", "source_file"], [dict(zip(["code", "title", "issued_on", "source_file"], p)) for p in PLANS])
write("indicators.csv", IND_COLS, indicators())
t, s = tasks()
write("tasks.csv", TASK_COLS, t)
write("budget_subtotals.csv", ["plan", "section", "number", "agency", "org_code", "printed_million_vnd"], s)
