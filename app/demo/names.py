"""Name pools for synthetic persons: common Vietnamese family, middle and given names."""

FAMILY = [
    ("Nguyễn", 30), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4), ("Đặng", 3), ("Bùi", 3),
    ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 3), ("Lý", 1), ("Hà", 3), ("Ma", 2), ("Nông", 2),
    ("Lương", 2), ("Triệu", 1), ("Đàm", 1), ("Chu", 1), ("Phan", 2), ("Trịnh", 1), ("Đinh", 2), ("Lưu", 1),
]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Tiến", "Thanh", "Xuân", "Ngọc", "Mạnh", "Công", "Trung"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thúy", "Kim", "Diệu", "Mai", "Bích"]
GIVEN_MALE = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Nam", "Phong",
    "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Vinh", "Hoàng", "Kiên", "Lâm", "Tú",
]
GIVEN_FEMALE = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
    "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết", "Vân", "Yến", "Huyền", "My",
]
ETHNIC_LOWLAND = [("Kinh", 88), ("Tày", 5), ("Nùng", 3), ("Sán Dìu", 3), ("Hoa", 1)]
ETHNIC_UPLAND = [("Kinh", 45), ("Tày", 25), ("Nùng", 12), ("Dao", 7), ("Sán Chay", 5), ("Mông", 4), ("Sán Dìu", 2)]
# Districts where ethnic minorities are a large share of residents (old 2024 codes).
UPLAND_DISTRICTS = {"D167", "D168", "D170", "D171"}  # Định Hóa, Phú Lương, Võ Nhai, Đại Từ
PHONE_PREFIXES = ["91", "94", "97", "98", "86", "88", "35", "36", "37", "38", "39", "70", "76", "77", "78",
                  "79", "81", "82", "83", "84", "85", "96", "32", "33", "34", "90", "93", "89"]
TOPICS = {
    1: ["Soạn thảo văn bản với AI", "Tìm kiếm và tổng hợp thông tin bằng AI", "AI cho công việc văn phòng"],
    2: ["Làm video ngắn với AI", "Thiết kế ảnh quảng bá sản phẩm", "Xây dựng kênh bán hàng trên mạng xã hội"],
    3: ["Tư duy giải quyết vấn đề cùng AI", "Tối ưu quy trình công việc", "Phân tích tình huống với AI"],
    4: ["Tổ chức dữ liệu cá nhân và đơn vị", "Khai thác dữ liệu lớn", "Xây dựng kho tri thức"],
    5: ["Thử nghiệm giải pháp mới với AI", "Đổi mới mô hình kinh doanh", "Cải tiến quy trình sản xuất"],
}
