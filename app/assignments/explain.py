"""Why a suggestion: one Vietnamese sentence from the optimiser's reason code and the figures behind it.

Rules: the first clause says where the trainer works relative to the target (the reason tier, cheapest
first: same unit, same commune, same district, neighbouring district, elsewhere); the second says how many
classes they can still take and how many places the target still lacks.
"""

from __future__ import annotations

from app.assignments.need import Target


def explain(reason_code: str, trainer: str, target: Target, classes: int, spare: int, commune: str,
            district: str) -> str:
    where = f"{commune} ({district})" if commune and district else (commune or district or "nơi khác")
    first = {
        "same_unit": f"{trainer} là giảng viên của chính {target.name}",
        "same_commune": f"{trainer} đang làm việc ngay tại {target.name}",
        "same_district": f"{trainer} làm việc ở {commune or 'một xã'}, cùng {district or 'huyện'} với {target.name}",
        "neighbour_district": f"{trainer} làm việc ở {where}, huyện giáp ranh với {target.place or target.name}",
        "elsewhere": f"Không còn giảng viên rảnh ở gần hơn; {trainer} làm việc ở {where}",
    }[reason_code]
    lack = target.shortfall
    return (f"{first}. Còn nhận được {spare} lớp; gợi ý nhận {classes} lớp tại {target.name}, "
            f"nơi còn thiếu {lack} trên {target.need} chỗ giảng viên.")
