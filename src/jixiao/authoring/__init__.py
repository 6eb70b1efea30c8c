"""Authoring: the department officer writes a project's target table in the web editor.

One module per job: `skeleton` (the 一级/二级 rows 财预〔2021〕101号 expects), `content` (the editor's rows
and how they become a Document), `checks` (the national system's save checks of rules.md §8.3), `store`
(drafts, revisions, optimistic locking, submit, delete and replace) and `tables` (the rows of migration 0007).

This package's `__init__` imports nothing, so `jixiao.store.schema` can register the tables without a cycle."""
