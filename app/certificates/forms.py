from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.training.forms import options


class SelfAssessmentForm(FlaskForm):
    """The holder's follow-up answer, from the link printed on the certificate."""

    answer = RadioField("Sau khóa học, bạn đã áp dụng được điều đã học vào công việc, cuộc sống chưa?",
                        validators=[InputRequired("Vui lòng chọn một câu trả lời.")],
                        choices=options([("1", "Có, tôi đã áp dụng được"), ("0", "Chưa áp dụng được")]))
