"""Chinese for the texts click and typer print themselves (help headings, usage errors).

Older typer passes them through click's `gettext`; typer 0.2x carries its own copy of click with the English
written in. Both are covered: `_` rebound to the table below where a module has it, and the usage line, the
help option's text and every usage error rewritten on their way to the screen. Texts not covered stay as
they are."""

from __future__ import annotations

import errno
import os
import re

ZH = {
    "Usage:": "用法：", "Options": "选项", "Arguments": "参数", "Commands": "命令", "Error": "错误",
    "Show this message and exit.": "显示此帮助并退出。", "Show the version and exit.": "显示版本并退出。",
    "Missing argument": "缺少参数", "Missing option": "缺少选项", "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}", "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。", "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。", "No such option: {name}": "没有选项：{name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}", "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "Aborted!": "已中止。", "Aborted.": "已中止。", "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "[default: {}]": "[默认：{}]", "[env var: {}]": "[环境变量：{}]", "[required]": "[必填]",
    "default: {default}": "默认：{default}", "env var: {var}": "环境变量：{var}", "required": "必填",
    "(dynamic)": "（动态）", "(deprecated) ": "（已弃用）", "deprecated": "已弃用",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值，可用：{states}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件", "directory": "目录", "path": "路径", "integer": "整数", "float": "数字",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
}

# the operating system's reasons, by errno, for the messages that name a file
OS_ERRORS = {
    errno.ENOENT: "文件或目录不存在", errno.EACCES: "没有权限", errno.EISDIR: "是目录而不是文件",
    errno.ENOTDIR: "路径中有一段不是目录", errno.ENOSPC: "磁盘已满", errno.EROFS: "只读文件系统",
    errno.EEXIST: "已存在", errno.ENAMETOOLONG: "文件名太长", errno.EPERM: "不允许的操作",
}


# usage errors as typer's bundled click words them (regular expressions over the whole message)
PATTERNS = [
    (r"^Missing argument '(.+?)'\.", r"缺少参数 '\1'。"), (r"^Missing option '(.+?)'\.", r"缺少选项 '\1'。"),
    (r"^Missing parameter: (.+)", r"缺少参数：\1"), (r"^No such option: (\S+)", r"没有选项：\1"),
    (r"\(Possible options: (.+)\)", r"（是否想用：\1）"), (r"^No such command '(.+?)'\.", r"没有命令 '\1'。"),
    (r"^Missing command\.", "缺少命令。"), (r"^Got unexpected extra arguments? ?\(?s?\)? ?\((.*)\)", r"多余的参数（\1）"),
    (r"^Invalid value for (.+?): ", r"\1 的值无效："), (r"^Invalid value: ", "值无效："), (r"Value error, ", ""),
    (r"'(.+?)' is not one of (.+?)\.$", r"'\1' 不在可选值 \2 中。"), (r"'(.+?)' is not (.+?)\.$", r"'\1' 不是 \2。"),
    (r"'(.+?)' is not a valid integer\.?", r"'\1' 不是整数。"), (r"'(.+?)' is not a valid float\.?", r"'\1' 不是数字。"),
    (r"'(.+?)' is not a valid (\w+)\.?", r"'\1' 不是有效的 \2。"),
    (r"Input should be a valid integer.*", "应为整数"), (r"Input should be a valid number.*", "应为数字"),
    (r"Option '(.+?)' requires an argument\.", r"选项 '\1' 需要一个值。"),
    (r"Option '(.+?)' requires (\d+) arguments\.", r"选项 '\1' 需要 \2 个值。"),
    (r"Option '(.+?)' does not take a value\.", r"选项 '\1' 不接受值。"),
    (r"(?:File|Directory|Path) '(.+?)' does not exist\.", r"'\1' 不存在。"),
    (r"(?:File|Path) '(.+?)' is a directory\.", r"'\1' 是目录。"),
    (r"(.+?) is not in the range (.+?)\.", r"\1 不在范围 \2 内。"),
]


def translate(message: str) -> str:
    for pattern, repl in PATTERNS:
        message = re.sub(pattern, repl, message)
    return ZH.get(message, message)


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def os_error(exc: OSError) -> str:
    """An OSError's reason in Chinese ("No such file or directory" → 文件或目录不存在)."""
    return OS_ERRORS.get(exc.errno or 0) or (os.strerror(exc.errno) if exc.errno else str(exc))


def install() -> None:
    """Rebind click's and typer's `_` and `ngettext` to the Chinese table, and typer's panel titles."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types
    import typer.core
    import typer.rich_utils as ru

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types,
                   typer.core, ru):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    _patch_bundled_click(ru)
    for name in ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING",
                 "ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "ERRORS_PANEL_TITLE",
                 "ABORTED_TEXT", "RICH_HELP"):
        if hasattr(ru, name):
            setattr(ru, name, gettext(getattr(ru, name)))


def _patch_bundled_click(ru) -> None:
    """typer 0.2x: its own click copy writes English directly; rewrite what reaches the screen."""
    try:
        from typer._click import core as tcore
        from typer._click import formatting as tformat
    except ImportError:  # an older typer uses click itself, covered by the gettext table
        return
    if getattr(tformat.HelpFormatter, "_jixiao_zh", False):
        return
    write_usage = tformat.HelpFormatter.write_usage

    def write_usage_zh(self, prog, args="", prefix=None):
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        return write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    tformat.HelpFormatter.write_usage = write_usage_zh
    tformat.HelpFormatter._jixiao_zh = True
    get_help_option = tcore.Command.get_help_option

    def get_help_option_zh(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None and option.help == "Show this message and exit.":
            option.help = ZH["Show this message and exit."]
        return option

    tcore.Command.get_help_option = get_help_option_zh
    rich_format_error = ru.rich_format_error

    def rich_format_error_zh(exc) -> None:
        english = type(exc).format_message
        exc.format_message = lambda: translate(english(exc))
        rich_format_error(exc)

    ru.rich_format_error = rich_format_error_zh
    ru.highlighter.highlights = [h.replace("Usage: ", "用法：") for h in getattr(ru.highlighter, "highlights", [])]
    _patch_type_labels()


TYPE_LABELS = {"<str>": "<文本>", "<int>": "<整数>", "<float>": "<数字>", "<path>": "<路径>", "<file>": "<文件>",
               "<list[Path]>": "<路径>", "<list[str]>": "<文本>", "<Path>": "<路径>", "<bool>": None}


def _patch_type_labels() -> None:
    """typer shows each value's Python type (<str>, <list[Path]>); show it in Chinese, and none for a flag."""
    import typer.core as core

    for cls in (getattr(core, "TyperArgument", None), getattr(core, "TyperOption", None)):
        if cls is None or not hasattr(cls, "display_type_rich"):
            continue
        original = cls.display_type_rich

        def display_type_rich(self, ctx, _original=original):
            label = _original(self, ctx)
            if label is None:
                return None
            base = label.removesuffix("...")
            return TYPE_LABELS[base] if base in TYPE_LABELS and TYPE_LABELS[base] is None else (
                TYPE_LABELS.get(base, base) + ("…" if label.endswith("...") else ""))

        cls.display_type_rich = display_type_rich
