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
# Checkboxes and radio buttons: one <input> per option, each through three templates.
MULTIPLE = {
    "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
}


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


def _input(option: dict) -> str:
    value = option["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    tag = (
        f'<input type="{conditional_escape(option["type"])}" '
        f'name="{conditional_escape(option["name"])}"{shown}{_attrs(option["attrs"])}>'
    )
    tag += "\n"  # as input.html ends
    if not option.get("wrap_label"):
        return tag
    target = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    return f"<label{label_for}>{tag} {conditional_escape(option['label'])}</label>"


def render_multiple(widget: dict) -> str:
    wid = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    out = ["<div"]
    if wid:
        out.append(f' id="{conditional_escape(wid)}"')
    if css:
        out.append(f' class="{conditional_escape(css)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_input(option)}\n\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _options_use(widget: dict, template_name: str) -> bool:
    return all(
        option.get("template_name") == template_name
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None:
            if template_name == SELECT and _options_use(widget, OPTION):
                return render_select(widget)
            if template_name in MULTIPLE and _options_use(widget, MULTIPLE[template_name]):
                return render_multiple(widget)
        return super().render(template_name, context, request)
