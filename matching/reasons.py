"""Reasons are stored language-neutral ({"code", "params"}) and rendered here,
in the active language, as plain sentences.

``audience="scientist"`` speaks to the scientist ("You studied at UNAM...");
the default is neutral, for the project's side, exports and coordinators.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from profiles import vocab


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _field(code: str) -> str:
    try:
        return vocab.field_label(code)
    except ValueError:
        return str(code)


def _state(code: str) -> str:
    return vocab.mexican_states().get(code, code)


def _month(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return formats.date_format(datetime.date.fromisoformat(iso), "YEAR_MONTH_FORMAT")
    except ValueError:
        return iso


def _quote(sentence: str) -> str:
    sentence = " ".join(str(sentence).split())
    if not sentence:
        return ""
    if len(sentence) > 240:
        sentence = sentence[:239].rstrip() + "…"
    return _("“%(sentence)s”") % {"sentence": sentence.rstrip(".;:,")}


def _languages(codes: list[str]) -> str:
    names = vocab.languages()
    return _join([names.get(code, code) for code in codes])


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _months(n: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}


def _project_kind(code: str) -> str:
    """A whole sentence naming the project's kind of collaboration: articles and
    gender differ per kind in Spanish, so each kind has its own sentence."""
    sentences = {
        vocab.CollaborationType.ACADEMIC_PROJECT: _("This is an academic project."),
        vocab.CollaborationType.NGO_PROJECT: _("This is an NGO project."),
        vocab.CollaborationType.GOVERNMENT_PROJECT: _("This is a government project."),
        vocab.CollaborationType.INDUSTRY_PROJECT: _("This is an industry project."),
        vocab.CollaborationType.TEACHING: _("This is a teaching collaboration."),
        vocab.CollaborationType.MENTORING: _("This is a mentoring collaboration."),
        vocab.CollaborationType.SCIENCE_COMMUNICATION: _(
            "This is a science communication collaboration."
        ),
        vocab.CollaborationType.ADVISORY: _("This is an advisory collaboration."),
    }
    if code in sentences:
        return sentences[code]
    return _("Kind of collaboration: %(type)s.") % {"type": code}


def _collaboration(code: str, p: dict, you: bool) -> str:
    kind = _project_kind(p.get("type", ""))
    if code == "collaboration_type":
        fit = (
            _("It is a kind of collaboration you are looking for.")
            if you
            else _("It is a kind of collaboration the scientist is looking for.")
        )
    elif code == "collaboration_related":
        wanted = {"wanted": _label(vocab.CollaborationType, p.get("wanted", ""))}
        fit = (
            _("It is close to a kind you are looking for: %(wanted)s.")
            if you
            else _("It is close to a kind the scientist is looking for: %(wanted)s.")
        ) % wanted
    else:
        fit = (
            _("It is not a kind of collaboration you are looking for.")
            if you
            else _("It is not a kind of collaboration the scientist is looking for.")
        )
    return f"{kind} {fit}"


def _timeline_fit(p: dict, you: bool) -> str:
    """One whole sentence for each combination of the facts known."""
    first = p.get("first_results_months")
    start = _month(p.get("available_from"))
    horizon = p.get("horizon_months")
    args = {
        "first": _months(first or 0),
        "date": start,
        "months": _months(horizon or 0),
    }
    if first is not None and start and horizon:
        text = (
            _(
                "The project expects first results in %(first)s; you are available "
                "from %(date)s for %(months)s."
            )
            if you
            else _(
                "The project expects first results in %(first)s; the scientist is "
                "available from %(date)s for %(months)s."
            )
        )
    elif first is not None and start:
        text = (
            _("The project expects first results in %(first)s; you are available from %(date)s.")
            if you
            else _(
                "The project expects first results in %(first)s; the scientist is "
                "available from %(date)s."
            )
        )
    elif first is not None:
        text = _("The project expects first results in %(first)s.")
    elif start and horizon:
        text = (
            _("You are available from %(date)s for %(months)s.")
            if you
            else _("The scientist is available from %(date)s for %(months)s.")
        )
    elif start:
        text = (
            _("You are available from %(date)s.")
            if you
            else _("The scientist is available from %(date)s.")
        )
    else:
        return _("The start dates fit.")
    return text % args


def render_reason(reason: dict, audience: str | None = None) -> str:
    code = reason.get("code", "")
    p = reason.get("params") or {}
    you = audience == "scientist"
    if code == "project_not_open":
        return _("The project is not open (%(status)s).") % {
            "status": _label(vocab.ProjectStatus, p.get("status", ""))
        }
    if code == "no_common_language":
        return _(
            "No common language: the scientist speaks %(mine)s; the project works in %(theirs)s."
        ) % {
            "mine": _languages(p.get("scientist_languages") or ["es"]),
            "theirs": _languages(p.get("project_languages") or ["es"]),
        }
    if code == "same_field":
        return _("Both in %(field)s.") % {"field": _field(p.get("field", ""))}
    if code == "same_area":
        return _("Both in the area %(area)s.") % {"area": _field(p.get("area", ""))}
    if code == "interdisciplinary":
        return _("Interdisciplinary link: %(mine)s and %(theirs)s.") % {
            "mine": _field(p.get("scientist_field", "")),
            "theirs": _field(p.get("project_field", "")),
        }
    if code == "different_fields":
        return _("The fields are different.")
    if code == "keyword_match":
        args = {"mine": p.get("scientist_keyword", ""), "theirs": p.get("project_keyword", "")}
        if you:
            return _("Your keyword '%(mine)s' matches '%(theirs)s'.") % args
        return _("The scientist's keyword '%(mine)s' matches the project's '%(theirs)s'.") % args
    if code == "close_in_meaning":
        args = {
            "project": _quote(p.get("project_sentence", "")),
            "scientist": _quote(p.get("scientist_sentence", "")),
        }
        if args["project"] and args["scientist"]:
            if you:
                return (
                    _(
                        "Your profile and the project describe closely related work: "
                        "the project says %(project)s and you wrote %(scientist)s."
                    )
                    % args
                )
            return (
                _(
                    "The profile and the project describe closely related work: "
                    "the project says %(project)s and the profile says %(scientist)s."
                )
                % args
            )
        if you:
            return _("Your profile and the project describe closely related work.")
        return _("The profile and the project describe closely related work.")
    if code == "shared_terms":
        return _("Both texts mention %(terms)s.") % {"terms": _join(p.get("terms", []))}
    if code == "shared_goals":
        return _("Shared goals: %(goals)s.") % {
            "goals": _join([_label(vocab.Goal, g) for g in p.get("goals", [])])
        }
    if code in ("collaboration_type", "collaboration_related", "collaboration_mismatch"):
        return _collaboration(code, p, you)
    if code == "timeline_fit":
        return _timeline_fit(p, you)
    if code == "late_start":
        args = {
            "months": _months(p.get("months", 0)),
            "first": _months(p.get("first_results_months", 0)),
            "date": _month(p.get("available_from")),
        }
        if you:
            return (
                _(
                    "You are available from %(date)s, %(months)s after the project starts; "
                    "it expects first results in %(first)s."
                )
                % args
            )
        return (
            _(
                "The scientist is available from %(date)s, %(months)s after the project starts; "
                "it expects first results in %(first)s."
            )
            % args
        )
    if code == "short_horizon":
        return _("The project lasts %(duration)s; the horizon offered is %(horizon)s.") % {
            "duration": _months(p.get("duration_months", 0)),
            "horizon": _months(p.get("horizon_months", 0)),
        }
    if code in ("hours_ok", "hours_short"):
        args = {"offered": p.get("offered", 0), "needed": p.get("needed", 0)}
        if code == "hours_ok":
            return _("%(offered)s hours a month offered; the project needs %(needed)s.") % args
        return _("Only %(offered)s hours a month offered; the project needs %(needed)s.") % args
    if code == "timeline_assumed":
        return _("Some timeline data is missing; a neutral value was used for it.")
    if code == "alma_mater":
        args = {"alma": p.get("alma_mater", ""), "institution": p.get("institution", "")}
        if you:
            return _("You studied at %(alma)s, the project's institution.") % args
        return _("The scientist studied at %(alma)s, the project's institution.") % args
    if code == "state_of_interest":
        args = {"state": _state(p.get("state", ""))}
        if you:
            return _("The institution is in %(state)s, one of your states of interest.") % args
        return (
            _("The institution is in %(state)s, one of the scientist's states of interest.") % args
        )
    return str(code)


def render_reasons(reasons: list[dict], audience: str | None = None) -> list[str]:
    """Plain sentences in the active language (wrap in translation.override to pick one)."""
    return [render_reason(r, audience) for r in reasons or []]
