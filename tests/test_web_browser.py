"""What a browser shows, in Debian's chromium driven by Playwright, against a running `jixiao serve`: offline
API docs, the site's 404 page, overall targets, review paging, the compare lists, the library tree, the
department chart, the project page at 390 px, and the access log. Every request to another host is
recorded and refused (the pages must work offline). Screenshots go to test-artifacts/web-*.png."""

from __future__ import annotations

import re
import time
import urllib.request
from urllib.parse import quote, urlparse

import pytest
from conftest import ROOT, SEEDS

ARTIFACTS = ROOT / "test-artifacts"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from browser import served_store

    files = [*map(str, SEEDS), str(EXAMPLES / "overall.txt"), str(EXAMPLES / "inline_list.txt")]
    with served_store(tmp_path_factory.mktemp("web-browser"), files) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    from browser import chromium

    with chromium(ARTIFACTS) as b:
        yield b


@pytest.fixture
def offline(browser, server):
    """A page whose requests to any host but the server are recorded and aborted."""
    base = urlparse(server[0]).netloc
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    foreign: list[str] = []

    def guard(route) -> None:
        if urlparse(route.request.url).netloc == base:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page, server[0]
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_docs_render_offline(offline):
    page, url = offline
    page.goto(url + "/")
    page.click("header nav >> text=API 文档")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "jixiao" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 5
    shot(page, "docs")


def test_not_found_page_in_site(offline):
    page, url = offline
    response = page.goto(url + "/projects/999999")
    assert response.status == 404
    assert page.locator("header.top nav").is_visible()
    assert "没有编号为 999999 的项目" in page.inner_text("main")
    shot(page, "404")
    assert page.goto(url + "/projects/abc").status == 400
    assert "参数无效" in page.inner_text("main")


def test_overall_targets_shown(offline):
    page, url = offline
    page.goto(url + "/")
    groups = page.locator("main a[href^='/documents/'], main a[href^='/departments/']")
    hrefs = [groups.nth(i).get_attribute("href") for i in range(groups.count())]
    for href in hrefs:
        page.goto(url + href)
        if page.locator("#overall").count() and "预算执行审计" in page.inner_text("#overall"):
            break  # the example of overall targets (a seed document may carry some too)
    overall = page.locator("#overall")
    assert overall.is_visible()
    text = overall.inner_text()
    assert "预算执行审计" in text and "审计项目完成率" in text and "≥95%" in text
    shot(page, "overall")


def test_review_pages_and_labels(offline):
    page, url = offline
    page.goto(url + "/review")
    rows = page.locator("table.review tbody tr")
    assert rows.count() == 50
    assert page.locator("table.review thead th").last.inner_text() == "修改建议"
    label = page.locator("table.review .sev-label").first.bounding_box()
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sev-label')).lineHeight) || 20")
    assert label["height"] < 1.6 * line and label["width"] > label["height"]  # one line, not one character a line
    first = rows.first.inner_text()
    page.locator("nav.pager").first.locator("text=下一页").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("table.review tbody tr").count() > 0 and page.locator("table.review tbody tr").first.inner_text() != first
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000
    shot(page, "review")
    page.click("text=规则目录")
    page.wait_for_selector("#JX101")
    assert "修改建议" in page.inner_text("#JX101")


def test_compare_lists_and_budget(offline):
    page, url = offline
    page.goto(url + "/compare?department=" + quote("广州市财政局"))
    assert "2022 年 ⇄ 2023 年" in page.inner_text("#summary")
    assert page.locator("#only-a tbody tr").count() > 1 and page.locator("#only-b tbody tr").count() > 1
    assert page.locator(".budget-change").count() > 0
    page.click("text=配对得分怎么算")
    assert page.locator("details.explain p").is_visible()
    shot(page, "compare")


def test_library_tree(offline):
    page, url = offline
    page.goto(url + "/library")
    tops = page.locator("#tree > details > summary")
    assert tops.count() >= 3 and "产出指标" in tops.first.inner_text()
    second = page.locator("#tree > details").first.locator("details summary").first
    second.click()
    entry = page.locator("#tree > details").first.locator("details[open] a").first
    assert entry.is_visible()
    shot(page, "library-tree")
    entry.click()
    page.wait_for_selector(".entry")
    page.goto(url + "/library?project=" + quote("信息化运维服务项目"))
    table = page.locator("#suggestions").bounding_box()
    assert table["width"] > 1000  # the whole width, not half a split
    assert page.locator("#suggestions td.sources a").count() > 0
    shot(page, "library-suggest")


def test_department_chart_is_horizontal_and_opens_projects(offline):
    page, url = offline
    page.goto(url + "/departments/" + quote("广州市财政局"))
    page.wait_for_selector("#scores .bars .point path")
    bars = page.locator("#scores .bars .point path")
    n = page.locator("#projects tbody tr").count()
    assert bars.count() == n
    box = bars.first.bounding_box()
    assert box["width"] > box["height"]  # horizontal
    labels = page.locator("#scores .ytick text")
    first_row = page.locator("#projects tbody tr").first.locator("td").nth(1).inner_text()
    assert labels.first.text_content().startswith("1. ") and first_row[:6] in labels.first.text_content()
    shot(page, "department")
    bars.first.click(force=True)  # plotly's drag layer lies above the bars and turns the click into plotly_click
    page.wait_for_url(re.compile(r"/projects/\d+"))
    assert page.locator("h1").inner_text().startswith(first_row[:6])


def test_project_page_at_390px(browser, server):
    url = server[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(url + "/departments/" + quote("广州市财政局"))
    page.locator("#projects tbody tr a").first.click()
    page.wait_for_selector(".findings")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll sideways
    scroller = page.locator(".published .scroll").first
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside its box
    table = page.locator(".published").bounding_box()
    findings = page.locator(".findings").bounding_box()
    assert findings["y"] >= table["y"] + table["height"] - 1  # findings below the table
    assert page.locator("header .search input").bounding_box()["width"] > 200
    shot(page, "project-390")
    context.close()


def test_access_log_line_per_request(server):
    url, log = server
    urllib.request.urlopen(url + "/review?page=2", timeout=10).read()
    try:
        urllib.request.urlopen(url + "/projects/999999", timeout=10)
    except urllib.error.HTTPError:
        pass
    deadline = time.time() + 10
    while time.time() < deadline and "/projects/999999 404" not in log.read_text():
        time.sleep(0.2)
    text = log.read_text()
    assert re.search(r"^\S+ \S+ 127\.0\.0\.1 GET /review\?page=2 200 \d+ms$", text, re.M), text[-2000:]
    assert re.search(r"GET /projects/999999 404 \d+ms$", text, re.M)


def test_upload_sets_department_for_a_document_without_one(offline):
    """Last in this module: it adds a document to the shared store."""
    page, url = offline
    page.goto(url + "/")
    page.set_input_files("#files", [str(EXAMPLES / "indicator_grid.txt")])
    page.fill("#department", "某区卫生健康局")
    page.click("#upload button")
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#results tbody tr td").nth(1).inner_text() == "已入库"
    assert "部门按所填：某区卫生健康局" in page.locator("#results tbody tr td").nth(4).inner_text()
    page.goto(url + "/")
    page.click("main >> text=某区卫生健康局")
    page.wait_for_selector("#projects")
    assert page.locator("h1").inner_text() == "某区卫生健康局"
    assert page.locator("#projects tbody tr").count() == 1
