"""The job queue: one worker thread runs the writing jobs (crawl, import, ingest, rank,
report) one at a time, in the process that owns the index (see docs/web.md).

Adding a job kind: write a runner ``def run(ctx: JobContext, params: MyParams) -> dict`` whose
params are a pydantic model, and register it with
``queue.register(JobKind("name", MyParams, run, "what it does"))`` (``app.state.jobs`` is the
queue; ``create_app`` registers the built-in kinds from ``web.kinds``). The runner calls the
``linkatlas.api`` verb with ``db=ctx.db``, may report progress with ``ctx.progress(text)``, and
returns a small JSON-able summary. A ``LinkatlasError`` marks the job failed with its message;
any other exception is logged with its traceback and shown as an internal error.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import itertools
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic

from linkatlas.errors import InputError, LinkatlasError

log = logging.getLogger("linkatlas.web")

JobState = Literal["queued", "running", "done", "failed"]


@dataclasses.dataclass(slots=True)
class JobContext:
    """What a runner gets: the index path, the server's settings, a progress callback."""

    db: Path
    config: Any
    job: Job

    def progress(self, text: str) -> None:
        """Show ``text`` as the running job's latest progress."""
        self.job.progress = text[:500]


@dataclasses.dataclass(frozen=True, slots=True)
class JobKind:
    """One kind of job: its name, its parameters' model, its runner, one line of help."""

    name: str
    params: type[pydantic.BaseModel]
    run: Callable[[JobContext, Any], Mapping[str, Any]]
    help: str = ""


@dataclasses.dataclass(slots=True)
class Job:
    """One submitted job and what became of it."""

    id: int
    kind: str
    params: dict[str, Any]
    state: JobState = "queued"
    submitted: _dt.datetime = dataclasses.field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC))
    started: _dt.datetime | None = None
    finished: _dt.datetime | None = None
    progress: str = ""
    result: dict[str, Any] = dataclasses.field(default_factory=dict)
    error: str = ""


class JobQueue:
    """A FIFO of jobs run one at a time by one worker thread; keeps the last ``history``."""

    def __init__(self, db: Path, config: Any = None, *, history: int = 200) -> None:
        self.db = db
        self.config = config
        self.kinds: dict[str, JobKind] = {}
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, pydantic.BaseModel] | None] = queue.Queue()
        self._history = history
        self._worker: threading.Thread | None = None
        self._generation = 0
        self._running = False

    def register(self, kind: JobKind) -> None:
        """Make a job kind available to ``submit`` (a later registration replaces one)."""
        self.kinds[kind.name] = kind

    def submit(self, kind: str, params: Mapping[str, Any]) -> Job:
        """Validate the parameters and queue a job; ``InputError`` on an unknown kind or
        bad parameters."""
        spec = self.kinds.get(kind)
        if spec is None:
            raise InputError(f"unknown job kind {kind!r}: choose one of {', '.join(self.kinds)}")
        try:
            model = spec.params.model_validate(dict(params))
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "params"
            raise InputError(f"{kind} job: {where}: {first['msg']}") from exc
        with self._lock:
            job = Job(id=next(self._ids), kind=kind, params=model.model_dump(mode="json"))
            self._jobs[job.id] = job
            self._trim()
        self._queue.put((job, model))
        return job

    def _trim(self) -> None:
        """Forget the oldest finished jobs beyond ``history`` (never a queued or running one)."""
        excess = len(self._jobs) - self._history
        for old in [j.id for j in self._jobs.values() if j.state in ("done", "failed")]:
            if excess <= 0:
                break
            del self._jobs[old]
            excess -= 1

    def get(self, job_id: int) -> Job | None:
        """The job with this id, if still remembered."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def start(self) -> None:
        """Start the worker thread (once)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="linkatlas-jobs",
                                            daemon=True)
            self._worker.start()

    def stop(self, timeout: float | None = None) -> None:
        """Let the running job finish, drop nothing queued silently (they stay 'queued'),
        and stop the worker."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout)
            self._worker = None

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no job is queued or running (tests and the demo); False on timeout."""
        deadline = _dt.datetime.now(_dt.UTC) + _dt.timedelta(seconds=timeout)
        while _dt.datetime.now(_dt.UTC) < deadline:
            with self._lock:
                busy = any(j.state in ("queued", "running") for j in self._jobs.values())
            if not busy:
                return True
            threading.Event().wait(0.05)
        return False

    @property
    def generation(self) -> int | None:
        """A number that changes whenever a job may have changed the index; None while a job
        runs (results read then are not worth keeping)."""
        return None if self._running else self._generation

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, params = item
            self._run(job, params)

    def _run(self, job: Job, params: pydantic.BaseModel) -> None:
        job.state, job.started = "running", _dt.datetime.now(_dt.UTC)
        self._running = True
        try:
            result = self.kinds[job.kind].run(JobContext(self.db, self.config, job), params)
            job.result, job.state = dict(result), "done"
        except LinkatlasError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception:  # a bug in a runner must not kill the worker
            log.exception("job %d (%s) failed", job.id, job.kind)
            job.error, job.state = "internal error (see the server log)", "failed"
        finally:
            self._generation += 1
            self._running = False
            job.finished = _dt.datetime.now(_dt.UTC)
            with self._lock:
                self._trim()
