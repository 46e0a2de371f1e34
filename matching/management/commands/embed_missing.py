import time

from celery import group
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching import embeddings, tasks


class Command(BaseCommand):
    help = (
        "Compute the semantic vectors that are missing or stale (text changed), in chunks "
        "that the Celery workers share (in this process without a broker), with progress."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk", type=int, default=embeddings.CHUNK, help="texts per task (default 200)"
        )
        parser.add_argument("--timeout", type=int, default=24 * 3600, help="seconds to wait")

    def handle(self, *args, **opts):
        if opts["chunk"] < 1:
            raise CommandError("--chunk must be at least 1")
        missing = {kind: embeddings.missing_ids(kind) for kind in embeddings.KINDS}
        total = sum(len(ids) for ids in missing.values())
        self.stdout.write(
            f"missing or stale: {len(missing['scientist'])} profiles, "
            f"{len(missing['project'])} projects"
        )
        if not total:
            return
        started = time.monotonic()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # progress over both kinds: the profiles count before the projects
            before = {"scientist": 0, "project": len(missing["scientist"])}
            embeddings.embed_missing(
                lambda kind, done, _of: self._progress(before[kind] + done, total, started),
                missing=missing,
                size=opts["chunk"],
            )
        else:
            group(
                tasks.embed_chunk_task.si(kind, chunk)
                for kind, ids in missing.items()
                for chunk in embeddings.chunks(ids, opts["chunk"])
            ).apply_async()
            deadline = started + opts["timeout"]
            while True:
                left = sum(len(embeddings.missing_ids(kind)) for kind in embeddings.KINDS)
                self._progress(total - left, total, started)
                if not left:
                    break
                if time.monotonic() > deadline:
                    raise CommandError(f"{left} texts still missing after {opts['timeout']}s")
                time.sleep(5)
        self.stdout.write(f"embedded {total} texts in {time.monotonic() - started:.1f}s")

    def _progress(self, done: int, total: int, started: float) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        self.stdout.write(f"{done}/{total} ({100 * done // total}%), {rate:.1f} texts/s")
