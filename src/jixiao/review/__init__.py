"""Review targets against the Ministry of Finance's rules: `review_document(doc)` → findings."""

from .engine import REGISTRY, Finding, Rule, Settings, all_rules, review_document

__all__ = ["REGISTRY", "Finding", "Rule", "Settings", "all_rules", "review_document"]
