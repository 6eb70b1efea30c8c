"""What a route hands the service layer from its request: the store, the principal, the server's review
settings and scoring choices. The accounts middleware sets `request.state.principal`; without it a request
is the all-seeing local user."""

from __future__ import annotations

import os

from fastapi import Request

from ..review import Settings
from ..service import LOCAL, Principal


def engine(request: Request):
    return request.app.state.engine


def principal(request: Request) -> Principal:
    return getattr(request.state, "principal", None) or LOCAL


def review_settings(request: Request) -> Settings:
    """The server's review settings (`jixiao serve --config`), the same the CLI's `review --config` takes. A
    worker process started by uvicorn finds the file in JIXIAO_REVIEW_CONFIG and loads it once."""
    state = request.app.state
    settings = getattr(state, "review_settings", None)
    if settings is None:
        path = os.environ.get("JIXIAO_REVIEW_CONFIG")
        settings = state.review_settings = Settings.load(path) if path else Settings()
    return settings


def score_config(request: Request):
    """The server's template choices (thresholds, weights), the same the JSON endpoints use."""
    from ..execution.config import ScoreConfig

    return ScoreConfig.resolve(getattr(request.app.state, "score_config", None))
