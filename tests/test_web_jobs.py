"""The job queue and the result cache on their own: adding a job kind, order, failures, the
generation that tells cached results they are stale."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pydantic
import pytest

from linkatlas.errors import InputError, SourceError
from linkatlas.web.cache import ResultCache
from linkatlas.web.jobs import JobContext, JobKind, JobQueue


class EchoParams(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    text: str
    fail: str = ""


def _echo(ctx: JobContext, p: EchoParams) -> dict[str, Any]:
    ctx.progress(f"echoing {p.text}")
    if p.fail == "user":
        raise SourceError(f"cannot read {p.text}")
    if p.fail == "bug":
        raise ZeroDivisionError("oops")
    return {"text": p.text, "db": ctx.db.name}


@pytest.fixture
def queue(tmp_path: Path) -> JobQueue:
    q = JobQueue(tmp_path / "x.duckdb", history=3)
    q.register(JobKind("echo", EchoParams, _echo, "say it back"))
    return q


def test_a_registered_kind_runs_in_order_and_failures_are_kept(queue: JobQueue) -> None:
    with pytest.raises(InputError, match="unknown job kind 'nope'"):
        queue.submit("nope", {})
    with pytest.raises(InputError, match="echo job: text: Field required"):
        queue.submit("echo", {})
    with pytest.raises(InputError, match="colour: Extra inputs"):
        queue.submit("echo", {"text": "a", "colour": "red"})
    jobs = [queue.submit("echo", {"text": "a"}),
            queue.submit("echo", {"text": "b", "fail": "user"}),
            queue.submit("echo", {"text": "c", "fail": "bug"})]
    assert [j.state for j in jobs] == ["queued"] * 3
    assert queue.generation == 0
    queue.start()
    try:
        assert queue.wait_idle(30)
    finally:
        queue.stop(10)
    a, b, c = jobs
    assert a.state == "done" and a.result == {"text": "a", "db": "x.duckdb"}
    assert a.progress == "echoing a"
    assert b.state == "failed" and b.error == "cannot read b"
    assert c.state == "failed" and c.error == "internal error (see the server log)"
    assert a.finished is not None and b.started is not None and a.finished <= b.started
    assert queue.generation == 3  # one step per job: cached results are stale after each
    assert [j.id for j in queue.jobs()] == [3, 2, 1]


def test_history_forgets_the_oldest_finished_jobs(queue: JobQueue) -> None:
    queue.start()
    try:
        for i in range(5):
            queue.submit("echo", {"text": str(i)})
        assert queue.wait_idle(30)
    finally:
        queue.stop(10)
    assert [j.id for j in queue.jobs()] == [5, 4, 3]


def test_generation_is_none_while_a_job_runs(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(ctx: JobContext, p: EchoParams) -> dict[str, Any]:
        started.set()
        release.wait(10)
        return {}

    q = JobQueue(tmp_path / "y.duckdb")
    q.register(JobKind("slow", EchoParams, slow))
    q.start()
    try:
        q.submit("slow", {"text": "x"})
        assert started.wait(10)
        assert q.generation is None
        release.set()
        assert q.wait_idle(10)
        assert q.generation == 1
    finally:
        q.stop(10)


def test_result_cache_keeps_until_the_generation_moves() -> None:
    cache = ResultCache(size=2)
    calls: list[str] = []

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert cache.get("a", 0, lambda: compute("a")) == "A"
    assert cache.get("a", 0, lambda: compute("a")) == "A"
    assert calls == ["a"]
    cache.get("b", 0, lambda: compute("b"))
    cache.get("c", 0, lambda: compute("c"))  # evicts a (least recently used)
    cache.get("a", 0, lambda: compute("a"))
    assert calls == ["a", "b", "c", "a"]
    cache.get("a", 1, lambda: compute("a"))  # a job ran: everything is recomputed
    assert calls[-1] == "a" and len(calls) == 5
    cache.get("a", None, lambda: compute("a"))  # a job is running: not cached, not served
    cache.get("a", None, lambda: compute("a"))
    assert len(calls) == 7 and (cache.hits, cache.misses) == (1, 5)


def test_result_cache_holds_a_bounded_number_of_records() -> None:
    cache = ResultCache(size=10, max_rows=100)
    big = cache.get("big", 0, lambda: list(range(80)), len)
    assert cache.get("big", 0, lambda: [], len) is big
    cache.get("small", 0, lambda: list(range(30)), len)  # 110 > 100: the oldest goes
    assert cache.get("big", 0, lambda: ["again"], len) == ["again"]
    huge = cache.get("huge", 0, lambda: list(range(500)), len)  # alone over budget: kept
    assert cache.get("huge", 0, lambda: [], len) is huge
