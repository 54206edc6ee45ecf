"""Kế hoạch 05/KH-UBND (000_c9300fc56f893de1.txt): the indicator list and the task list.

The extraction writes a table as cells separated by lines holding only "|".
"""
import re, unicodedata

GROUPS_05 = {
    "1": "Hoàn thiện thể chế", "2": "Phát triển dữ liệu số",
    "3": "Phát triển các ứng dụng, nền tảng số cho Chính quyền số",
    "4": "Phát triển hạ tầng phục vụ Chính quyền số", "5": "Bảo đảm an ninh mạng",
    "6": "Phát triển nhân lực số", "7": "Hợp tác quốc tế và trong nước",
    "8": "Đo lường, giám sát, đánh giá triển khai",
}

def _cells(text):
    cells, cur = [], []
    for line in text.split("\n"):
        if line.strip().startswith("|") or line.strip().endswith("|"):
            part = line.strip().strip("|").strip()
            if part: cur.append(part)
            cells.append(" ".join(cur).strip()); cur = []
        else:
            cur.append(line.strip())
    if cur: cells.append(" ".join(cur).strip())
    return [unicodedata.normalize("NFC", c) for c in cells if c]

def _load(path):
    return open(path, encoding="utf-8").read()

def indicators(path):
    text = _load(path)
    a = text.index("DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"); b = text.index("CÁC NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM")
    cells = _cells(text[a:b])
    cells = cells[cells.index("Cơ quan thực hiện") + 1:]
    out, group, gname, i = [], None, None, 0
    while i < len(cells):
        c = cells[i]
        if re.fullmatch(r"I{1,2}\.\d", c):
            group, gname = c, cells[i + 1]; i += 2; continue
        if re.fullmatch(r"\d+", c):
            out.append({"group": group, "group_name": gname, "number": c, "name": cells[i + 1],
                        "target_text": cells[i + 2], "lead": cells[i + 3].rstrip(";").strip(),
                        "implementing": cells[i + 4].rstrip(";").strip()})
            i += 5; continue
        i += 1
    return out

def tasks(path):
    text = _load(path)
    a = text.index("CÁC NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM")
    b = text.index("Đăng xuất", a) if "Đăng xuất" in text[a:] else len(text)
    cells = _cells(text[a:b])
    cells = cells[cells.index("Thời gian thực hiện") + 1:]
    out, group, last, i = [], 0, 0, 0
    while i + 4 < len(cells):
        c = cells[i]
        m = re.fullmatch(r"\d+", c)
        # A numbered row starts with its number; the one unnumbered row (Cổng dữ liệu mở, after
        # 3.6) starts directly with its title, which is never a bare number.
        if m:
            n = int(c)
            if n <= last: group += 1
            if n == 1 and last == 0: group = 1
            last = n; number = f"{group}.{n}"; i += 1
        else:
            number = f"{group}.{last}a"
        title, lead, coord, result, timeframe = cells[i:i + 5]
        out.append({"section": f"{group}. {GROUPS_05[str(group)]}", "number": number, "title": title,
                    "lead": lead, "coordinating": coord, "expected_result": result, "timeframe": timeframe})
        i += 5
    return out
