import csv
import json

from django.core.management.base import BaseCommand, CommandError

from profiles.models import MAX_COLLABORATIONS
from rounds import services
from rounds.models import Round
from rounds.solver import SolverError


class Command(BaseCommand):
    help = (
        "Compute (without publishing) the optimal assignment of a matching round, or of "
        "every open project, and print it."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--round", metavar="REF", help="the round's reference")
        which.add_argument("--all-open", action="store_true", help="every open project")
        parser.add_argument(
            "--max-per-scientist",
            type=int,
            metavar="N",
            help="each scientist's capacity instead of their max_collaborations",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        cap = opts["max_per_scientist"]
        if cap is not None and not 1 <= cap <= MAX_COLLABORATIONS:
            raise CommandError(
                f"--max-per-scientist must be between 1 and {MAX_COLLABORATIONS}, got {cap}"
            )
        round = None
        if opts["round"] is not None:
            round = Round.objects.filter(ref=opts["round"]).first()
            if round is None:
                raise CommandError(f"unknown round ref {opts['round']}")
        problem = services.build_problem(round=round, max_per_scientist=cap)
        try:
            outcome = services.solve_problem(problem)
        except SolverError as exc:
            raise CommandError(f"the solver did not finish: {exc}") from exc
        report = services.assignment_report(outcome)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["scientist", "project", "score"])
        for row in report["assignments"]:
            writer.writerow([row["scientist"], row["project"], row["score"]])
