import json

from django.core.management.base import BaseCommand

from matching import evaluation
from matching.scoring.engine import (
    FittedModel,
    project_features,
    scientist_features,
    score_block,
)


class Command(BaseCommand):
    help = "NDCG@10 and precision@5 per side on the evaluation set, matcher vs keyword baseline."

    def handle(self, *args, **opts):
        scientists, projects, grades, today = evaluation.load()
        model, matrix = FittedModel.fit(scientists, projects)
        n = len(scientists)
        block = score_block(
            scientist_features(model, scientists, matrix[:n]),
            project_features(model, projects, matrix[n:]),
            today=today,
        )
        results = {
            "matcher": evaluation.evaluate(block["total"], scientists, projects, grades),
            "keyword_overlap_baseline": evaluation.evaluate(
                evaluation.keyword_overlap_scores(scientists, projects),
                scientists,
                projects,
                grades,
            ),
        }
        for component in ("field", "goals", "timeline", "network"):
            results[f"{component}_only"] = evaluation.evaluate(
                block[component] * block["language"], scientists, projects, grades
            )
        self.stdout.write(f"{'system':28} {'side':10} {'NDCG@10':>8} {'P@5':>6}")
        for system, sides in results.items():
            for side, m in sides.items():
                self.stdout.write(f"{system:28} {side:10} {m['ndcg@10']:>8} {m['precision@5']:>6}")
        self.stdout.write(
            json.dumps(
                {"scientists": n, "projects": len(projects), "judgments": len(grades), **results}
            )
        )
