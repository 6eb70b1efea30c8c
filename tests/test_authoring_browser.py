"""The authoring path in a real browser (Debian's chromium driven by Playwright) against `jixiao serve` with
accounts on, logged in as a department officer: create a project from the skeleton; add a suggested
indicator with one click; type a placeholder value with the keyboard (Enter adds a row, Tab moves through
the grid), see the finding beside the row, fix it; submit; export XLSX and parse it back. Then two pages
save the same draft and the second is refused with the first's change shown, and a document is deleted
through its confirmation step. Requests to any other host are refused (no CDN). Screenshots go to
test-artifacts/authoring-*.png."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from conftest import ROOT, SEEDS

ARTIFACTS = ROOT / "test-artifacts"
OFFICER, DEPARTMENT = "officer1", "甲局"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from browser import served_store

    tmp = tmp_path_factory.mktemp("authoring-browser")
    with served_store(tmp, [str(p) for p in SEEDS], auth=True) as (url, log):
        added = subprocess.run([sys.executable, "-c", "from jixiao.cli import main; main()", "user", "add", OFFICER,
                                "--role", "officer", "--department", DEPARTMENT, "--db", str(tmp / "web.db")],
                               cwd=ROOT, capture_output=True, text=True, check=True)
        password = re.search(r"初始密码[^：]*：(\S+)", added.stdout + added.stderr).group(1)
        yield url, password


@pytest.fixture(scope="module")
def browser():
    from browser import chromium

    with chromium(ARTIFACTS) as b:
        yield b


@pytest.fixture
def officer(browser, server):
    """A logged-in officer's browser context; requests to other hosts are recorded and aborted."""
    url, password = server
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    foreign: list[str] = []

    def guard(route) -> None:
        if urlparse(route.request.url).netloc == urlparse(url).netloc:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=name]", OFFICER)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]
    yield context, page, url
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"


def _cell(page, row: int, col: str):
    return page.locator(f'#grid .cell[data-row="{row}"][data-col="{col}"]')


def _findings(page, row: int) -> str:
    return page.locator(f"#row-{row} .c-findings").inner_text()


def _rows(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#grid tbody tr')].map(tr => {
        const v = (c) => tr.querySelector(`.cell[data-col="${c}"]`).value;
        return {level1: v('level1'), level2: v('level2'), name: v('name'), op: v('op'), value: v('value'),
                unit: v('unit')}; })""")


def _create(page, url: str, name: str) -> int:
    page.goto(url + "/drafts")
    page.fill("#f-name", name)
    page.select_option("#f-kind", "purchase")
    page.fill("#f-dept", DEPARTMENT)
    page.fill("#f-year", "2025")
    page.fill("#f-content", "购置计算机、打印机等办公设备")
    page.click("#create")
    page.wait_for_url(re.compile(r"/drafts/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_create_suggest_fix_submit_export(officer):
    from jixiao.authoring.content import Row
    from jixiao.ingest import parse_path

    _, page, url = officer
    _create(page, url, "办公设备购置")
    page.wait_for_selector("#grid tbody tr")
    rows = _rows(page)
    # the skeleton of a purchase project: 成本 first (101号), then 产出 数量/质量/时效, 效益, 满意度
    assert (rows[0]["level1"], rows[0]["level2"]) == ("成本指标", "经济成本指标")
    assert {"数量指标", "质量指标", "时效指标"} <= {r["level2"] for r in rows if r["level1"] == "产出指标"}
    assert all(not r["name"] for r in rows)
    page.fill("#fld-goal", "购置办公设备，保障机关日常办公。")
    page.screenshot(path=str(ARTIFACTS / "authoring-1-skeleton.png"), full_page=True)

    # one click adds a suggested indicator with its most common target
    page.click("#load-suggestions")
    page.wait_for_selector("#suggestions button.add-suggestion")
    pick = page.evaluate("""() => { const tr = [...document.querySelectorAll('#suggestions tbody tr')]
        .find(tr => /\\d/.test(tr.children[2].textContent) && tr.children[1].textContent.includes('/'));
        return {name: tr.dataset.name, target: tr.children[2].textContent, id: tr.querySelector('button').id}; }""")
    page.click("#" + pick["id"])
    added = [r for r in _rows(page) if r["name"] == pick["name"]]
    assert len(added) == 1 and Row(**added[0]).raw() == pick["target"].replace("=", "")
    page.screenshot(path=str(ARTIFACTS / "authoring-2-suggested.png"), full_page=True)

    # keyboard: Enter adds a row below the quantity slot, Tab walks name → operator → value → unit
    quantity = next(n for n, r in enumerate(_rows(page)) if r["level2"] == "数量指标")
    _cell(page, quantity, "name").fill("办公设备购置数量")
    _cell(page, quantity, "name").press("Enter")
    new = quantity + 1
    assert page.evaluate("() => document.activeElement.dataset.row") == str(new)
    assert _rows(page)[new]["level2"] == "数量指标"  # the new row keeps its neighbour's levels
    _cell(page, new, "name").press("Control+Delete")  # and Ctrl+Delete takes it away again
    assert _rows(page)[new]["level2"] != "数量指标" or _rows(page)[new]["name"] == ""
    _cell(page, quantity, "name").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.col") == "op"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.col") == "value"
    page.keyboard.type("**")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.col") == "unit"
    page.keyboard.type("台")
    page.wait_for_function(f"() => document.querySelector('#row-{quantity} .c-findings').textContent.includes('NS1')")
    assert "占位符" in _findings(page, quantity)
    assert "row-error" in page.get_attribute(f"#row-{quantity}", "class")
    assert page.is_disabled("#submit")
    page.screenshot(path=str(ARTIFACTS / "authoring-3-placeholder.png"), full_page=True)
    _cell(page, quantity, "value").fill("20")
    page.wait_for_function(f"() => !document.querySelector('#row-{quantity} .c-findings').textContent.includes('NS1')")

    # the rest of the table, then no error is left: save and submit
    def fill(level2: str, name: str, op: str, value: str, unit: str = "") -> None:
        n = next(k for k, r in enumerate(_rows(page)) if r["level2"] == level2 and not r["name"])
        _cell(page, n, "name").fill(name)
        _cell(page, n, "op").select_option(op)
        _cell(page, n, "value").fill(value)
        if unit:
            _cell(page, n, "unit").fill(unit)

    fill("经济成本指标", "单台设备采购成本", "≤", "0.8", "万元")
    fill("质量指标", "设备验收合格率", "=", "100", "%")
    fill("时效指标", "采购完成时间", "定性", "2025年6月底前完成")
    fill("社会效益指标", "办公保障能力", "定性", "因设备故障停工次数为0")
    page.wait_for_function("() => document.getElementById('counts').textContent.startsWith('错误 0')")
    page.click("#save")
    page.wait_for_function("() => document.getElementById('message').textContent.startsWith('已保存')")
    page.click("#submit")
    page.wait_for_function("() => document.getElementById('status').textContent === '已提交'")
    assert page.is_disabled(f'#grid .cell[data-row="{quantity}"][data-col="value"]')  # submitted: read-only
    page.wait_for_selector("#revisions tbody tr >> text=提交")
    assert OFFICER in page.locator("#revisions").inner_text()  # the author is the logged-in user
    page.screenshot(path=str(ARTIFACTS / "authoring-4-submitted.png"), full_page=True)

    # export XLSX and parse it back
    with page.expect_download() as got:
        page.click("#export")
    path = ARTIFACTS / "authoring-export.xlsx"
    got.value.save_as(str(path))
    back = parse_path(path)
    assert [p.name for p in back.projects] == ["办公设备购置"]
    want = [(r["level1"], r["level2"], r["name"], Row(**r).raw()) for r in _rows(page) if r["name"]]
    assert [(i.level1, i.level2, i.name, i.annual.raw if i.annual else None)
            for i in back.projects[0].indicators] == want
    assert back.projects[0].goal == "购置办公设备，保障机关日常办公。"


def test_concurrent_saves_and_delete_with_confirmation(officer):
    context, page, url = officer
    draft_id = _create(page, url, "执法装备购置")
    other = context.new_page()
    other.goto(f"{url}/drafts/{draft_id}")
    other.wait_for_selector("#grid tbody tr")
    _cell(other, 1, "name").fill("执法记录仪购置数量")
    _cell(other, 1, "value").fill("30")
    _cell(other, 1, "unit").fill("台")
    other.click("#save")
    other.wait_for_function("() => document.getElementById('message').textContent.startsWith('已保存')")

    _cell(page, 1, "name").fill("执法车辆购置数量")
    _cell(page, 1, "value").fill("2")
    _cell(page, 1, "unit").fill("辆")
    page.click("#save")
    page.wait_for_selector("#conflict:not([hidden])")
    shown = page.locator("#conflict").inner_text()
    assert "保存被拒绝" in shown and "执法记录仪购置数量" in shown and OFFICER in shown
    assert _rows(page)[1]["name"] == "执法车辆购置数量"  # what was typed is still in the page
    page.screenshot(path=str(ARTIFACTS / "authoring-5-conflict.png"), full_page=True)
    page.click("#load-theirs")
    page.wait_for_function("() => document.getElementById('conflict').hidden")
    assert _rows(page)[1]["name"] == "执法记录仪购置数量"
    assert "冲突副本" in page.locator("#revisions").inner_text()  # the refused save is kept

    # two revisions diffed on their page, then the first one restored (after a confirmation dialog)
    page.check('#revisions tr:has(td:text-is("1")) input[name=a]')
    page.check('#revisions tr:has(td:text-is("2")) input[name=b]')
    page.click("#compare-revisions")
    page.wait_for_selector("#diff")
    assert "执法记录仪购置数量" in page.locator("#diff").inner_text() and "新增" in page.locator("#diff").inner_text()
    page.screenshot(path=str(ARTIFACTS / "authoring-6-diff.png"), full_page=True)
    page.go_back()
    page.wait_for_selector('#revisions tr:has(td:text-is("1")) button.restore')
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('#revisions tr:has(td:text-is("1")) button.restore')
    page.wait_for_function("() => document.getElementById('message').textContent.startsWith('已恢复')")
    assert page.locator("#version").inner_text() == "3" and _rows(page)[1]["name"] == ""

    # delete through the confirmation step
    page.click("#delete")
    page.wait_for_selector("#confirm-form")
    page.fill("#confirm", "0")
    page.click("#confirm-button")
    assert "以确认删除" in page.locator("#problem").inner_text()
    doc_id = re.search(r"/documents/(\d+)/delete", page.url).group(1)
    page.fill("#confirm", doc_id)
    page.click("#confirm-button")
    page.wait_for_selector("#done")
    page.screenshot(path=str(ARTIFACTS / "authoring-7-deleted.png"), full_page=True)
    assert page.goto(f"{url}/drafts/{draft_id}").status == 404
