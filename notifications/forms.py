from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery
from .selectors import KindSetting

FIELD_PREFIX = "kind__"


class PreferencesForm(forms.Form):
    """One required choice per registered kind: at once, daily digest, or inbox only."""

    def __init__(self, *args, settings: list[KindSetting], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind_settings = settings
        for setting in settings:
            default_label = Delivery(setting.default_delivery).label
            self.fields[FIELD_PREFIX + setting.code] = forms.ChoiceField(
                label=setting.label,
                choices=Delivery.choices,
                initial=setting.delivery,
                widget=forms.RadioSelect,
                help_text=_("Default: %(default)s") % {"default": default_label},
                error_messages={
                    "required": _("Choose how you want to hear about this."),
                    "invalid_choice": _("Choose one of the options shown."),
                },
            )

    def deliveries(self) -> dict[str, str]:
        return {
            name.removeprefix(FIELD_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(FIELD_PREFIX)
        }
