"""User administration and token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from vendorportal.auth.models import Role
from vendorportal.core.forms import choices
from vendorportal.core.labels import enum_label


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[])
    vendor_id = SelectField(_l("Vendor (vendor staff only)"), coerce=_optional_int, validators=[Optional()])
    language = SelectField(_l("Language"), choices=choices([("", "—"), ("en", "English"), ("ja", "日本語")]))
    is_active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=256)],
                             description=_l("At least 12 characters. Leave empty to keep the current password."))

    def __init__(self, *args, vendor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((r.value, enum_label(r)) for r in Role)
        self.vendor_id.choices = choices([("", "—"), *list(vendor_choices)])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("What the token is for, e.g. the monthly upload script."))


class RevokeForm(FlaskForm):
    pass
