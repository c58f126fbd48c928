from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.models.report import REPORT_KINDS
from app.web.choices import IdSelectField, choices


class ReportForm(FlaskForm):
    kind = SelectField("Loại báo cáo", choices=choices(REPORT_KINDS), default="workbook", validate_choice=False,
                       description="Báo cáo tổng kết năm lấy năm của quý đã chọn.")
    quarter = SelectField("Quý báo cáo", validate_choice=False)
    area_id = IdSelectField("Phạm vi (địa bàn)")


def _long(label: str, limit: int = 20000):
    return TextAreaField(label, validators=[Length(max=limit, message=f"“{label}” dài quá {limit:,} ký tự.".replace(",", "."))])


class NarrativeForm(FlaskForm):
    number = StringField("Số, ký hiệu", validators=[Length(max=60, message="“Số, ký hiệu” dài quá 60 ký tự.")],
                         description="Ví dụ: …/BC-BCĐ (để trống phần số, văn thư điền khi đăng ký văn bản).")
    results_note = _long("Phần I — nội dung thêm về kết quả thực hiện")
    difficulties = _long("II. Khó khăn, vướng mắc")
    proposals = _long("III. Đề xuất, kiến nghị")
    recipients = _long("Nơi nhận (mỗi dòng một nơi)", 4000)
    signer_title = TextAreaField("Chức vụ người ký (mỗi dòng một dòng in)", validators=[
        Length(max=160, message="“Chức vụ người ký” dài quá 160 ký tự.")])
    signer_name = StringField("Họ và tên người ký", validators=[
        Length(max=120, message="“Họ và tên người ký” dài quá 120 ký tự.")])
