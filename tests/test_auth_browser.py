"""Accounts in a real browser (Debian's chromium via Playwright) against `jixiao serve` with accounts on:
the first administrator's password printed at setup logs in through /login, the upload form's request
carries the CSRF token (it is refused without), logging out ends the session. Screenshot:
test-artifacts/auth-login.png."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SEEDS

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from browser import served_store

    with served_store(tmp_path_factory.mktemp("auth-browser"), [str(SEEDS[0])], auth=True) as served:
        yield served


@pytest.fixture(scope="module")
def page(server):
    from browser import FLAGS, ensure_chromium
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=ensure_chromium(), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        browser.close()


def test_login_upload_logout(server, page, tmp_path):
    url, log = server
    password = re.search(r"用户名 admin，密码 (\S+?)（", log.read_text()).group(1)

    page.goto(url + "/review")
    assert "/login" in page.url
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.content()
    page.screenshot(path=str(ARTIFACTS / "auth-login.png"))
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/review")
    assert "admin · 退出" in page.inner_text("header")

    # the upload form on the overview posts through upload.js with the session's CSRF header
    table = tmp_path / "浏览器上传.txt"
    table.write_text("项目名称\t绩效目标\t绩效指标\n浏览器上传项目\t完成任务\t1、产出指标: 购置设备数量, 年度指标值: ≥5台。\n",
                     encoding="utf-8")
    page.goto(url + "/")
    page.set_input_files("#files", str(table))
    page.fill("#department", "浏览器测试局")
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    assert "已入库" in page.inner_text("#results")

    # the same request without the header (a forged cross-site post would lack it) is refused
    status = page.evaluate("""async () => {
        const data = new FormData();
        data.append("files", new Blob(["项目名称\\t绩效目标\\n伪造\\t伪造"]), "forged.txt");
        const r = await fetch("/api/documents", {method: "POST", body: data});
        return r.status; }""")
    assert status == 403

    page.goto(url + "/logout")
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(url + "/")
    assert "/login" in page.url
