"""The application layer the three faces share: the CLI, the JSON API and the web pages call these
functions and nothing below them. No face writes SQL, words an error, walks a folder or reviews a document
itself.

- `ingest`: files and folders, uploaded or pasted bytes; each document stored with its findings.
- `findings`: stored review findings under the review settings in use, paged in SQL.
- `catalog`: documents, departments, projects, indicators, search.
- `pages`: the department, document-group and project pages' data.
- `library`: the indicator library and suggestions.
- `scoring`: scores, lights and tracks of stored monitoring and self-evaluation tables.
- `compare`, `execution_view`: comparison of years, monitoring and self-evaluation views.
- `access`: the `Principal` every function takes and the one permission check (`check`).
- `settings`: review settings and the key their stored findings go under.

Functions take the store's `Engine` and open their own transactions; `principal` defaults to the all-seeing
local user."""

from __future__ import annotations

from ..errors import Forbidden, JixiaoError, NotFound, Unprocessable, describe
from .access import LOCAL, Principal, allowed, check, set_policy, visible_departments
from .catalog import (
    NO_DEPARTMENT,
    counts,
    department_documents,
    department_exists,
    department_list,
    department_names,
    departments,
    document_ids_matching,
    documents_of,
    get_document,
    indicators,
    iter_documents,
    library_tree,
    list_documents,
    overview,
    project_rows,
    projects,
    projects_named,
    search,
    search_page,
    years_with_data,
)
from .compare import compare_stored, compare_years
from .execution_view import (
    CHANGE_LABEL,
    LIGHT_LABEL,
    LIGHTS,
    approved_for,
    group_execution,
    project_execution,
    reports_execution,
    scorable_document,
    stored_project_for,
)
from .findings import ensure_reviewed, finding_rules, findings_for, findings_page, refresh, review_documents
from .ingest import (
    Stored,
    fill_missing,
    flush,
    ingest_bytes,
    ingest_files,
    same_table,
    store_parsed,
    store_reviewed,
    twins,
)
from .library import library_entry, library_page, library_search, rebuild_library, suggest
from .pages import department_detail, document_group_detail, project_detail, project_page
from .scoring import lights_stored, score_stored, track_stored
from .settings import load_settings, settings_key

__all__ = [
    "CHANGE_LABEL", "LIGHTS", "LIGHT_LABEL", "LOCAL", "NO_DEPARTMENT", "Forbidden", "JixiaoError", "NotFound",
    "Principal", "Stored", "Unprocessable", "allowed", "approved_for", "check", "compare_stored", "compare_years",
    "counts", "department_detail", "department_documents", "department_exists", "department_list", "department_names", "departments",
    "describe", "document_group_detail", "document_ids_matching", "documents_of", "ensure_reviewed",
    "fill_missing", "flush", "finding_rules", "findings_for", "findings_page", "get_document", "iter_documents", "group_execution",
    "indicators", "ingest_bytes", "ingest_files", "library_entry", "library_page", "library_search", "library_tree", "list_documents", "load_settings", "overview",
    "project_detail", "project_execution", "project_page", "project_rows", "projects", "projects_named",
    "lights_stored", "rebuild_library", "refresh", "reports_execution", "review_documents", "same_table", "score_stored", "scorable_document", "search", "search_page", "set_policy",
    "settings_key", "store_parsed", "store_reviewed", "suggest", "track_stored", "stored_project_for", "twins", "visible_departments",
    "years_with_data",
]
