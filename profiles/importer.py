"""Bulk import of institutions, scientists, projects and agreements.

The file format is the public contract in ../shared/data-contract.md. The whole
payload is validated first; only when every record is valid is anything
written, all in one transaction. Records are upserted by ``ref``: a record
whose stored values already equal the file's is not saved again (no
``updated_at`` churn), so importing the same file twice changes nothing.

On update only the keys present in the record are applied; a key left out
keeps its stored value (a claimed profile edited by its owner keeps what the
file does not mention). On create a missing key takes its default: empty
text and lists, null numbers and dates, languages ["es"], position and kind
"other", collaboration type "academic_project", funding "none", seats 1,
max_collaborations 1,
project status "open"; an agreement's stage "active", its last activity its
start date (or today). Imported institutions are approved; imported
scientists have no user until someone signs up with their email.

Agreements also accept what export_agreements prints (signed_on, completed_on,
hours_per_month, coordinator as a coordinator's email, goals_text,
close_reason; days_since_activity and the readable scientist_name, project_title,
institution and coordinator_name are ignored), so an export imports back
unchanged. Milestones are matched by title within their agreement.

Messages are plain English: the command's output is a machine-read interface.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from agreements.models import (
    OPEN_STAGES,
    Agreement,
    AgreementEvent,
    Milestone,
    Stage,
    refresh_first_open_due_on,
)
from matching.signals import rescoring_suspended

from . import vocab
from .models import MAX_COLLABORATIONS, Institution, Project, ScientistProfile

SECTIONS = ("institutions", "scientists", "projects", "agreements")
BATCH = 500
# Sizes the data contract allows (README, "Limits"): lists of keywords, alma
# maters, codes and milestones; free texts; numbers are checked per field.
MAX_LIST_ITEMS = 100
MAX_LIST_ITEM_LENGTH = 200
MAX_SUMMARY_LENGTH = 5_000
MAX_TEXT_LENGTH = 10_000
# A JSON integer with more digits than this is out of every field's range; it is
# kept as HugeNumber so that its record gets the error, not the parser.
MAX_NUMBER_DIGITS = 100
# Keys that export_agreements prints but that are derived, not stored: accepted and ignored
# so that an export can be imported back.
IGNORED_AGREEMENT_KEYS = frozenset(
    {"days_since_activity", "scientist_name", "project_title", "institution", "coordinator_name"}
)


class ImportFormatError(Exception):
    """The input is not JSON or not the contract's shape: one message."""


class ImportValidationError(Exception):
    """One or more records are invalid; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class Invalid(Exception):
    """Raised by a field parser with the message to print."""


@dataclass
class SectionCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    counts: dict[str, SectionCounts] = field(
        default_factory=lambda: {s: SectionCounts() for s in SECTIONS}
    )
    changed_scientist_ids: list[int] = field(default_factory=list)
    changed_project_ids: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for name, c in self.counts.items()
        ]


# --------------------------------------------------------------------------- parsing


def load_payload(text: str | bytes, source: str = "input") -> dict:
    """Parse the JSON text; raise ImportFormatError if it is not JSON or not an object."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{source} is not UTF-8 text: {exc}") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFormatError(f"{source} is empty: expected a JSON object")
    try:
        payload = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ImportFormatError(f"{source} is not valid JSON: nested too deeply") from None
    check_shape(payload, source)
    if _LONE_SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(payload, "")
        if where is not None:
            raise ImportFormatError(
                f"{source} is not valid Unicode text: {where} contains a lone surrogate "
                "(an unpaired \\ud800-\\udfff escape)"
            )
    return payload


@dataclass(frozen=True)
class HugeNumber:
    """A JSON integer too long to be any field's value."""

    digits: int


def _parse_int(text: str) -> int | HugeNumber:
    digits = len(text.lstrip("-"))
    return HugeNumber(digits) if digits > MAX_NUMBER_DIGITS else int(text)


# Only JSON escapes can produce a lone surrogate (UTF-8 input cannot hold one).
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogate(value: Any, path: str) -> str | None:
    """The path of the first string (or key) holding a lone surrogate, if any."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "the file"
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str):
            where = f"{path}.{_printable(key)}" if path else _printable(key)
            if _lone_surrogate(key, where) is not None:
                return f"the key {where}"
        else:
            where = f"{path}[{key}]"
        found = _lone_surrogate(item, where)
        if found is not None:
            return found
    return None


def check_shape(payload: Any, source: str = "input") -> None:
    if not isinstance(payload, dict):
        raise ImportFormatError(
            f"{source} has the wrong shape: expected a JSON object with the sections "
            f"{', '.join(SECTIONS)}, got {_json_type(payload)}"
        )
    unknown = [k for k in payload if k not in SECTIONS]
    if unknown:
        raise ImportFormatError(
            f"{source} has the wrong shape: unknown section(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(SECTIONS)}"
        )
    for name in SECTIONS:
        if name in payload and not isinstance(payload[name], list):
            raise ImportFormatError(
                f"{source} has the wrong shape: section {name!r} must be a JSON array of "
                f"objects, got {_json_type(payload[name])}"
            )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, HugeNumber):
        return f"a number of {value.digits} digits"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# Field parsers: take the raw JSON value, return the stored value or raise Invalid.


def _string(max_length: int, *, required: bool = False) -> Callable[[Any], str]:
    def parse(value):
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise Invalid(f"must be a string, got {_json_type(value)}")
        value = value.strip()
        if "\x00" in value:
            raise Invalid("must not contain NUL characters")
        if required and not value:
            raise Invalid("must not be empty")
        if len(value) > max_length:
            raise Invalid(f"must be at most {max_length} characters (got {len(value)})")
        return value

    return parse


def _text_of_at_most(max_length: int) -> Callable[[Any], str]:
    def parse(value):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise Invalid(f"must be a string, got {_json_type(value)}")
        if "\x00" in value:
            raise Invalid("must not contain NUL characters")
        value = value.strip()
        if len(value) > max_length:
            raise Invalid(f"must be at most {max_length} characters (got {len(value)})")
        return value

    return parse


_text = _text_of_at_most(MAX_TEXT_LENGTH)
_summary = _text_of_at_most(MAX_SUMMARY_LENGTH)


def _check_list_length(value: list) -> None:
    if len(value) > MAX_LIST_ITEMS:
        raise Invalid(f"must have at most {MAX_LIST_ITEMS} items (got {len(value)})")


def _ref(value):
    if value is None:
        raise Invalid("is required")
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {_json_type(value)}")
    value = value.strip()
    if "\x00" in value:
        raise Invalid("must not contain NUL characters")
    if not value:
        raise Invalid("is required")
    if len(value) > 100:
        raise Invalid(f"must be at most 100 characters (got {len(value)})")
    return value


def _choice(choices: Iterable[str], what: str, *, default: str | None = None):
    allowed = list(choices)
    allowed_set = frozenset(allowed)

    def parse(value):
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            raise Invalid(f"must be a string, got {_json_type(value)}")
        if value not in allowed_set:
            raise Invalid(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
        return value

    return parse


def _code_list(
    valid: Callable[[str], str | None], what: str, exact: Callable[[], frozenset] | None = None
):
    """A list of codes; ``valid`` returns the normalised code or None when unknown.

    ``exact`` gives the codes as stored, for a fast path when every item is one.
    """

    def parse(value):
        if value is None:
            return []
        if not isinstance(value, list):
            raise Invalid(f"must be a list of {what} codes, got {_json_type(value)}")
        _check_list_length(value)
        if (
            exact is not None
            and all(type(item) is str for item in value)
            and exact().issuperset(value)
        ):
            return list(dict.fromkeys(value))
        result, bad = [], []
        for item in value:
            code = valid(item) if isinstance(item, str) else None
            if code is None:
                bad.append(item)
            elif code not in result:
                result.append(code)
        if bad:
            shown = ", ".join(json.dumps(b, ensure_ascii=False) for b in bad)
            raise Invalid(f"unknown {what} code(s) {shown}")
        return result

    return parse


def _string_list(max_length: int = MAX_LIST_ITEM_LENGTH):
    def parse(value):
        if value is None:
            return []
        if not isinstance(value, list):
            raise Invalid(f"must be a list of strings, got {_json_type(value)}")
        _check_list_length(value)
        result, seen = [], set()
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise Invalid(f"item {i} must be a string, got {_json_type(item)}")
            item = item.strip()
            if "\x00" in item:
                raise Invalid(f"item {i} must not contain NUL characters")
            if not item:
                raise Invalid(f"item {i} must not be empty")
            if len(item) > max_length:
                raise Invalid(f"item {i} must be at most {max_length} characters")
            if item not in seen:
                seen.add(item)
                result.append(item)
        return result

    return parse


def _member(values: Iterable[str]) -> Callable[[str], str | None]:
    allowed = frozenset(values)
    return lambda code: code if code in allowed else None


def _members_list(values: Iterable[str], what: str):
    allowed = frozenset(values)
    return _code_list(_member(allowed), what, lambda: allowed)


@cache
def _state_codes() -> frozenset:
    return frozenset(vocab.mexican_states())


@cache
def _language_codes() -> frozenset:
    return frozenset(vocab.languages())


def _country_code(code: str) -> str | None:
    code = code.strip().upper()
    return code if code in vocab.countries() else None


def _state_code(code: str) -> str | None:
    code = code.strip().upper()
    if not code.startswith("MX-"):
        code = f"MX-{code}"
    return code if code in vocab.mexican_states() else None


def _language_code(code: str) -> str | None:
    code = code.strip().lower()
    return code if code in vocab.languages() else None


def _country(value):
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {_json_type(value)}")
    code = _country_code(value)
    if code is None:
        raise Invalid(f"unknown ISO 3166-1 alpha-2 country code {value!r}")
    return code


def _state(value):
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {_json_type(value)}")
    code = _state_code(value)
    if code is None:
        raise Invalid(f"unknown ISO 3166-2:MX state code {value!r}")
    return code


def _languages(value):
    if value is None:
        return ["es"]
    codes = _code_list(_language_code, "ISO 639-1 language", _language_codes)(value)
    return codes or ["es"]


def _date(value):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid(f"must be an ISO 8601 date (YYYY-MM-DD), got {_json_type(value)}")
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"must be an ISO 8601 date (YYYY-MM-DD), got {value!r}") from None


def _non_negative_int(*, minimum: int = 0, maximum: int = 10_000, allow_null: bool = True):
    def parse(value):
        if value is None and allow_null:
            return None
        if isinstance(value, HugeNumber):
            raise Invalid(f"must be at most {maximum}, got {_json_type(value)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"must be a whole number, got {_json_type(value)}")
        if isinstance(value, float):
            if not value.is_integer():
                raise Invalid(f"must be a whole number, got {value}")
            value = int(value)
        if value < minimum:
            if minimum == 0:
                raise Invalid(f"must not be negative, got {value}")
            raise Invalid(f"must be at least {minimum}, got {value}")
        if value > maximum:
            raise Invalid(f"must be at most {maximum}, got {value}")
        return value

    return parse


def _this_year() -> int:
    return datetime.date.today().year


def _year(value):
    if value is None:
        return None
    this_year = _this_year()
    year = _non_negative_int(maximum=this_year)(value)
    if year < 1900:
        raise Invalid(f"must be a year between 1900 and {this_year}, got {year}")
    return year


def _bool_or_null(value):
    if value is None or isinstance(value, bool):
        return value
    raise Invalid(f"must be true, false or null, got {_json_type(value)}")


def _bool(value):
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise Invalid(f"must be true or false, got {_json_type(value)}")


_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


def _email(value):
    value = _string(254)(value)
    if value:
        try:
            _email_validator(value)
        except ValidationError:
            raise Invalid(f"is not a valid email address: {value!r}") from None
    return value


def _website(value):
    value = _string(200)(value)
    if value:
        try:
            _url_validator(value)
        except ValidationError:
            raise Invalid(f"is not a valid http(s) URL: {value!r}") from None
    return value


# --------------------------------------------------------------------------- schemas

# key -> parser. The key is the file's key; for references (institution, scientist,
# project) the parsed value is the ref, resolved when writing.
_FIELDS = _members_list(vocab.FIELD_CODES, "field")
_GOALS = _members_list(vocab.Goal.values, "goal")

INSTITUTION_SCHEMA: dict[str, Callable] = {
    "ref": _ref,
    "name": _string(300, required=True),
    "kind": _choice(vocab.InstitutionKind.values, "kind", default=vocab.InstitutionKind.OTHER),
    "state": _state,
    "city": _string(200),
    "website": _website,
}

SCIENTIST_SCHEMA: dict[str, Callable] = {
    "ref": _ref,
    "name": _string(200, required=True),
    "email": _email,
    "country": _country,
    "city": _string(200),
    "institution_abroad": _string(300),
    "position": _choice(vocab.Position.values, "position", default=vocab.Position.OTHER),
    "fields": _FIELDS,
    "keywords": _string_list(),
    "summary": _summary,
    "goals": _GOALS,
    "collaboration_types": _members_list(vocab.CollaborationType.values, "collaboration type"),
    "available_from": _date,
    "horizon_months": _non_negative_int(),
    "hours_per_month": _non_negative_int(maximum=744),
    "languages": _languages,
    "alma_maters": _string_list(),
    "states_of_interest": _code_list(_state_code, "ISO 3166-2:MX state", _state_codes),
    "sectors": _members_list(vocab.Sector.values, "sector"),
    "abroad_since": _year,
    "collaborated_before": _bool_or_null,
    "max_collaborations": _non_negative_int(
        minimum=1, maximum=MAX_COLLABORATIONS, allow_null=False
    ),
}

PROJECT_SCHEMA: dict[str, Callable] = {
    "ref": _ref,
    "institution": _ref,
    "title": _string(300, required=True),
    "description": _text,
    "fields": _FIELDS,
    "keywords": _string_list(),
    "goals": _GOALS,
    "collaboration_type": _choice(
        vocab.CollaborationType.values,
        "collaboration type",
        default=vocab.CollaborationType.ACADEMIC_PROJECT,
    ),
    "starts_on": _date,
    "duration_months": _non_negative_int(),
    "first_results_months": _non_negative_int(),
    "hours_per_month": _non_negative_int(maximum=744),
    "languages": _languages,
    "funding": _choice(vocab.Funding.values, "funding", default=vocab.Funding.NONE),
    "seats": _non_negative_int(minimum=1, allow_null=False),
    "status": _choice(vocab.ProjectStatus.values, "status", default=vocab.ProjectStatus.OPEN),
}
PROJECT_DEFAULTS = {"seats": 1}

AGREEMENT_SCHEMA: dict[str, Callable] = {
    "ref": _ref,
    "scientist": _ref,
    "project": _ref,
    "stage": _choice(Stage.values, "stage", default=Stage.ACTIVE),
    "started_on": _date,
    "signed_on": _date,
    "completed_on": _date,
    "last_activity_on": _date,
    "next_follow_up_on": _date,
    "goals": _GOALS,
    "goals_text": _text,
    "hours_per_month": _non_negative_int(maximum=744),
    "notes": _text,
    "close_reason": _text,
    # The coordinator who follows the agreement up, by email (as export_agreements prints it).
    "coordinator": _email,
    "milestones": None,  # parsed by _milestones, which needs the record's context
}

MILESTONE_SCHEMA: dict[str, Callable] = {
    "title": _string(300, required=True),
    "due_on": _date,
    "done": _bool,
    "done_on": _date,
}

SCHEMAS = {
    "institutions": INSTITUTION_SCHEMA,
    "scientists": SCIENTIST_SCHEMA,
    "projects": PROJECT_SCHEMA,
    "agreements": AGREEMENT_SCHEMA,
}
# The key that names a record (required besides ref).
TITLE_KEY = {"institutions": "name", "scientists": "name", "projects": "title"}
REQUIRED = {
    "institutions": ("ref", "name"),
    "scientists": ("ref", "name"),
    "projects": ("ref", "institution", "title"),
    "agreements": ("ref", "scientist", "project"),
}


@dataclass
class Record:
    section: str
    index: int
    ref: Any  # as written in the file (may be missing or invalid when not valid)
    values: dict  # parsed values of the keys present and valid in the file
    valid: bool


_UNKNOWN = object()


def _token(text: str, breaking: str = "") -> str:
    """As is, or quoted when it would break the one-line, space-separated error format."""
    if text and not any(c.isspace() or c in breaking for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)


@dataclass
class _Validator:
    errors: list[str] = field(default_factory=list)

    def error(self, section: str, index: int, ref: Any, key: str, message: str) -> None:
        if isinstance(ref, str) and ref.strip():
            shown = _token(ref.strip())
        elif ref is None:
            shown = "?"
        else:
            shown = json.dumps(ref, ensure_ascii=False)
        self.errors.append(f"{section}[{index}] ref={shown} {_token(key, ':')}: {message}")

    def parse_section(self, section: str, items: list) -> list[Record]:
        schema = SCHEMAS[section]
        required = REQUIRED[section]
        records: list[Record] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(items):
            if not isinstance(raw, dict):
                self.error(
                    section, index, None, "record", f"must be an object, got {_json_type(raw)}"
                )
                continue
            ref = raw.get("ref")
            ok = True
            values = {}
            # Problems in the order of the keys in the file, then the missing ones.
            for key, value in raw.items():
                parse = schema.get(key, _UNKNOWN)
                if parse is _UNKNOWN:
                    if not (section == "agreements" and key in IGNORED_AGREEMENT_KEYS):
                        self.error(section, index, ref, key, "unknown key")
                        ok = False
                    continue
                if parse is None or ((value is None or value == "") and key in required):
                    continue  # milestones: below; a missing required value: below
                try:
                    values[key] = parse(value)
                except Invalid as exc:
                    self.error(section, index, ref, key, str(exc))
                    ok = False
            for key in required:
                value = raw.get(key)
                if value is None or value == "":
                    self.error(section, index, ref, key, "is required")
                    ok = False
            if section == "agreements" and "milestones" in raw:
                milestones = self._milestones(section, index, ref, raw["milestones"])
                if milestones is None:
                    ok = False
                else:
                    values["milestones"] = milestones
            if "ref" in values:
                first = seen.get(values["ref"])
                if first is not None:
                    self.error(
                        section, index, ref, "ref", f"duplicate ref (also {section}[{first}])"
                    )
                    ok = False
                else:
                    seen[values["ref"]] = index
            records.append(Record(section, index, ref, values, ok))
        return records

    def _milestones(self, section, index, ref, value) -> list[dict] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(
                section, index, ref, "milestones", f"must be a list, got {_json_type(value)}"
            )
            return None
        if len(value) > MAX_LIST_ITEMS:
            self.error(
                section,
                index,
                ref,
                "milestones",
                f"must have at most {MAX_LIST_ITEMS} items (got {len(value)})",
            )
            return None
        result, titles, ok = [], {}, True
        for i, raw in enumerate(value):
            where = f"milestones[{i}]"
            if not isinstance(raw, dict):
                self.error(section, index, ref, where, f"must be an object, got {_json_type(raw)}")
                ok = False
                continue
            item = {}
            for key in raw:
                if key not in MILESTONE_SCHEMA:
                    self.error(section, index, ref, f"{where}.{key}", "unknown key")
                    ok = False
            if raw.get("title") in (None, ""):
                self.error(section, index, ref, f"{where}.title", "is required")
                ok = False
            for key, parse in MILESTONE_SCHEMA.items():
                if key not in raw or (key == "title" and raw[key] in (None, "")):
                    continue
                try:
                    item[key] = parse(raw[key])
                except Invalid as exc:
                    self.error(section, index, ref, f"{where}.{key}", str(exc))
                    ok = False
            if "title" in item:
                if item["title"] in titles:
                    self.error(
                        section,
                        index,
                        ref,
                        f"{where}.title",
                        f"duplicate milestone title (also milestones[{titles[item['title']]}])",
                    )
                    ok = False
                titles[item["title"]] = i
            result.append(item)
        return result if ok else None


def _existing_refs(model, refs: Iterable[str]) -> set[str]:
    refs = list(refs)
    found: set[str] = set()
    for start in range(0, len(refs), BATCH):
        chunk = refs[start : start + BATCH]
        found.update(model.objects.filter(ref__in=chunk).values_list("ref", flat=True))
    return found


def _load_by_ref(model, refs: list[str], **kwargs) -> dict:
    found = {}
    for start in range(0, len(refs), BATCH):
        chunk = refs[start : start + BATCH]
        qs = model.objects.filter(ref__in=chunk)
        if kwargs.get("prefetch"):
            qs = qs.prefetch_related(*kwargs["prefetch"])
        found.update((obj.ref, obj) for obj in qs)
    return found


def validate(payload: dict) -> dict[str, list[Record]]:
    """Parse every record; raise ImportValidationError listing every problem."""
    check_shape(payload)
    v = _Validator()
    parsed = {name: v.parse_section(name, payload.get(name) or []) for name in SECTIONS}

    # References to other records: in this file or already stored. Refs of invalid
    # records in the file still count (their own errors are already reported).
    def refs_in_file(section):
        return {
            r.strip()
            for r in (
                item.get("ref") for item in payload.get(section) or [] if isinstance(item, dict)
            )
            if isinstance(r, str) and r.strip()
        }

    def check_refs(section, key, target_section, model):
        wanted = {r.values[key] for r in parsed[section] if key in r.values}
        in_file = refs_in_file(target_section)
        stored = _existing_refs(model, wanted - in_file)
        known = in_file | stored
        for record in parsed[section]:
            if key in record.values and record.values[key] not in known:
                singular = target_section[:-1]
                v.error(
                    section,
                    record.index,
                    record.ref,
                    key,
                    f"unknown {singular} ref {record.values[key]!r} (not in this file nor stored)",
                )
                record.valid = False

    check_refs("projects", "institution", "institutions", Institution)
    check_refs("agreements", "scientist", "scientists", ScientistProfile)
    check_refs("agreements", "project", "projects", Project)
    _check_project_timelines(v, parsed["projects"])
    _check_open_agreement_pairs(v, [r for r in parsed["agreements"] if r.valid])
    _check_coordinators(v, parsed["agreements"])
    _check_erased_scientists(v, parsed["scientists"])

    if v.errors:
        v.errors.sort(key=_error_sort_key)
        raise ImportValidationError(v.errors)
    for record in (r for records in parsed.values() for r in records):
        record.ref = record.values["ref"]
    return parsed


def _coordinator_ids(emails: Iterable[str]) -> dict[str, int]:
    """Lower-cased email -> id of the active coordinators among these emails (a handful)."""
    from accounts.models import User

    wanted = {e.lower() for e in emails if e}
    if not wanted:
        return {}
    query = Q()
    for email in wanted:
        query |= Q(email__iexact=email)
    return {user.email.lower(): user.pk for user in User.objects.coordinators().filter(query)}


def _check_coordinators(v: _Validator, records: list[Record]) -> None:
    emails = {r.values["coordinator"] for r in records if r.values.get("coordinator")}
    known = _coordinator_ids(emails)
    for record in records:
        email = record.values.get("coordinator")
        if email and email.lower() not in known:
            v.error(
                "agreements",
                record.index,
                record.ref,
                "coordinator",
                f"no coordinator with the email {email!r}",
            )
            record.valid = False


def _check_erased_scientists(v: _Validator, records: list[Record]) -> None:
    """People who deleted their account are not brought back by an import."""
    from accounts.models import ErasedEmail

    erased = ErasedEmail.objects.erased(r.values.get("email") for r in records)
    for record in records:
        if record.values.get("email") in erased:
            v.error(
                "scientists",
                record.index,
                record.ref,
                "email",
                "this person deleted their account: remove them from the file",
            )
            record.valid = False


def _error_sort_key(line: str):
    section, _, rest = line.partition("[")
    index = rest.split("]", 1)[0]
    return (SECTIONS.index(section) if section in SECTIONS else 99, int(index or 0))


def _check_project_timelines(v: _Validator, records: list[Record]) -> None:
    """First results come by the end of the project at the latest (as in the project form).

    A value the file leaves out is the stored one (an update keeps it).
    """
    keys = ("duration_months", "first_results_months")
    touched = [r for r in records if r.valid and any(k in r.values for k in keys)]
    stored = _load_by_ref(
        Project, [r.values["ref"] for r in touched if not all(k in r.values for k in keys)]
    )
    for record in touched:
        project = stored.get(record.values["ref"])
        duration, first = (
            record.values[k] if k in record.values else getattr(project, k, None) for k in keys
        )
        if duration is not None and first is not None and first > duration:
            v.error(
                "projects",
                record.index,
                record.ref,
                "first_results_months",
                f"must be at most duration_months ({duration}), got {first}",
            )
            record.valid = False


def _check_open_agreement_pairs(v: _Validator, records: list[Record]) -> None:
    """At most one open agreement per scientist and project (a database constraint)."""
    stored = _load_by_ref(Agreement, [r.values["ref"] for r in records])
    pairs: dict[tuple[str, str], Record] = {}
    closing: set[str] = set()  # refs this file moves to a closed stage
    for record in records:
        existing = stored.get(record.values["ref"])
        stage = record.values.get("stage") or (existing.stage if existing else Stage.ACTIVE)
        if stage not in OPEN_STAGES:
            closing.add(record.values["ref"])
            continue
        pair = (record.values["scientist"], record.values["project"])
        if pair in pairs:
            v.error(
                "agreements",
                record.index,
                record.ref,
                "project",
                f"another open agreement for the same scientist and project "
                f"(agreements[{pairs[pair].index}])",
            )
        pairs[pair] = record
    if not pairs:
        return
    scientist_refs = sorted({p[0] for p in pairs})
    for start in range(0, len(scientist_refs), BATCH):
        clash = Agreement.objects.filter(
            stage__in=OPEN_STAGES, scientist__ref__in=scientist_refs[start : start + BATCH]
        ).values_list("ref", "scientist__ref", "project__ref")
        for ref, sci, proj in clash:
            record = pairs.get((sci, proj))
            if record is not None and record.values["ref"] != ref and ref not in closing:
                v.error(
                    "agreements",
                    record.index,
                    record.ref,
                    "project",
                    f"the stored agreement {ref!r} is already open for this scientist and project",
                )


# --------------------------------------------------------------------------- writing

INSTITUTION_DEFAULTS = {"kind": vocab.InstitutionKind.OTHER, "state": "", "city": "", "website": ""}
SCIENTIST_DEFAULTS = {
    "email": "",
    "country": "",
    "city": "",
    "institution_abroad": "",
    "position": vocab.Position.OTHER,
    "fields": [],
    "keywords": [],
    "summary": "",
    "goals": [],
    "collaboration_types": [],
    "available_from": None,
    "horizon_months": None,
    "hours_per_month": None,
    "languages": ["es"],
    "alma_maters": [],
    "states_of_interest": [],
    "sectors": [],
    "abroad_since": None,
    "collaborated_before": None,
    "max_collaborations": 1,
}
PROJECT_DEFAULTS = {
    "description": "",
    "fields": [],
    "keywords": [],
    "goals": [],
    "collaboration_type": vocab.CollaborationType.ACADEMIC_PROJECT,
    "starts_on": None,
    "duration_months": None,
    "first_results_months": None,
    "hours_per_month": None,
    "languages": ["es"],
    "funding": vocab.Funding.NONE,
    "seats": 1,
    "status": vocab.ProjectStatus.OPEN,
}
AGREEMENT_DEFAULTS = {
    "stage": Stage.ACTIVE,
    "started_on": None,
    "signed_on": None,
    "completed_on": None,
    "next_follow_up_on": None,
    "goals": [],
    "goals_text": "",
    "hours_per_month": None,
    "notes": "",
    "close_reason": "",
}
IMPORTED = "Imported"


def import_payload(
    payload: dict, *, today: datetime.date | None = None, listing_consented: bool = False
) -> ImportResult:
    """Validate the whole payload, then upsert everything in one transaction.

    listing_consented: the people in the file agreed to be listed to institution
    members before claiming their profiles (a coordinator's `--consented`).

    Raises ImportFormatError or ImportValidationError without writing anything.
    """
    today = today or timezone.localdate()
    result = ImportResult()
    counts = result.counts
    with transaction.atomic(), rescoring_suspended():
        parsed = validate(payload)
        _upsert(
            Institution,
            parsed["institutions"],
            INSTITUTION_DEFAULTS,
            counts["institutions"],
            create_extra={"approved": True},
        )
        created, updated = _upsert(
            ScientistProfile,
            parsed["scientists"],
            SCIENTIST_DEFAULTS,
            counts["scientists"],
            prepare=_set_areas,
        )
        result.changed_scientist_ids = [o.pk for o in created + updated]
        if listing_consented:
            refs = [r.ref for r in parsed["scientists"]]
            for start in range(0, len(refs), BATCH):
                ScientistProfile.objects.filter(ref__in=refs[start : start + BATCH]).update(
                    listing_consented=True
                )
        institution_ids = _ids_by_ref(
            Institution, {r.values["institution"] for r in parsed["projects"]}
        )
        created, updated = _upsert(
            Project,
            parsed["projects"],
            PROJECT_DEFAULTS,
            counts["projects"],
            prepare=_set_areas,
            resolve={"institution": ("institution_id", institution_ids)},
        )
        result.changed_project_ids = [o.pk for o in created + updated]
        _upsert_agreements(parsed["agreements"], counts["agreements"], today)
    return result


def _set_areas(obj) -> None:
    """What ScientistProfile.save() and Project.save() do, for bulk writes."""
    obj.areas = vocab.areas_of(obj.fields)


def _ids_by_ref(model, refs: Iterable[str]) -> dict[str, int]:
    refs = sorted(refs)
    ids: dict[str, int] = {}
    for start in range(0, len(refs), BATCH):
        chunk = refs[start : start + BATCH]
        ids.update(model.objects.filter(ref__in=chunk).values_list("ref", "pk"))
    return ids


def _values(record: Record, resolve: dict | None) -> dict:
    values = {k: v for k, v in record.values.items() if k != "ref"}
    for key, (attname, ids) in (resolve or {}).items():
        if key in values:
            values[attname] = ids[values.pop(key)]
    return values


def _upsert(model, records, defaults, counts, *, create_extra=None, prepare=None, resolve=None):
    """Upsert records by ref with bulk writes; return (created objects, updated objects).

    A stored record is written only when one of its values changes.
    """
    stored = _load_by_ref(model, [r.ref for r in records])
    now = timezone.now()
    to_create, to_update = [], []
    for record in records:
        values = _values(record, resolve)
        obj = stored.get(record.ref)
        if obj is None:
            obj = model(ref=record.ref, **{**defaults, **(create_extra or {}), **values})
            if prepare:
                prepare(obj)
            to_create.append(obj)
            counts.created += 1
            continue
        before = {k: getattr(obj, k) for k in values}
        if prepare:
            before["areas"] = obj.areas
        for key, value in values.items():
            setattr(obj, key, value)
        if prepare:
            prepare(obj)
        changed = [k for k, old in before.items() if getattr(obj, k) != old]
        if changed:
            obj.updated_at = now
            to_update.append((obj, (*changed, "updated_at")))
            counts.updated += 1
        else:
            counts.unchanged += 1
    _bulk_create(model, to_create)
    _bulk_update(model, to_update)
    return to_create, [obj for obj, _ in to_update]


def _bulk_update(model, rows: list[tuple]) -> None:
    """Write each object's changed fields: (object, field names) pairs.

    One parametrised UPDATE per set of changed fields, sent with executemany:
    QuerySet.bulk_update's CASE expressions cost about a millisecond per row,
    which is minutes for a network's whole member list.
    """
    groups: dict[tuple, list] = {}
    for obj, names in rows:
        groups.setdefault(tuple(sorted(set(names))), []).append(obj)
    meta = model._meta
    qn = connection.ops.quote_name
    pk = meta.pk
    for names, objs in groups.items():
        fields = [meta.get_field(name) for name in names]
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            qn(meta.db_table),
            ", ".join(f"{qn(f.column)} = %s" for f in fields),
            qn(pk.column),
        )
        params = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start : start + BATCH])


def _bulk_create(model, objs: list) -> None:
    if not objs:
        return
    model.objects.bulk_create(objs, batch_size=BATCH)
    if any(o.pk is None for o in objs):
        # A backend that cannot return ids from a bulk insert: read them back.
        ids = _ids_by_ref(model, [o.ref for o in objs])
        for obj in objs:
            obj.pk = ids[obj.ref]


def _upsert_agreements(records: list[Record], counts: SectionCounts, today) -> None:
    if not records:
        return
    scientist_ids = _ids_by_ref(ScientistProfile, {r.values["scientist"] for r in records})
    project_ids = _ids_by_ref(Project, {r.values["project"] for r in records})
    coordinator_ids = _coordinator_ids(r.values.get("coordinator") for r in records)
    coordinator_ids[""] = None  # "coordinator": null unassigns
    for record in records:
        if "coordinator" in record.values:
            record.values["coordinator"] = (record.values["coordinator"] or "").lower()
    resolve = {
        "scientist": ("scientist_id", scientist_ids),
        "project": ("project_id", project_ids),
        "coordinator": ("coordinator_id", coordinator_ids),
    }
    stored = _load_by_ref(Agreement, [r.ref for r in records], prefetch=["milestones"])
    now = timezone.now()
    to_create, to_update = [], []
    milestones_new, milestones_changed = [], []
    events = []
    pending_milestones = []  # (agreement, parsed milestones) for agreements created here

    for record in records:
        values = _values(record, resolve)
        milestones = values.pop("milestones", None)
        obj = stored.get(record.ref)
        if obj is None:
            values = {**AGREEMENT_DEFAULTS, **values}
            if values.get("last_activity_on") is None:
                values["last_activity_on"] = values.get("started_on") or today
            _derive_dates(values, None)
            obj = Agreement(ref=record.ref, **values)
            to_create.append(obj)
            pending_milestones.append((obj, milestones or []))
            counts.created += 1
            continue
        if "last_activity_on" in values and values["last_activity_on"] is None:
            del values["last_activity_on"]  # the model requires one: keep the stored date
        _derive_dates(values, obj)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for key in changed:
            setattr(obj, key, values[key])
        ms_changed = _diff_milestones(
            obj, milestones or [], today, milestones_new, milestones_changed
        )
        if changed or ms_changed:
            obj.updated_at = now
            to_update.append((obj, (*changed, "updated_at")))
            events.append(
                AgreementEvent(
                    agreement=obj,
                    kind=AgreementEvent.Kind.EDITED,
                    message=IMPORTED,
                    data={"source": "import", "fields": sorted(changed + ms_changed)},
                )
            )
            counts.updated += 1
        else:
            counts.unchanged += 1

    _bulk_create(Agreement, to_create)
    for obj, milestones in pending_milestones:
        for item in milestones:
            milestones_new.append(_new_milestone(obj, item, today))
        events.append(
            AgreementEvent(
                agreement=obj,
                kind=AgreementEvent.Kind.CREATED,
                message=IMPORTED,
                data={"source": "import"},
            )
        )
    _bulk_update(Agreement, to_update)
    Milestone.objects.bulk_create(milestones_new, batch_size=BATCH)
    _bulk_update(Milestone, milestones_changed)
    refresh_first_open_due_on(m.agreement_id for m, _fields in milestones_changed)
    AgreementEvent.objects.bulk_create(events, batch_size=BATCH)


def _derive_dates(values: dict, obj: Agreement | None) -> None:
    """Signed and completed dates for imported agreements that do not give them."""
    stage = values.get("stage", obj.stage if obj else Stage.ACTIVE)
    started_on = values.get("started_on", obj.started_on if obj else None)
    signed_on = values.get("signed_on", obj.signed_on if obj else None)
    if stage in (Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED) and signed_on is None and started_on:
        values["signed_on"] = started_on
    completed_on = values.get("completed_on", obj.completed_on if obj else None)
    if stage == Stage.COMPLETED and completed_on is None:
        last = values.get("last_activity_on", obj.last_activity_on if obj else None)
        if last:
            values["completed_on"] = last


def _new_milestone(agreement: Agreement, item: dict, today) -> Milestone:
    done = item.get("done", False)
    done_on = item.get("done_on") if done else None
    if done and done_on is None:
        done_on = min(item["due_on"], today) if item.get("due_on") else today
    return Milestone(
        agreement=agreement,
        title=item["title"],
        due_on=item.get("due_on"),
        done=done,
        done_on=done_on,
    )


def _diff_milestones(agreement, items, today, new, changed) -> list[str]:
    """Match the file's milestones to the stored ones by title; return what changed."""
    stored = {m.title: m for m in agreement.milestones.all()}
    touched = []
    for item in items:
        milestone = stored.get(item["title"])
        if milestone is None:
            new.append(_new_milestone(agreement, item, today))
            touched.append(f"milestone:{item['title']}")
            continue
        wanted = {}
        if "due_on" in item:
            wanted["due_on"] = item["due_on"]
        if "done" in item:
            wanted["done"] = item["done"]
            if not item["done"]:
                wanted["done_on"] = None
            elif item.get("done_on"):
                wanted["done_on"] = item["done_on"]
            elif not milestone.done_on:
                wanted["done_on"] = today
        elif item.get("done_on"):
            wanted["done_on"] = item["done_on"]
        diff = [k for k, v in wanted.items() if getattr(milestone, k) != v]
        if diff:
            for key in diff:
                setattr(milestone, key, wanted[key])
            changed.append((milestone, diff))
            touched.append(f"milestone:{item['title']}")
    return touched
