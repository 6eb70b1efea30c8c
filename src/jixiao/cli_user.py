"""`jixiao user …`: accounts of a shared server (add, list, disable, enable, set-role, password, API tokens).

Registered on the `jixiao` app by one import at the end of cli.py. Passwords and tokens are printed once,
when made; the store keeps only their hashes."""

from __future__ import annotations

import typer
from rich.table import Table

from .auth.roles import ROLE_ZH, parse_role
from .cli import DB_OPTION, _engine, app, err
from .errors import JixiaoError

user_app = typer.Typer(help="管理共享服务器的账户：添加、列出、停用、改角色、API 令牌。", no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLE_HELP = "角色：admin（管理员）、reviewer（财政审核人员）、officer（部门经办人）、analyst（分析人员，只读）"
DEPT_HELP = "部门：经办人须填一个（本部门）；审核人员可填多个（负责的部门），不填为全部部门"


def _role(text: str) -> str:
    role = parse_role(text)
    if role is None:
        err.print(f"[red]错误[/red] 角色无效：{text}（{ROLE_HELP}）", soft_wrap=True)
        raise typer.Exit(2)
    return role


def _run(db: str | None, action):
    """Run `action(conn)` in one transaction; an account error is one red line and exit code 1."""
    engine = _engine(db)
    try:
        with engine.begin() as conn:
            return action(conn)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc.message}", soft_wrap=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


def _departments_text(departments) -> str:
    return "、".join(departments) if departments else "全部"


@user_app.command("add")
def add(name: str = typer.Argument(..., help="用户名（不含空格）"),
        role: str = typer.Option(..., "--role", "-r", help=ROLE_HELP),
        department: list[str] = typer.Option(None, "--department", "-d", help=DEPT_HELP),
        db: str | None = DB_OPTION) -> None:
    """添加账户；初始密码只显示这一次。"""
    from .auth.users import add_user

    user, password = _run(db, lambda conn: add_user(conn, name, _role(role), list(department or [])))
    typer.echo(f"已添加 {user.name}（{ROLE_ZH[user.role]}，部门：{_departments_text(user.departments)}）")
    typer.echo(f"初始密码（只显示这一次）：{password}")


@user_app.command("list")
def list_(db: str | None = DB_OPTION) -> None:
    """列出账户。"""
    from rich.console import Console

    from .auth.users import list_users

    users = _run(db, list_users)
    table = Table("用户名", "角色", "部门", "状态", "最近登录")
    for u in users:
        table.add_row(u.name, ROLE_ZH.get(u.role, u.role),
                      _departments_text(u.departments) if u.role in ("reviewer", "officer") else "—",
                      "启用" if u.active else "已停用",
                      u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "—")
    Console().print(table)


@user_app.command("disable")
def disable(name: str, db: str | None = DB_OPTION) -> None:
    """停用账户：立即结束其登录会话，其 API 令牌也不再可用。"""
    from .auth.users import set_active

    _run(db, lambda conn: set_active(conn, name, False))
    typer.echo(f"已停用 {name}")


@user_app.command("enable")
def enable(name: str, db: str | None = DB_OPTION) -> None:
    """重新启用账户。"""
    from .auth.users import set_active

    _run(db, lambda conn: set_active(conn, name, True))
    typer.echo(f"已启用 {name}")


@user_app.command("set-role")
def set_role(name: str, role: str = typer.Argument(..., help=ROLE_HELP),
             department: list[str] = typer.Option(None, "--department", "-d", help=DEPT_HELP),
             db: str | None = DB_OPTION) -> None:
    """修改账户的角色（和部门）。"""
    from .auth.users import set_role as change

    user = _run(db, lambda conn: change(conn, name, _role(role), list(department) if department else None))
    typer.echo(f"{user.name} 现为{ROLE_ZH[user.role]}（部门：{_departments_text(user.departments)}）")


@user_app.command("password")
def password(name: str, db: str | None = DB_OPTION) -> None:
    """为账户生成新密码（只显示这一次）。"""
    from .auth.users import set_password

    new = _run(db, lambda conn: set_password(conn, name))
    typer.echo(f"{name} 的新密码（只显示这一次）：{new}")


@user_app.command("token")
def token(name: str, label: str = typer.Option("script", "--name", help="令牌用途，如 nightly-import"),
          db: str | None = DB_OPTION) -> None:
    """为账户创建 API 令牌（只显示这一次；脚本用 Authorization: Bearer <令牌>）。"""
    from .auth.tokens import create_token

    token_id, value = _run(db, lambda conn: create_token(conn, name, label))
    typer.echo(f"令牌 #{token_id}（只显示这一次）：{value}")


@user_app.command("tokens")
def tokens(name: str | None = typer.Argument(None), db: str | None = DB_OPTION) -> None:
    """列出 API 令牌（只显示前缀）。"""
    from rich.console import Console

    from .auth.tokens import list_tokens

    rows = _run(db, lambda conn: list_tokens(conn, name))
    table = Table("编号", "用户", "用途", "前缀", "创建", "最近使用", "状态")
    for t in rows:
        table.add_row(str(t.id), t.user, t.name, t.prefix + "…", t.created_at.strftime("%Y-%m-%d"),
                      t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "—",
                      "已撤销" if t.revoked_at else "有效")
    Console().print(table)


@user_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="令牌编号（见 jixiao user tokens）"),
           db: str | None = DB_OPTION) -> None:
    """撤销一个 API 令牌。"""
    from .auth.tokens import revoke_token

    _run(db, lambda conn: revoke_token(conn, token_id))
    typer.echo(f"已撤销令牌 #{token_id}")


def announce_first_admin(engine) -> None:
    """At setup (`jixiao serve` with accounts on): create the first administrator when there is no user and
    print its password once, on the terminal that started the server."""
    from .auth.setup import first_admin

    created = first_admin(engine)
    if created:
        name, password = created
        err.print(f"已创建第一个管理员账户：用户名 {name}，密码 [bold]{password}[/bold]（只显示这一次，请妥善保存；"
                  f"可用 jixiao user password {name} 重设）", soft_wrap=True)
