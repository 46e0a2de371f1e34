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
    help = (
        "NDCG@10 and precision@5 per side on the graded evaluation set, matcher vs keyword "
        "baseline; MRR and recall@1 of the right profile on the cross-language sets."
    )

    def handle(self, *args, **opts):
        scientists, projects, grades, today = evaluation.load()
        evaluation.embed(scientists)
        evaluation.embed(projects)
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
        cross = {name: self._cross_language(name) for name in evaluation.CROSS_LANGUAGE_SETS}
        self.stdout.write("")
        self.stdout.write(f"{'cross-language set':34} {'system':16} {'MRR':>6} {'R@1':>6}")
        for name, systems in cross.items():
            for system, m in systems.items():
                self.stdout.write(f"{name:34} {system:16} {m['mrr']:>6} {m['recall@1']:>6}")
        self.stdout.write(
            json.dumps(
                {
                    "scientists": n,
                    "projects": len(projects),
                    "judgments": len(grades),
                    **results,
                    "cross_language": cross,
                }
            )
        )

    @staticmethod
    def _cross_language(name: str) -> dict:
        """The right profile's rank for each project: the matcher, its field
        component, and the field's parts alone (SNII codes, lexical, semantic)."""
        scientists, projects, truth, today = evaluation.load_cross_language(name)
        evaluation.embed(scientists)
        evaluation.embed(projects)
        model, matrix = FittedModel.fit(scientists, projects)
        n = len(scientists)
        block = score_block(
            scientist_features(model, scientists, matrix[:n]),
            project_features(model, projects, matrix[n:]),
            today=today,
        )
        systems = {
            "matcher": block["total"],
            "field": block["field"],
            "snii_fields_only": block["areas"],
            "lexical_only": block["text"],
            "semantic_only": block["semantic"],
        }
        return {
            system: evaluation.rank_metrics(scores, scientists, projects, truth)
            for system, scores in systems.items()
        }
