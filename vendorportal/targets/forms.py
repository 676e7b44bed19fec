"""Target, forecast and reported-metric forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from vendorportal.core.forms import choices

PERIOD = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Use a month like 2026-04."))


class TargetForm(FlaskForm):
    metric = SelectField(_l("Metric"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"))
    channel = SelectField(_l("Channel"), validators=[Optional()])
    target = DecimalField(_l("Target"), places=None, validators=[InputRequired()])
    minimum = DecimalField(_l("Minimum acceptable"), places=None, validators=[Optional()],
                           description=_l("Below it (above it for lower-is-better metrics) the SLA is breached."))
    weight = DecimalField(_l("Weight"), places=None, default=1, validators=[InputRequired(), NumberRange(min=0)])
    credit_allocation_percent = DecimalField(_l("Credit allocation percent"), places=None, default=0,
                                             validators=[Optional(), NumberRange(0, 100)],
                                             description=_l("Share of the at-risk amount a breach costs (SLA only)."))
    effective_from = StringField(_l("Effective from (YYYY-MM)"), validators=[DataRequired(), PERIOD])

    def __init__(self, *args, metric_choices=(), channel_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.metric.choices = choices(metric_choices)
        self.kind.choices = choices([("sla", _l("SLA (service credits apply)")), ("kpi", _l("KPI (tracked only)"))])
        self.channel.choices = choices([("", _l("All channels")), *channel_choices])


class ForecastForm(FlaskForm):
    period = StringField(_l("Month (YYYY-MM)"), validators=[DataRequired(), PERIOD])
    offered = IntegerField(_l("Forecast offered contacts"), validators=[InputRequired(), NumberRange(min=0)])


class CustomMetricForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)],
                      description=_l("Vendors upload it in a column custom_<key>."))
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_ja = StringField(_l("Name in Japanese"), validators=[DataRequired(), Length(max=200)])
    unit = SelectField(_l("Unit"), choices=choices([(u, u) for u in ("%", "s", "points", "score", "count", "ratio")]))
    direction = SelectField(_l("Better when"), choices=choices([("higher", _l("higher")), ("lower", _l("lower"))]))
