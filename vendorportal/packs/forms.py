"""Forms: ask for a pack now; a pack schedule."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from vendorportal.contracts.forms import MultiCheckboxField
from vendorportal.core.forms import choices
from vendorportal.packs import domain

LANGUAGE_CHOICES = (("ja", "日本語"), ("en", "English"))


class PackRequestForm(FlaskForm):
    kind = SelectField(_l("Pack"), validators=[InputRequired()],
                       choices=choices([("vendor", _l("Vendor pack")), ("portfolio", _l("Portfolio pack"))]))
    vendor_id = SelectField(_l("Vendor"), coerce=int, validators=[Optional()])
    period = StringField(_l("Month (YYYY-MM)"), validators=[
        DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Use the form YYYY-MM, e.g. 2026-10."))])
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES), validators=[InputRequired()])


def _time_of_day(_form, field) -> None:
    try:
        domain.parse_time(field.data or "")
    except ValueError:
        raise ValidationError(_l("Use a 24-hour time HH:MM, e.g. 09:00.")) from None


class ScheduleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    frequency = SelectField(_l("Frequency"), validators=[InputRequired()],
                            choices=choices([("monthly", _l("Monthly")), ("quarterly", _l("Quarterly"))]),
                            description=_l("Quarterly schedules run in January, April, July and October."))
    day = IntegerField(_l("Day of the month"), validators=[InputRequired(), NumberRange(min=1, max=31)],
                       description=_l("In shorter months the schedule runs on the last day."))
    time_of_day = StringField(_l("Time (HH:MM)"), validators=[DataRequired(), _time_of_day],
                              render_kw={"type": "time"})
    vendor_packs = BooleanField(_l("A pack for each vendor"), default=True)
    portfolio_pack = BooleanField(_l("The portfolio pack"), default=True)
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES), validators=[InputRequired()])
    recipients = MultiCheckboxField(_l("Recipients"), coerce=int, validators=[Optional()])
    is_active = BooleanField(_l("Active"), default=True)

    def validate_portfolio_pack(self, field) -> None:
        if not field.data and not self.vendor_packs.data:
            raise ValidationError(_l("Choose at least one kind of pack."))
