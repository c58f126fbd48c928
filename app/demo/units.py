"""Realistic organisations of Thái Nguyên for the demo (synthetic headcounts).

Each entry: (name, kind, district code or None for the province seat, headcount, parent name or None).
Units are in force from the registry's first day (1/12/2024, the oldest map); their headcounts are illustrative,
recorded as such (`HEADCOUNT_YEAR`, `HEADCOUNT_SOURCE`); `SHORT_NAMES` are the names in common use.
"""

HEADCOUNT_YEAR = 2025
HEADCOUNT_SOURCE = "Số liệu minh họa (dữ liệu mẫu)"
SHORT_NAMES = {
    "Sở Lao động - Thương binh và Xã hội": "Sở LĐ-TB&XH",
    "Sở Thông tin và Truyền thông": "Sở TT&TT",
    "Sở Giáo dục và Đào tạo": "Sở GD&ĐT",
    "Sở Khoa học và Công nghệ": "Sở KH&CN",
    "Văn phòng UBND tỉnh": "VP UBND tỉnh",
    "Ban Quản lý các khu công nghiệp": "BQL các KCN",
    "Đài Phát thanh - Truyền hình tỉnh": "Đài PT-TH tỉnh",
    "Liên đoàn Lao động tỉnh": "LĐLĐ tỉnh",
    "Liên minh Hợp tác xã tỉnh": "LM HTX tỉnh",
    "Đại học Thái Nguyên": "ĐHTN",
}

PROVINCE_SEAT = "D164"  # Thành phố Thái Nguyên

UNITS = [
    ("Sở Lao động - Thương binh và Xã hội", "agency", None, 120, None),
    ("Sở Thông tin và Truyền thông", "agency", None, 85, None),
    ("Sở Giáo dục và Đào tạo", "agency", None, 140, None),
    ("Sở Nội vụ", "agency", None, 90, None),
    ("Sở Tài chính", "agency", None, 110, None),
    ("Sở Khoa học và Công nghệ", "agency", None, 70, None),
    ("Văn phòng UBND tỉnh", "agency", None, 95, None),
    ("Ban Quản lý các khu công nghiệp", "agency", None, 60, None),
    ("Trung tâm Thông tin tỉnh", "agency", None, 40, "Sở Thông tin và Truyền thông"),
    ("Báo Thái Nguyên", "agency", None, 120, None),
    ("Đài Phát thanh - Truyền hình tỉnh", "agency", None, 180, None),
    ("Tỉnh Đoàn Thái Nguyên", "political_social", None, 45, None),
    ("Hội Liên hiệp Phụ nữ tỉnh", "political_social", None, 40, None),
    ("Hội Nông dân tỉnh", "political_social", None, 35, None),
    ("Liên đoàn Lao động tỉnh", "political_social", None, 50, None),
    ("Liên minh Hợp tác xã tỉnh", "political_social", None, 30, None),
    ("Hiệp hội Doanh nghiệp tỉnh", "political_social", None, 25, None),
    ("Đại học Thái Nguyên", "university", None, 3200, None),
    ("Trung tâm Số - Đại học Thái Nguyên", "university", None, 60, "Đại học Thái Nguyên"),
    ("Trường Cao đẳng Công nghiệp Thái Nguyên", "university", "D165", 380, None),
    ("Trường THPT Chuyên Thái Nguyên", "school", None, 130, "Sở Giáo dục và Đào tạo"),
    ("Trường THPT Đại Từ", "school", "D171", 95, "Sở Giáo dục và Đào tạo"),
    ("Trường THPT Phú Bình", "school", "D173", 90, "Sở Giáo dục và Đào tạo"),
    ("Trường THPT Định Hóa", "school", "D167", 80, "Sở Giáo dục và Đào tạo"),
    ("Trường THPT Võ Nhai", "school", "D170", 70, "Sở Giáo dục và Đào tạo"),
    ("Trường THPT Sông Công", "school", "D165", 85, "Sở Giáo dục và Đào tạo"),
    ("Khu công nghiệp Yên Bình", "industrial_zone", "D172", 65000, "Ban Quản lý các khu công nghiệp"),
    ("Khu công nghiệp Điềm Thụy", "industrial_zone", "D173", 12000, "Ban Quản lý các khu công nghiệp"),
    ("Khu công nghiệp Sông Công I", "industrial_zone", "D165", 18000, "Ban Quản lý các khu công nghiệp"),
    ("Công ty TNHH Điện tử Phổ Yên", "enterprise", "D172", 4200, "Khu công nghiệp Yên Bình"),
    ("Công ty CP Cơ khí Sông Công", "enterprise", "D165", 650, "Khu công nghiệp Sông Công I"),
    ("Công ty TNHH May Phú Bình", "enterprise", "D173", 1100, "Khu công nghiệp Điềm Thụy"),
    ("Công ty CP Gang thép Thái Nguyên", "enterprise", None, 2800, None),
    ("Công ty CP Chè Tân Cương", "enterprise", None, 140, None),
    ("Hợp tác xã Chè La Bằng", "cooperative", "D171", 45, None),
    ("Hợp tác xã Chè Tân Cương Xanh", "cooperative", None, 30, None),
    ("Hợp tác xã Nông nghiệp Định Hóa", "cooperative", "D167", 38, None),
    ("Hợp tác xã Dịch vụ Võ Nhai", "cooperative", "D170", 25, None),
    ("Nhóm hộ kinh doanh chợ Thái", "household_group", None, 160, None),
    ("Nhóm hộ kinh doanh chợ Đu", "household_group", "D168", 85, None),
    ("Nhóm hộ kinh doanh thị trấn Hùng Sơn", "household_group", "D171", 70, None),
    ("UBND huyện Đại Từ", "agency", "D171", 160, None),
    ("UBND huyện Phú Bình", "agency", "D173", 150, None),
    ("UBND huyện Định Hóa", "agency", "D167", 140, None),
    ("UBND huyện Võ Nhai", "agency", "D170", 130, None),
    ("UBND huyện Phú Lương", "agency", "D168", 135, None),
    ("UBND huyện Đồng Hỷ", "agency", "D169", 140, None),
    ("UBND thành phố Phổ Yên", "agency", "D172", 170, None),
    ("UBND thành phố Sông Công", "agency", "D165", 150, None),
    ("UBND thành phố Thái Nguyên", "agency", "D164", 260, None),
]

# The department mergers of 1/3/2025 (the national reorganisation of provincial departments, Decree 45/2025/NĐ-CP
# of 28/02/2025, in force 1/3/2025): (source, successor). The province's own resolution numbers are not recorded
# here; the decision text says so.
MERGER_DAY = (2025, 3, 1)
MERGER_DECISION = ("Nghị định 45/2025/NĐ-CP ngày 28/02/2025 (tổ chức các cơ quan chuyên môn thuộc UBND tỉnh); "
                   "số nghị quyết của tỉnh: chưa ghi (dữ liệu mẫu)")
MERGERS = [
    ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),
    ("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),
]
