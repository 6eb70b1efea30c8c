"""The review workflow: a department's table moves draft → submitted → returned or approved; reviewers comment
per indicator from the national opinion list and attach jixiao's findings; a 审核意见书 goes out as DOCX; every
action lands in the audit log.

Modules, one job each: `opinions` (the vocabulary), `actor` (who acts), `permissions` (may they),
`tables` (the two tables of migration 0008), `status` (the document's status column, migration 0007),
`transitions`, `comments`, `audit`, `sheet` (a document with its comments beside its rows), `letter` (the DOCX).
Nothing is imported here so `jixiao.store.schema` can register the tables without an import cycle."""
