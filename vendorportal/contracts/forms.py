"""Contract and contract-document forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from vendorportal.contracts.models import ServiceLevelFormula
from vendorportal.core.forms import choices
from vendorportal.core.labels import enum_label
from vendorportal.core.money import CURRENCIES
from vendorportal.metrics.domain import CHANNELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ContractForm(FlaskForm):
    vendor_id = SelectField(_l("Vendor"), coerce=int, validators=[InputRequired()])
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=60)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    channels = MultiCheckboxField(_l("Channels in scope"), validators=[DataRequired()])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    notice_days = IntegerField(_l("Notice period (days)"), default=90,
                               validators=[InputRequired(), NumberRange(0, 3650)])
    auto_renewal = BooleanField(_l("Renews automatically"))
    monthly_fee = DecimalField(_l("Monthly fee"), validators=[InputRequired(), NumberRange(min=0)])
    currency = SelectField(_l("Currency"), choices=choices((c, c) for c in CURRENCIES), default="JPY")
    at_risk_percent = DecimalField(_l("At-risk percent"), default=10, validators=[InputRequired(), NumberRange(0, 100)],
                                   description=_l("Cap of the month's service credits, as a share of the monthly fee."))
    earn_back_months = IntegerField(_l("Earn-back months"), default=0, validators=[InputRequired(), NumberRange(0, 24)],
                                    description=_l("0 means credits cannot be earned back."))
    sl_threshold_seconds = IntegerField(_l("Service-level threshold (seconds)"), default=20,
                                        validators=[InputRequired(), NumberRange(1, 3600)])
    short_abandon_seconds = IntegerField(_l("Short-abandon threshold (seconds)"), default=5,
                                         validators=[InputRequired(), NumberRange(0, 120)])
    service_level_formula = SelectField(_l("Service-level formula"), choices=[])
    email_response_hours = IntegerField(_l("E-mail response target (hours)"), default=24,
                                        validators=[InputRequired(), NumberRange(1, 720)])
    volume_tolerance_percent = DecimalField(_l("Volume tolerance percent"), default=10,
                                            validators=[InputRequired(), NumberRange(0, 1000)],
                                            description=_l("Queue-speed targets are relieved when volume "
                                                           "exceeds the forecast by more than this."))
    escalation_breaches = IntegerField(_l("Escalate after breaches"), default=3,
                                       validators=[InputRequired(), NumberRange(1, 36)])
    escalation_window_months = IntegerField(_l("within months"), default=6,
                                            validators=[InputRequired(), NumberRange(1, 36)])
    submission_due_day = IntegerField(_l("Data due by day of next month"), default=10,
                                      validators=[InputRequired(), NumberRange(1, 28)])
    vendor_can_view_packs = BooleanField(_l("Vendor may see its review packs"))

    def __init__(self, *args, vendor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor_id.choices = choices(vendor_choices)
        self.channels.choices = choices((c, enum_label(c)) for c in CHANNELS)
        self.service_level_formula.choices = choices((f.value, enum_label(f)) for f in ServiceLevelFormula)


class DocumentForm(FlaskForm):
    title = StringField(_l("Document title"), validators=[Optional(), Length(max=200)],
                        description=_l("Use the same title to upload a new version."))
    file = FileField(_l("File (PDF, Word or Excel)"), validators=[FileRequired()])
