"""Sign-in, password and language forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from vendorportal.core.forms import choices


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=choices([("en", "English"), ("ja", "日本語")]))
    next = HiddenField()
