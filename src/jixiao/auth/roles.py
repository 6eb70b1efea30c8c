"""The four roles of a shared server and their Chinese names."""

from __future__ import annotations

ADMIN = "admin"
REVIEWER = "reviewer"
OFFICER = "officer"
ANALYST = "analyst"
ROLES = (ADMIN, REVIEWER, OFFICER, ANALYST)

ROLE_ZH = {ADMIN: "管理员", REVIEWER: "财政审核人员", OFFICER: "部门经办人", ANALYST: "分析人员（只读）"}

# what a user may type for a role: the code or its Chinese name
_ALIASES = {**{r: r for r in ROLES}, **{v: k for k, v in ROLE_ZH.items()}, "分析人员": ANALYST,
            "administrator": ADMIN, "finance-reviewer": REVIEWER, "department-officer": OFFICER}


def parse_role(text: str) -> str | None:
    """The role code for a name the user typed, or None."""
    return _ALIASES.get(text.strip().lower()) or _ALIASES.get(text.strip())
