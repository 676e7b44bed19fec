"""Vendor form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from vendorportal.core.forms import choices
from vendorportal.core.labels import enum_label
from vendorportal.vendors.models import Tier


class VendorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Short unique code, e.g. ACME-JP."))
    tier = SelectField(_l("Tier"), choices=[])
    contact_name = StringField(_l("Contact name"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=50)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    is_active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = choices((t.value, enum_label(t)) for t in Tier)
