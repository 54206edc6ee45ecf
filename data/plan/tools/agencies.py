"""Agency names as the plan documents write them, mapped to org-unit codes of data/org_units.csv.

Names are found by position in a cell ("Công an tỉnh, Sở Khoa học và Công nghệ, sở Tài chính")
rather than by splitting on commas, because names themselves contain commas
("Sở Văn hóa, Thể thao và Du lịch", "UBND các xã, phường, đặc khu").
"""
import re
ALIASES = [
    ("Văn phòng UBND tỉnh", "000.00.14.H55"), ("Văn phòng Ủy ban nhân dân tỉnh", "000.00.14.H55"),
    ("Trung tâm Phục vụ hành chính công tỉnh", "000.00.14.H55"),
    ("Sở Khoa học và Công nghệ", "000.00.03.H55"), ("Công an tỉnh", "000.00.15.H55"),
    ("Sở Nội vụ", "000.00.02.H55"), ("Sở Tài chính", "000.00.01.H55"), ("Sở Tư pháp", "000.00.04.H55"),
    ("Sở Nông nghiệp và Môi trường", "000.00.05.H55"), ("Sở Công Thương", "000.00.06.H55"),
    ("Sở Xây dựng", "000.00.07.H55"), ("Sở Văn hóa, Thể thao và Du lịch", "000.00.08.H55"),
    ("Sở Y tế", "000.00.09.H55"), ("Sở Giáo dục và Đào tạo", "000.00.10.H55"),
    ("Sở Ngoại vụ", "000.00.11.H55"), ("Thanh tra tỉnh", "000.00.12.H55"),
    ("Sở Dân tộc và Tôn giáo", "000.00.13.H55"), ("BQL KKT Dung Quất", "000.00.16.H55"),
    ("Ban Quản lý KKT Dung Quất", "000.00.16.H55"), ("Văn phòng Tỉnh ủy", "000.00.17.H55"),
    ("Văn phòng tỉnh ủy", "000.00.17.H55"),
    ("Hội Nông dân tỉnh", "000.00.18.H55"), ("Liên minh Hợp tác xã", "000.00.19.H55"),
]

def codes(text):
    """Org-unit codes named in a cell, in order of appearance, without repeats."""
    found = []
    low = text.lower()
    for name, code in ALIASES:
        for m in re.finditer(re.escape(name.lower()), low):
            found.append((m.start(), code))
    out = []
    for _, c in sorted(found):
        if c not in out:
            out.append(c)
    return ";".join(out)
