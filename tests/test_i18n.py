"""The interface is bilingual: Spanish by default, English on request.

The Spanish catalogue must be complete (no empty or fuzzy entry), its compiled
.mo must match the .po (the .mo is committed), and pages must switch language.
After adding strings, run bin/update-translations.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def read_po(path: Path = PO) -> list[dict]:
    """The live entries of a .po file (obsolete "#~" ones left out), each a dict
    of msgctxt / msgid / msgid_plural / msgstr / msgstr[n], plus its "flags"."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, flags, key, obsolete = {}, set(), None, False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := _KEYWORD.match(line):
                key = match.group(1)
                entry[key] = _unquote(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += _unquote(line)
        if obsolete or "msgid" not in entry:
            continue
        entry["flags"] = flags
        entries.append(entry)
    return entries


def _messages(entries):
    """Entries other than the header."""
    return [e for e in entries if e["msgid"] or "msgctxt" in e]


def _translations(entry) -> list[str]:
    return [v for k, v in sorted(entry.items()) if k.startswith("msgstr")]


def _placeholders(text: str) -> set[str]:
    named = re.findall(r"%\([A-Za-z_]\w*\)[sdif]", text)
    positional = re.findall(r"%[sdif]", text.replace("%%", ""))
    braces = re.findall(r"\{[A-Za-z_]\w*\}", text)
    return set(named) | set(positional) | set(braces)


def test_the_spanish_catalogue_has_entries():
    # Guards the tests below against a parser that reads nothing.
    assert len(_messages(read_po())) > 300


def test_every_spanish_entry_is_translated_and_not_fuzzy():
    problems = []
    for entry in _messages(read_po()):
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        elif not all(_translations(entry)) or not _translations(entry):
            problems.append(f"untranslated: {entry['msgid']!r}")
    assert not problems, "Translate these in locale/es (bin/update-translations):\n" + "\n".join(
        problems
    )


def test_plural_entries_have_every_spanish_plural_form():
    header = next(e for e in read_po() if e["msgid"] == "" and "msgctxt" not in e)
    nplurals = int(re.search(r"nplurals=(\d+)", header["msgstr"]).group(1))
    plurals = [e for e in _messages(read_po()) if "msgid_plural" in e]
    assert plurals
    for entry in plurals:
        assert len(_translations(entry)) == nplurals, entry["msgid"]


def test_translations_keep_the_placeholders_of_the_english_text():
    wrong = []
    for entry in _messages(read_po()):
        if "python-format" not in entry["flags"] and "python-brace-format" not in entry["flags"]:
            continue
        english = _placeholders(entry["msgid"]) | _placeholders(entry.get("msgid_plural", ""))
        for translation in _translations(entry):
            if _placeholders(translation) - english or (
                "msgid_plural" not in entry and _placeholders(translation) != english
            ):
                wrong.append(f"{entry['msgid']!r} -> {translation!r}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalogue_is_up_to_date_with_the_po():
    """django.mo is committed; it must say what django.po says
    (run bin/update-translations after editing the .po)."""
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = []
    for entry in _messages(read_po()):
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            forms = {1: entry["msgstr[0]"], 5: entry[f"msgstr[{catalogue.plural(5)}]"]}
            for n, expected in forms.items():
                if context is None:
                    got = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], n)
                else:
                    got = catalogue.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                if got != expected:
                    stale.append(f"{entry['msgid']!r} (n={n}): .mo has {got!r}")
        else:
            if context is None:
                got = catalogue.gettext(entry["msgid"])
            else:
                got = catalogue.pgettext(context, entry["msgid"])
            if got != entry["msgstr"]:
                stale.append(f"{entry['msgid']!r}: .mo has {got!r}")
    assert not stale, "django.mo is stale; run bin/update-translations:\n" + "\n".join(stale)


# --- Pages in both languages ---------------------------------------------------------


def choose_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_home_page_is_in_spanish_by_default_and_in_english_when_chosen(client):
    spanish = client.get(reverse("home")).content.decode()
    assert '<html lang="es"' in spanish
    assert "Para personas científicas en el extranjero" in spanish
    assert "Iniciar sesión" in spanish
    assert "For scientists abroad" not in spanish

    choose_english(client)
    english = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in english
    assert "For scientists abroad" in english
    assert "Log in" in english
    assert "Para personas científicas en el extranjero" not in english


@pytest.mark.django_db
def test_login_page_is_in_spanish_by_default_and_in_english_when_chosen(client):
    spanish = client.get(reverse("account_login")).content.decode()
    assert '<html lang="es"' in spanish
    assert "Contraseña" in spanish
    assert "Password" not in spanish
    # allauth's own Spanish says "usted"; our catalogue re-translates it to "tú".
    assert "¿Olvidaste tu contraseña?" in spanish

    choose_english(client)
    english = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in english
    assert "Password" in english
    assert "Forgot your password?" in english
    assert "Contraseña" not in english


def test_project_list_is_in_spanish_by_default_and_in_english_when_chosen(client, roles):
    client.force_login(roles.scientist)
    url = reverse("profiles:project_list")
    spanish = client.get(url).content.decode()
    assert "Proyectos abiertos" in spanish
    assert "Se encontraron 2 proyectos abiertos." in spanish
    assert "Proyecto académico" in spanish and "Sin financiamiento" in spanish
    assert "18 meses" in spanish
    assert "II. Biología y Química" in spanish
    assert "Cerrar sesión" in spanish

    choose_english(client)
    english = client.get(url).content.decode()
    assert "2 open projects found." in english
    assert "Academic project" in english and "No funding" in english
    assert "18 months" in english
    assert "II. Biology and chemistry" in english
    assert "Log out" in english
    assert "Proyectos abiertos" not in english
    roles.scientist.refresh_from_db()
    assert roles.scientist.preferred_language == "en"


def test_profile_form_names_countries_and_languages_in_the_interface_language(client, roles):
    client.force_login(roles.scientist)
    url = reverse("profiles:my_profile")
    spanish = client.get(url).content.decode()
    assert ">Alemania<" in spanish and ">Estados Unidos<" in spanish
    assert re.search(r">\s*Alemán\s*<", spanish) and re.search(r">\s*Inglés\s*<", spanish)
    assert ">Germany<" not in spanish

    choose_english(client)
    english = client.get(url).content.decode()
    assert ">Germany<" in english and ">United States<" in english
    assert re.search(r">\s*German\s*<", english) and re.search(r">\s*English\s*<", english)
    assert ">Alemania<" not in english


def test_new_project_form_labels_are_in_spanish_by_default(client, roles):
    client.force_login(roles.member)
    html = client.get(reverse("profiles:project_create")).content.decode()
    assert re.search(r'for="id_institution"[^>]*>\s*Institución:', html)
    assert re.search(r'for="id_title"[^>]*>\s*Título:', html)
    assert not re.search(r"for=\"id_\w+\"[^>]*>\s*Institution:", html)


# --- Text in the reader's language, never frozen at start-up -------------------------


@pytest.mark.parametrize(
    ("url_name", "who"),
    [("profiles:my_profile", "scientist"), ("profiles:project_create", "member")],
)
def test_profile_and_project_forms_give_hints_in_the_interface_language(
    client, roles, url_name, who
):
    client.force_login(getattr(roles, who))
    url = reverse(url_name)
    spanish = client.get(url).content.decode()
    assert "Entre 1 y 200." in spanish
    assert "Between 1 and 200." not in spanish

    choose_english(client)
    english = client.get(url).content.decode()
    assert "Between 1 and 200." in english
    assert "Entre 1 y 200." not in english


def _declared_form_fields():
    from django import forms

    import accounts.forms
    import agreements.forms
    import matching.forms
    import profiles.forms

    for module in (accounts.forms, agreements.forms, matching.forms, profiles.forms):
        for name, form in vars(module).items():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                for field_name, field in form.base_fields.items():
                    yield f"{module.__name__}.{name}.{field_name}", field


def test_form_labels_and_hints_are_translated_when_shown_not_at_start_up():
    """A label or hint formatted at import time stays in the language active then."""
    from django.utils.functional import Promise

    frozen = [
        f"{where}.{attribute} = {text!r}"
        for where, field in _declared_form_fields()
        for attribute in ("label", "help_text")
        if (text := getattr(field, attribute)) and not isinstance(text, Promise)
    ]
    assert not frozen, "\n".join(frozen)


def test_language_names_in_spanish_come_from_the_cldr(client, roles):
    client.force_login(roles.scientist)
    html = client.get(reverse("profiles:my_profile")).content.decode()
    for name in ("Amárico", "Afrikáans", "Quechua"):
        assert re.search(rf">\s*{name}\s*<", html), name
    for wrong in ("Ámárico", "Africano"):
        assert wrong not in html


# --- Dates with the month written out ----------------------------------------------


def test_lists_write_the_month_out_in_both_languages(client, roles):
    import datetime

    roles.project.starts_on = datetime.date(2027, 3, 11)
    roles.project.save()
    client.force_login(roles.scientist)
    url = reverse("profiles:project_list")
    assert "11 mar 2027" in client.get(url).content.decode()
    choose_english(client)
    english = client.get(url).content.decode()
    assert "11 Mar 2027" in english
    assert "03/11/2027" not in english
