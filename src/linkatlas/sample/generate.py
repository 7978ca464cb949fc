"""``build``: the whole sample web of one seed and version, deterministically."""

from __future__ import annotations

import datetime as _dt
import random

from linkatlas.errors import InputError
from linkatlas.sample import blogs, forum, sites, spam
from linkatlas.sample.kit import BRAND, COMPETITORS, TARGET, Context
from linkatlas.sample.web import SampleWeb

VERSIONS = (1, 2)


def build(seed: int = 7, version: int = 1) -> SampleWeb:
    """The sample web: same seed and version give byte-identical pages; version 2 is the same
    web a month later with deliberate changes (see ``SampleWeb.changes``)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError(f"sample seed must be an integer, got {seed!r}")
    if version not in VERSIONS:
        raise InputError(f"sample version must be one of {VERSIONS}, got {version!r}")
    ctx = Context(seed, version)
    all_sites = [
        sites.target(ctx),
        sites.competitor(ctx, COMPETITORS[0], "RoastWorks", "div"),
        sites.competitor(ctx, COMPETITORS[1], "Grindhouse Supply", "landmark"),
        blogs.journal(ctx),
        blogs.nerd(ctx),
        blogs.brewratio(ctx),
        blogs.diaries(ctx),
        blogs.news(ctx),
        forum.forum(ctx),
        sites.wiki(ctx),
        sites.guild(ctx),
        sites.tools(ctx),
        *spam.network(ctx),
        spam.directory(ctx),
        spam.farm(ctx),
        spam.foreign(ctx, "kofe-deshevo.example", "ru"),
        spam.foreign(ctx, "kafei-pifa.example", "zh"),
    ]
    rng = random.Random(f"{seed}|fetched_at")
    start = _dt.datetime(2024, 3, 1, tzinfo=_dt.UTC) + _dt.timedelta(
        days=rng.randrange(60), seconds=rng.randrange(86_400))
    fetched_at = start + _dt.timedelta(days=30 * (version - 1))
    return SampleWeb(seed=seed, version=version, sites=tuple(all_sites),
                     target_host=TARGET.split("//")[1], brand=BRAND, competitors=COMPETITORS,
                     fetched_at=fetched_at, changes=tuple(ctx.changes))
