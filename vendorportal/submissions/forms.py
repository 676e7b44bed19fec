"""Upload and review forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from vendorportal.core.forms import choices


class UploadForm(FlaskForm):
    period = StringField(_l("Month (YYYY-MM)"), validators=[
        DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Use a month like 2026-04."))])
    file = FileField(_l("File (CSV or Excel)"), validators=[FileRequired()])
    number_format = SelectField(
        _l("Numbers in the file"), default="",
        choices=choices([("", _l("Tell from the file")), ("1,234.5", _l("1,234.5 (decimal point)")),
                         ("1.234,5", _l("1.234,5 (decimal comma)"))]),
        description=_l("Only needed when the file's numbers could be read both ways, such as 8.052."))


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)],
                            description=_l("Required when you return the data: say what to fix."))


