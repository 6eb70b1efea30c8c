"""Moved: the application layer is `jixiao.service`. Kept so older imports (`from jixiao.api import service`)
go on working; new code imports `jixiao.service`."""

from ..service import *  # noqa: F403
from ..service import __all__  # noqa: F401
from ..service.ingest import _fingerprint  # noqa: F401
