"""Monitoring and self-evaluation: recompute scores, light each target, link to the approved targets.

`score_document(doc, cfg)` recomputes a self-evaluation (rules.md §3, §8.2); `light_document(doc, cfg)`
colours a monitoring table (rules.md §4.2, §8.1); `ScoreConfig` holds the template choices."""

from .config import ScoreConfig, load_config
from .lights import ProjectLights, light_document
from .scoring import IndicatorScore, SubjectScore, score_document, score_indicator

__all__ = ["IndicatorScore", "ProjectLights", "ScoreConfig", "SubjectScore", "light_document", "load_config",
           "score_document", "score_indicator"]
