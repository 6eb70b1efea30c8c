"""Accounts: the role table, passwords, tokens, sessions and the login limit, on SQLite and PostgreSQL;
`jixiao user` and the first administrator at setup."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from typer.testing import CliRunner

from jixiao.auth import permissions as perm
from jixiao.auth.permissions import AccessDenied, Principal, allowed, check, scope, visitor
from jixiao.auth.ratelimit import LoginLimiter
from jixiao.auth.roles import ADMIN, ANALYST, OFFICER, REVIEWER, parse_role
from jixiao.auth.sessions import end_session, session_user, start_session
from jixiao.auth.tables import api_tokens, users
from jixiao.auth.tokens import create_token, revoke_token, user_for_token
from jixiao.auth.users import AccountError, add_user, authenticate, ensure_first_admin, set_active, set_role
from jixiao.cli import app as cli
from jixiao.store import open_engine

A, B = "东区测试局", "西区测试局"
OFFICER_A = Principal(role=OFFICER, name="o", user_id=1, departments=frozenset({A}))
REVIEWER_ALL = Principal(role=REVIEWER, name="r", user_id=2)
REVIEWER_B = Principal(role=REVIEWER, name="rb", user_id=3, departments=frozenset({B}))
ANALYST_P = Principal(role=ANALYST, name="an", user_id=4)
ADMIN_P = Principal(role=ADMIN, name="ad", user_id=5)


@pytest.mark.parametrize("who,action,department,status,expected", [
    (ADMIN_P, perm.ADMINISTER, None, None, True),
    (OFFICER_A, perm.READ, A, "draft", True),
    (OFFICER_A, perm.READ, B, None, False),
    (OFFICER_A, perm.READ, None, None, False),      # a table with no department is not theirs
    (OFFICER_A, perm.WRITE, A, None, True),
    (OFFICER_A, perm.SUBMIT, A, "draft", True),
    (OFFICER_A, perm.REVIEW, A, "submitted", False),
    (REVIEWER_ALL, perm.READ, B, "submitted", True),
    (REVIEWER_ALL, perm.REVIEW, A, "submitted", True),
    (REVIEWER_ALL, perm.SUBMIT, A, "draft", False),  # departments submit, the bureau reviews
    (REVIEWER_B, perm.REVIEW, A, "submitted", False),
    (REVIEWER_B, perm.REVIEW, B, "submitted", True),
    (ANALYST_P, perm.READ, B, "approved", True),
    (ANALYST_P, perm.READ, B, "submitted", False),  # analysts read published tables only
    (ANALYST_P, perm.WRITE, B, None, False),
    (visitor(public_read=True), perm.READ, A, "approved", True),
    (visitor(public_read=True), perm.READ, A, "draft", False),
    (visitor(public_read=False), perm.READ, A, "approved", False),
    (REVIEWER_ALL, perm.ADMINISTER, None, None, False),
])
def test_role_table(who, action, department, status, expected):
    assert allowed(who, action, department, status) is expected


def test_check_says_401_to_a_visitor_and_403_to_a_user():
    with pytest.raises(AccessDenied) as refused:
        check(perm.READ, A, principal=visitor())
    assert refused.value.status == 401
    with pytest.raises(AccessDenied) as refused:
        check(perm.READ, B, principal=OFFICER_A)
    assert refused.value.status == 403 and B in refused.value.message


def test_scope_for_lists():
    assert scope(OFFICER_A).admits(A) and not scope(OFFICER_A).admits(B) and not scope(OFFICER_A).admits(None)
    assert scope(ANALYST_P).admits(B, "approved") and not scope(ANALYST_P).admits(B, "draft")
    assert scope(ADMIN_P).admits(None, "draft")
    with pytest.raises(AccessDenied):
        scope(visitor())


def test_service_policy_judges_the_requests_principal():
    """A service call that passes the local user inside a request is judged as whoever is asking."""
    local = type("Local", (), {"role": "local", "departments": None, "name": "本机用户"})()
    assert perm.policy(local, "read", B)  # outside a request: the machine's owner
    token = perm.set_current(OFFICER_A)
    try:
        assert not perm.policy(local, "read", B)
        assert perm.policy(local, "read", A)
        assert not perm.policy(local, "approve", A)
        assert perm.list_scope(local) == frozenset({A})
    finally:
        perm.reset_current(token)


def test_role_names():
    assert parse_role("reviewer") == REVIEWER and parse_role("管理员") == ADMIN and parse_role("nobody") is None


def test_login_limiter_counts_failures_per_user_and_address():
    now = [1000.0]
    limiter = LoginLimiter(max_failures=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("u", "1.2.3.4") == 0
        limiter.failed("u", "1.2.3.4")
    assert limiter.retry_after("u", "1.2.3.4") > 0
    assert limiter.retry_after("u", "5.6.7.8") == 0 and limiter.retry_after("v", "1.2.3.4") == 0
    assert [limiter.first_refusal("u", "1.2.3.4") for _ in range(3)] == [True, False, False]  # once a lockout
    assert not limiter.first_refusal("v", "1.2.3.4")  # not locked out
    now[0] += 61
    assert limiter.retry_after("u", "1.2.3.4") == 0
    for _ in range(3):
        limiter.failed("u", "1.2.3.4")
    assert limiter.first_refusal("u", "1.2.3.4")  # a new lockout is recorded again
    limiter.succeeded("u", "1.2.3.4")
    assert limiter._failures == {}


def test_accounts_on_both_backends(store_url):
    """Migration 0006 on SQLite and PostgreSQL: the tables, and every account operation on them."""
    engine = open_engine(store_url)
    try:
        assert {"users", "user_departments", "api_tokens", "sessions", "auth_settings"} <= set(
            inspect(engine).get_table_names())
        with engine.begin() as conn:
            name, first = ensure_first_admin(conn)
            assert name == "admin" and ensure_first_admin(conn) is None
            officer, password = add_user(conn, "officer", OFFICER, [A])
            with pytest.raises(AccountError):
                add_user(conn, "officer", ANALYST)
            with pytest.raises(AccountError):
                add_user(conn, "nodept", OFFICER)
            stored = conn.execute(select(users.c.password_hash).where(users.c.name == "officer")).scalar_one()
            assert stored.startswith("$argon2id$") and password not in stored
        with engine.begin() as conn:
            assert authenticate(conn, "officer", "wrong-password") is None
            user = authenticate(conn, "officer", password)
            assert user.principal().departments == frozenset({A})
            assert authenticate(conn, "admin", first).role == ADMIN
            sid = start_session(conn, user)
            assert session_user(conn, sid).name == "officer"
            _, token = create_token(conn, "officer", "nightly")
            assert token not in str(conn.execute(select(api_tokens)).all())
            assert user_for_token(conn, token).name == "officer"
            moved = set_role(conn, "officer", REVIEWER, [A, B])
            assert moved.departments == (A, B)
            with pytest.raises(AccountError):
                set_active(conn, "admin", False)  # the last administrator stays
        with engine.begin() as conn:
            set_active(conn, "officer", False)
            assert session_user(conn, sid) is None and user_for_token(conn, token) is None
            set_active(conn, "officer", True)
            assert session_user(conn, sid) is None  # disabling ended the session for good
            revoke_token(conn, 1)
            assert user_for_token(conn, token) is None
            sid = start_session(conn, authenticate(conn, "officer", password))
            end_session(conn, sid)
            assert session_user(conn, sid) is None
    finally:
        engine.dispose()


def test_user_commands(tmp_path):
    db = str(tmp_path / "u.db")
    open_engine(db).dispose()
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "li", "--role", "officer", "-d", A, "--db", db])
    assert added.exit_code == 0 and "初始密码" in added.output
    password = added.output.rsplit("：", 1)[1].strip()
    assert len(password) >= 10
    bad = runner.invoke(cli, ["user", "add", "wang", "--role", "boss", "--db", db])
    assert bad.exit_code == 2 and "角色无效" in bad.output
    assert runner.invoke(cli, ["user", "set-role", "li", "reviewer", "-d", A, "-d", B, "--db", db]).exit_code == 0
    listed = runner.invoke(cli, ["user", "list", "--db", db])
    assert "li" in listed.output and "财政审核人员" in listed.output and B in listed.output
    token = runner.invoke(cli, ["user", "token", "li", "--db", db])
    assert token.exit_code == 0 and "jx_" in token.output
    assert runner.invoke(cli, ["user", "disable", "li", "--db", db]).exit_code == 0
    assert "已停用" in runner.invoke(cli, ["user", "list", "--db", db]).output
    missing = runner.invoke(cli, ["user", "disable", "nobody", "--db", db])
    assert missing.exit_code == 1 and "没有用户" in missing.output
    assert runner.invoke(cli, ["user", "revoke", "1", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["user", "revoke", "1", "--db", db]).exit_code == 1


def test_first_administrator_is_printed_once(tmp_path, capsys):
    from jixiao.cli_user import announce_first_admin

    engine = open_engine(str(tmp_path / "f.db"))
    announce_first_admin(engine)
    first = capsys.readouterr().err
    assert "admin" in first and "只显示这一次" in first
    announce_first_admin(engine)
    assert capsys.readouterr().err == ""
    password = first.split("密码", 1)[1].split("（", 1)[0].strip()
    with engine.begin() as conn:
        assert authenticate(conn, "admin", password) is not None
    engine.dispose()


def test_an_older_store_is_carried_over(store_url):
    """A store made before accounts (revision 0005) upgrades to 0006 and beyond with its documents intact,
    and has no user until the first administrator is made."""
    from sqlalchemy import create_engine, func, text

    from jixiao.store.db import upgrade
    from jixiao.store.schema import DocumentRow

    old = create_engine(store_url)
    upgrade(old, "0005")
    with old.begin() as conn:
        assert "users" not in inspect(conn).get_table_names()
        # the row as a 0005 store holds it (the current writer knows later columns)
        conn.execute(text("INSERT INTO documents (sha256, source_name, format, has_overall, n_projects, "
                          "n_indicators, has_budget, has_execution, has_evaluation) "
                          "VALUES ('ab', '旧表.txt', 'txt', false, 0, 0, false, false, false)"))
    old.dispose()
    engine = open_engine(store_url)
    try:
        with engine.begin() as conn:
            assert conn.execute(select(DocumentRow.source_name)).scalars().all() == ["旧表.txt"]
            assert conn.execute(select(func.count()).select_from(users)).scalar_one() == 0
            assert ensure_first_admin(conn)[0] == "admin"
    finally:
        engine.dispose()


def test_policy_judges_other_principal_types_by_their_role():
    """The service's and the workflow's own principal objects are judged by their role and departments,
    also outside a request (a service test, a CLI acting for a named user)."""
    from jixiao.service.access import Principal as ServicePrincipal

    officer = ServicePrincipal("li", role="officer", departments=frozenset({A}))
    assert perm.policy(officer, "read", A) and not perm.policy(officer, "read", B)
    assert perm.list_scope(officer) == frozenset({A})
    assert perm.policy(ServicePrincipal("boss", role="administrator"), "admin")
    assert not perm.policy(ServicePrincipal("an", role="analyst"), "ingest", A)
    assert perm.policy(ServicePrincipal("本机用户"), "admin")  # the service's local user
