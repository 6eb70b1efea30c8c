"""End to end in a real browser: Playwright drives Debian's chromium against a running `jixiao serve`.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from conftest import ROOT, SEEDS

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from browser import served_store

    with served_store(tmp_path_factory.mktemp("e2e"), []) as (url, _log):
        yield url


@pytest.fixture(scope="module")
def page(server):
    from browser import FLAGS, ensure_chromium
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=ensure_chromium(), args=FLAGS, headless=True)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield pg
        browser.close()


def test_upload_department_project_finding_library(server, page):
    page.goto(server + "/")
    page.set_input_files("#files", [str(p) for p in SEEDS[3:5]])
    page.click("#upload button")
    page.wait_for_selector("#results tbody tr")
    statuses = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses == ["已入库", "已入库"]
    assert page.locator("#progress").get_attribute("value") == "100"
    page.screenshot(path=str(ARTIFACTS / "1-upload.png"), full_page=True)

    page.goto(server + "/")
    page.click("text=广州市人民政府办公厅")
    page.wait_for_selector(".stats")
    page.wait_for_selector("#levels .main-svg")  # the chart rendered, from the bundled plotly.js
    assert "质量得分" in page.inner_text(".stats")
    page.screenshot(path=str(ARTIFACTS / "2-department.png"), full_page=True)

    page.click("table.list tbody tr:first-child a")  # the lowest-scoring project
    page.wait_for_selector(".finding")
    finding = page.locator(".finding[data-seq]").first
    seq = finding.get_attribute("data-seq")
    finding.hover()
    assert "highlight" in page.locator(f"#ind-{seq}").get_attribute("class")
    assert page.locator(".finding").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "3-project.png"), full_page=True)

    page.goto(server + "/library?q=满意&project=信息化运维服务项目")
    page.wait_for_selector(".entry")
    assert "满意" in page.inner_text(".entry h3")
    assert page.locator("#suggestions tbody tr").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "4-library.png"), full_page=True)


def test_review_filters_and_compare_pages(server, page):
    page.goto(server + "/review?severity=error")
    page.wait_for_selector("table.list")
    sev = set(page.locator("table.list tbody td.sev").all_inner_texts())
    assert sev == {"错误"}
    page.screenshot(path=str(ARTIFACTS / "5-review.png"), full_page=True)
    page.goto(server + "/search?q=故障")
    assert page.locator("table.list tbody tr").count() > 0
