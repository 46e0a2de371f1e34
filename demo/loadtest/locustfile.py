"""Locust users for the pages' load test (run by `bin/loadtest`, not by hand).

Reads the plan written by demo.loadtest.plan (accounts, projects, scientists
and agreements of the synthetic network) from the file named by
LOADTEST_PLAN. Each simulated person logs in once as a distinct account of
their role (coordinators with their authenticator code), outside the
measured requests, then browses with a realistic weighted mix. Every request
is named for its page, so the figures come out per page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import time
from html.parser import HTMLParser

import requests
from locust import HttpUser, between, task

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
RNG = random.Random(PLAN.get("seed", 0))
COUNTERS = {role: itertools.count() for role in ("scientist", "member", "coordinator")}


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as authenticator apps compute it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class FormParser(HTMLParser):
    """The fields of the first POST form without an action (the page's own form)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form":
            self._in_form = (a.get("method") or "").lower() == "post" and not a.get("action")
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on") or ""))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


class Person(HttpUser):
    abstract = True
    wait_time = between(PLAN.get("think_min", 0.0), PLAN.get("think_max", 0.2))
    role = ""

    def on_start(self):
        people = PLAN[self.role + "s"]
        self.me = people[next(COUNTERS[self.role]) % len(people)]
        self.login()

    def login(self):
        """Log in outside the figures (a plain session), then hand its cookies over."""
        session = requests.Session()
        for attempt in range(4):
            page = session.get(self.host + "/accounts/login/")
            page.raise_for_status()
            response = session.post(
                self.host + "/accounts/login/",
                data={
                    "login": self.me["email"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
            )
            if "/2fa/authenticate" in response.url:
                response = session.post(
                    response.url,
                    data={
                        "code": totp_code(PLAN["totp_secret"]),
                        "csrfmiddlewaretoken": session.cookies["csrftoken"],
                    },
                )
            if "sessionid" in session.cookies and "/accounts/" not in response.url:
                self.client.cookies.update(session.cookies)
                return
            time.sleep(30 if attempt else 1)  # an authenticator code is used once: wait
        raise RuntimeError(f"could not log in as {self.me['email']}")

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    def browse_projects(self):
        params = {}
        if RNG.random() < 0.6:
            params["area"] = RNG.choice(PLAN["areas"])
        if RNG.random() < 0.5:
            params["q"] = RNG.choice(PLAN["words"])
        if RNG.random() < 0.2:
            params["state"] = RNG.choice(PLAN["states"])
        if RNG.random() < 0.2:
            params["page"] = RNG.randint(2, 5)
        self.client.get("/projects/", params=params, name="projects (browse)")

    def project_detail(self, pk=None):
        pk = pk or RNG.choice(PLAN["projects"])
        self.get(f"/projects/{pk}/", "project page")

    def agreements(self):
        self.get("/agreements/", "agreements (list)")

    def agreement_detail(self):
        mine = self.me.get("agreements") or PLAN["agreements"]
        self.get(f"/agreements/{RNG.choice(mine)}/", "agreement page")


class Scientist(Person):
    weight = 2
    role = "scientist"

    @task(4)
    def browse(self):
        self.browse_projects()

    @task(3)
    def project(self):
        self.project_detail()

    @task(3)
    def recommendations(self):
        page = "?page=2" if RNG.random() < 0.2 else ""
        self.get("/matching/recommendations/" + page, "recommended projects")

    @task(1)
    def my_agreements(self):
        self.agreements()

    @task(1)
    def my_agreement(self):
        self.agreement_detail()

    @task(1)
    def save_profile(self):
        """Open the profile form and save it with one change, as a person would."""
        with self.client.get("/profile/", name="profile (form)", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code}")
                return
        fields = [(k, v) for k, v in form_fields(page.text) if k != "hours_per_month"]
        fields.append(("hours_per_month", str(RNG.choice([5, 8, 10, 12, 15, 20]))))
        with self.client.post(
            "/profile/",
            data=fields,
            name="profile (save)",
            allow_redirects=False,
            catch_response=True,
            headers={"Referer": self.host + "/profile/"},
        ) as response:
            if response.status_code != 302:
                at = response.text.find("errorlist")
                said = response.text[max(at - 300, 0) : at + 200] if at >= 0 else ""
                response.failure(f"{response.status_code}: the form did not save {said!r}")


class Member(Person):
    weight = 1
    role = "member"

    @task(3)
    def browse_scientists(self):
        params = {}
        if RNG.random() < 0.6:
            params["area"] = RNG.choice(PLAN["areas"])
        if RNG.random() < 0.5:
            params["q"] = RNG.choice(PLAN["words"])
        if RNG.random() < 0.3:
            params["country"] = RNG.choice(PLAN["countries"])
        if RNG.random() < 0.2:
            params["page"] = RNG.randint(2, 5)
        self.client.get("/scientists/", params=params, name="scientists (browse)")

    @task(2)
    def scientist(self):
        self.get(f"/scientists/{RNG.choice(PLAN['scientist_ids'])}/", "scientist page")

    @task(3)
    def recommended_scientists(self):
        pk = RNG.choice(self.me["projects"])
        page = "?page=2" if RNG.random() < 0.2 else ""
        self.get(f"/matching/projects/{pk}/recommendations/{page}", "recommended scientists")

    @task(1)
    def own_project(self):
        self.project_detail(RNG.choice(self.me["projects"]))

    @task(1)
    def browse(self):
        self.browse_projects()

    @task(1)
    def our_agreements(self):
        self.agreements()

    @task(1)
    def our_agreement(self):
        self.agreement_detail()


class Coordinator(Person):
    weight = 1
    role = "coordinator"

    @task(3)
    def dashboard(self):
        self.get("/agreements/dashboard/", "dashboard")

    @task(1)
    def dashboard_filtered(self):
        area = RNG.choice(PLAN["areas"])
        self.get(f"/agreements/dashboard/?area={area}", "dashboard (filtered)")

    @task(2)
    def all_agreements(self):
        stage = RNG.choice(["", "?stage=active", "?stage=stalled", "?page=3"])
        self.get("/agreements/" + stage, "agreements (list)")

    @task(2)
    def any_agreement(self):
        self.agreement_detail()

    @task(1)
    def recommended_scientists(self):
        pk = RNG.choice(PLAN["projects"])
        self.get(f"/matching/projects/{pk}/recommendations/", "recommended scientists")
