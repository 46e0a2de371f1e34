"""Locust users for the pages' load test (run by `bin/loadtest`, not by hand).

Reads the plan written by demo.loadtest.plan (accounts, projects, scientists
and agreements of the synthetic network) from the file named by
LOADTEST_PLAN. Each simulated person logs in once as a distinct account of
their role (coordinators with their authenticator code), outside the
measured requests, then browses with a realistic weighted mix. Every request
is named for its page, so the figures come out per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from urllib.parse import urlencode

import requests
from locust import FastHttpUser, between, task

from demo.loadtest.locustfile_helpers import form_fields, totp_code

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
RNG = random.Random(PLAN.get("seed", 0))
COUNTERS = {role: itertools.count() for role in ("scientist", "member", "coordinator")}


class Person(FastHttpUser):
    abstract = True
    wait_time = between(PLAN.get("think_min", 0.0), PLAN.get("think_max", 0.2))
    role = ""

    def on_start(self):
        people = PLAN[self.role + "s"]
        # The measured run logs in as other people than the warm-up before it
        # (an authenticator code is accepted once).
        offset = int(os.environ.get("LOADTEST_OFFSET", "0"))
        self.me = people[(next(COUNTERS[self.role]) + offset) % len(people)]
        self.login()

    def login(self):
        """Log in outside the figures (a plain session), then hand its cookies over."""
        session = requests.Session()
        for _attempt in range(4):
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
                for cookie in session.cookies:
                    self.client.cookiejar.set_cookie(cookie)
                return
            time.sleep(31 - time.time() % 30)  # a code is accepted once: the next one
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
            data=urlencode(fields),
            name="profile (save)",
            allow_redirects=False,
            catch_response=True,
            headers={
                "Referer": self.host + "/profile/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
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
