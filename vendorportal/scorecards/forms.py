"""Dispute forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class DisputeForm(FlaskForm):
    series_key = HiddenField(validators=[DataRequired()])
    period = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Why should this breach be relieved?"), validators=[DataRequired(), Length(max=4000)])


class DecisionForm(FlaskForm):
    decision_reason = TextAreaField(_l("Reason for the decision"), validators=[DataRequired(), Length(max=4000)])
