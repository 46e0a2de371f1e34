"""Django's form renderer, with <select> written in Python.

The stock select template includes one template per option (about 0.2 ms
each), so the filters and the profile form, with about 250 countries, 60
disciplines and 32 states, spent more time rendering their options than
querying the database. The HTML is the same, byte for byte (tested); any
other widget, and a select whose options use another template, go through the
templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{conditional_escape(str(value))}"')
    return "".join(out)


def render_select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _name, choices, _index in widget["optgroups"]
            for option in choices
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
