// The target-table editor: project fields and the indicator grid, checked on every change (national save
// checks and the review, beside each row), saved with the version it was based on (optimistic locking).
// No library, no CDN. Keyboard: Tab moves through the grid, Enter adds a row below, Ctrl+Delete removes
// the row, Ctrl+S saves.
(function () {
  "use strict";
  const setup = JSON.parse(document.getElementById("setup").textContent);
  let draft = setup.draft;
  let content = draft.content;
  let findings = setup.findings;
  const comments = setup.comments || [];  // the reviewer's, of the latest round (a returned table)
  let dirty = false;
  let checkTimer = null;
  const LEVELS = setup.levels;
  const OPS = setup.operators;
  const COLS = ["level1", "level2", "name", "op", "value", "unit", "basis"];
  const $ = (id) => document.getElementById(id);
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const editable = () => draft.status === "draft" || draft.status === "returned";

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function call(method, url, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (csrf) headers["X-CSRF-Token"] = csrf;
    const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch (e) { data = { error: "服务器返回了无法读取的内容（" + r.status + "）" }; }
    return { status: r.status, data };
  }

  function say(text, kind) {
    const m = $("message");
    m.textContent = text;
    m.className = kind || "";
  }

  // ---------------------------------------------------------------- project fields
  function fillFields() {
    document.querySelectorAll("[data-field]").forEach((input) => {
      const v = content.fields[input.dataset.field];
      input.value = v === null || v === undefined ? "" : v;
      input.disabled = !editable();
    });
  }

  document.querySelectorAll("[data-field]").forEach((input) => {
    input.addEventListener("input", () => {
      const key = input.dataset.field;
      let v = input.value;
      if (input.type === "number") v = v === "" ? null : Number(v);
      content.fields[key] = v;
      if (key === "name") $("title").textContent = v || "未命名项目";
      changed();
    });
  });

  // ---------------------------------------------------------------- the grid
  function options(select, values, current) {
    select.replaceChildren(el("option", { value: "" }, "—"));
    for (const v of values) {
      const o = el("option", { value: v }, v);
      if (v === current) o.selected = true;
      select.appendChild(o);
    }
    if (current && !values.includes(current)) {
      const o = el("option", { value: current }, current);
      o.selected = true;
      select.appendChild(o);
    }
  }

  function cell(row, n, col) {
    let input;
    if (col === "level1") {
      input = el("select", { "aria-label": "一级指标" });
      options(input, Object.keys(LEVELS), row.level1);
    } else if (col === "level2") {
      input = el("select", { "aria-label": "二级指标" });
      options(input, LEVELS[row.level1] || [], row.level2);
    } else if (col === "op") {
      input = el("select", { "aria-label": "计算符号" });
      for (const op of OPS) {
        const o = el("option", { value: op }, op);
        if (op === row.op) o.selected = true;
        input.appendChild(o);
      }
    } else {
      const labels = { name: "三级指标", value: "指标值", unit: "计量单位", basis: "指标值确定依据" };
      input = el("input", { "aria-label": labels[col], value: row[col] || "" });
      input.value = row[col] || "";
    }
    input.dataset.row = n;
    input.dataset.col = col;
    input.className = "cell";
    input.disabled = !editable();
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
      const r = content.rows[Number(input.dataset.row)];
      r[col] = input.value;
      if (col === "level1") {
        r.level2 = (LEVELS[r.level1] || []).includes(r.level2) ? r.level2 : null;
        renderGrid(); focusCell(n, "level2");
      }
      if (col === "level1" || col === "level2") r[col] = r[col] || null;
      changed();
    });
    input.addEventListener("keydown", (ev) => onKey(ev, n, col));
    const td = el("td", { class: "c-" + col });
    td.appendChild(input);
    return td;
  }

  function isEmpty(row) { return !(row.name || "").trim() && !(row.value || "").trim(); }

  function renderGrid() {
    const body = $("grid").querySelector("tbody");
    body.replaceChildren();
    content.rows.forEach((row, n) => {
      const tr = el("tr", { id: "row-" + n, "data-row": n });
      if (isEmpty(row)) tr.classList.add("row-empty");
      tr.appendChild(el("td", {}, String(n + 1)));
      for (const col of COLS) tr.appendChild(cell(row, n, col));
      const del = el("button", { type: "button", tabindex: "-1", title: "删除本行（Ctrl+Delete）", class: "del" }, "×");
      del.disabled = !editable();
      del.addEventListener("click", () => removeRow(n));
      const tdDel = el("td");
      tdDel.appendChild(del);
      tr.appendChild(tdDel);
      tr.appendChild(el("td", { class: "c-findings" }));
      body.appendChild(tr);
    });
    showFindings();
  }

  function focusCell(n, col) {
    const c = document.querySelector(`#grid .cell[data-row="${n}"][data-col="${col}"]`);
    if (c) c.focus();
  }

  function blankRow(like) {
    return { level1: like ? like.level1 : null, level2: like ? like.level2 : null, name: "", op: "≥", value: "",
             unit: "", basis: "", description: "", period: null };
  }

  function addRow(after) {
    const at = after === undefined ? content.rows.length : after + 1;
    content.rows.splice(at, 0, blankRow(content.rows[at - 1]));
    renderGrid();
    focusCell(at, "name");
    changed();
  }

  function removeRow(n) {
    content.rows.splice(n, 1);
    renderGrid();
    focusCell(Math.min(n, content.rows.length - 1), "name");
    changed();
  }

  function onKey(ev, n, col) {
    if (ev.key === "Enter" && !ev.isComposing) {
      ev.preventDefault();
      if (editable()) addRow(n);
    } else if (ev.key === "Delete" && ev.ctrlKey) {
      ev.preventDefault();
      if (editable()) removeRow(n);
    } else if (ev.key === "ArrowDown" && (ev.target.tagName !== "SELECT")) {
      ev.preventDefault(); focusCell(n + 1, col);
    } else if (ev.key === "ArrowUp" && (ev.target.tagName !== "SELECT")) {
      ev.preventDefault(); focusCell(n - 1, col);
    }
  }

  $("add-row").addEventListener("click", () => addRow());

  // ---------------------------------------------------------------- findings beside the rows
  function item(f) {
    const li = el("li", { class: f.severity, "data-rule": f.rule });
    li.appendChild(el("b", {}, f.rule + " "));
    li.appendChild(document.createTextNode(f.message));
    if (f.fix) li.title = "改法：" + f.fix;
    return li;
  }

  function showFindings() {
    const byRow = {};
    const project = [];
    for (const f of comments.concat(findings)) {
      if (f.row === null || f.row === undefined) project.push(f); else (byRow[f.row] = byRow[f.row] || []).push(f);
    }
    document.querySelectorAll("#grid tbody tr").forEach((tr) => {
      const n = Number(tr.dataset.row);
      const list = byRow[n] || [];
      const td = tr.querySelector(".c-findings");
      const ul = el("ul", { class: "findings" });
      list.forEach((f) => ul.appendChild(item(f)));
      td.replaceChildren(ul);
      tr.classList.toggle("row-error", list.some((f) => f.severity === "error"));
      tr.classList.toggle("row-warning", !list.some((f) => f.severity === "error") && list.some((f) => f.severity === "warning"));
      tr.querySelectorAll(".cell").forEach((c) => {
        c.classList.toggle("bad", list.some((f) => f.field === c.dataset.col && f.severity === "error"));
      });
    });
    const ul = $("project-findings");
    ul.replaceChildren();
    project.forEach((f) => ul.appendChild(item(f)));
    const errors = findings.filter((f) => f.severity === "error").length;
    const warnings = findings.filter((f) => f.severity === "warning").length;
    $("counts").textContent = `错误 ${errors} · 警告 ${warnings}` + (dirty ? " · 有未保存的修改" : "");
    $("submit").disabled = !editable() || errors > 0;
    $("save").disabled = !editable();
    $("add-row").disabled = !editable();
    document.querySelectorAll(".add-suggestion").forEach((b) => { b.disabled = !editable(); });
    $("submit").title = errors > 0 ? "还有错误级审核意见，不能提交" : "";
  }

  async function runCheck() {
    const r = await call("POST", "/api/drafts/check", content);
    if (r.status === 200) {
      findings = r.data.findings;
      showFindings();
    } else {
      say(r.data.error || "检查失败", "error");
    }
  }

  function changed() {
    dirty = true;
    showFindings();
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, 250);
  }

  // ---------------------------------------------------------------- save, conflicts, submit
  const CHANGE = { added: "新增", removed: "删除", renamed: "改名", moved: "移动", raised: "目标提高",
                   lowered: "目标降低", kind_changed: "指标值改写", changed: "指标值改写", basis: "依据修改" };

  function describe(c) {
    if (c.change === "field") return c.detail;
    const ref = c.b || c.a || {};
    const target = c.target_b ? `（${c.target_b.raw}）` : "";
    return `${CHANGE[c.change] || c.change}“${ref.name || ""}”${target}` + (c.detail ? `：${c.detail}` : "");
  }

  function showConflict(data) {
    const box = $("conflict");
    box.hidden = false;
    box.replaceChildren(el("p", { class: "error", id: "conflict-message" }, data.error));
    const ul = el("ul", { id: "theirs" });
    for (const t of data.theirs || []) {
      const li = el("li", {}, `第 ${t.number} 版 · ${t.author} · ${t.created_at}：${t.summary}`);
      const details = el("ul");
      for (const c of t.changes || []) details.appendChild(el("li", {}, describe(c)));
      li.appendChild(details);
      ul.appendChild(li);
    }
    box.appendChild(el("p", {}, "对方的改动："));
    box.appendChild(ul);
    const load = el("button", { type: "button", id: "load-theirs" }, "载入最新版本（我的修改已另存为冲突副本）");
    load.addEventListener("click", () => { useDraft(data.current); box.hidden = true; say("已载入最新版本", "ok"); });
    const mine = el("button", { type: "button", id: "save-mine" }, "以我的内容覆盖最新版本");
    mine.addEventListener("click", () => { draft.version = data.current.version; box.hidden = true; save(); });
    box.appendChild(load);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(mine);
  }

  function useDraft(d) {
    draft = d;
    content = d.content;
    dirty = false;
    $("version").textContent = d.version;
    $("status").textContent = d.status_zh;
    fillFields();
    renderGrid();
    runCheck();
    loadRevisions();
  }

  async function save() {
    const r = await call("PUT", `/api/drafts/${draft.id}`, { content, version: draft.version });
    if (r.status === 200) {
      draft = r.data.draft;
      findings = r.data.draft.findings;
      dirty = false;
      $("version").textContent = draft.version;
      showFindings();
      say(`已保存第 ${draft.version} 版：${r.data.summary}`, "ok");
      loadRevisions();
    } else if (r.status === 409 && r.data.current) {
      say("保存被拒绝：此草稿已被他人修改，见下方", "error");
      showConflict(r.data);
      loadRevisions();
    } else {
      say(r.data.error || `保存失败（${r.status}）`, "error");
    }
  }

  async function submit() {
    if (dirty) await save();
    if (dirty) return;
    const r = await call("POST", `/api/drafts/${draft.id}/submit`, { version: draft.version });
    if (r.status === 200) {
      draft.status = r.data.status;
      draft.status_zh = r.data.status_zh;
      $("status").textContent = r.data.status_zh;
      fillFields();
      renderGrid();
      say("已提交", "ok");
      loadRevisions();
    } else {
      say(r.data.error || `提交失败（${r.status}）`, "error");
    }
  }

  $("save").addEventListener("click", save);
  $("submit").addEventListener("click", submit);
  document.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(); }
  });
  window.addEventListener("beforeunload", (ev) => { if (dirty) { ev.preventDefault(); ev.returnValue = ""; } });

  // ---------------------------------------------------------------- library suggestions
  function place(row) {
    const slot = content.rows.findIndex((r) => isEmpty(r) && r.level2 === row.level2 && r.level1 === row.level1);
    if (slot >= 0) { content.rows[slot] = row; return slot; }
    let last = -1;
    content.rows.forEach((r, n) => { if (r.level1 === row.level1 && r.level2 === row.level2) last = n; });
    const at = last >= 0 ? last + 1 : content.rows.length;
    content.rows.splice(at, 0, row);
    return at;
  }

  async function loadSuggestions() {
    const body = $("suggestions").querySelector("tbody");
    body.replaceChildren(el("tr", {}, "正在推荐…"));
    const r = await call("POST", "/api/drafts/suggest", content);
    body.replaceChildren();
    if (r.status !== 200) { say(r.data.error || "推荐失败", "error"); return; }
    if (!r.data.length) body.appendChild(el("tr", {}, "指标库中没有可推荐的指标"));
    r.data.forEach((s, k) => {
      const tr = el("tr", { "data-name": s.name });
      tr.appendChild(el("td", {}, s.name));
      tr.appendChild(el("td", {}, [s.level1, s.level2].filter(Boolean).join(" / ")));
      tr.appendChild(el("td", {}, s.target || ""));
      tr.appendChild(el("td", { class: "muted" }, (s.from_projects || []).join("、")));
      const add = el("button", { type: "button", class: "add-suggestion", id: "suggest-" + k }, "添加");
      add.disabled = !editable();
      add.addEventListener("click", () => {
        const at = place(Object.assign(blankRow(), s.row));
        renderGrid();
        focusCell(at, "value");
        tr.remove();
        changed();
      });
      const td = el("td");
      td.appendChild(add);
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }
  $("load-suggestions").addEventListener("click", loadSuggestions);

  // ---------------------------------------------------------------- revisions
  const ACTION = { create: "新建", save: "保存", restore: "恢复", submit: "提交", conflict: "冲突副本", replace: "替换" };

  async function loadRevisions() {
    const r = await call("GET", `/api/drafts/${draft.id}/revisions`);
    const body = $("revisions").querySelector("tbody");
    body.replaceChildren();
    if (r.status !== 200) return;
    r.data.forEach((v, k) => {
      const tr = el("tr", { "data-revision": v.id });
      const a = el("input", { type: "radio", name: "a", value: v.id });
      const b = el("input", { type: "radio", name: "b", value: v.id });
      if (k === 1) a.checked = true;
      if (k === 0) b.checked = true;
      [a, b].forEach((x) => { const td = el("td"); td.appendChild(x); tr.appendChild(td); });
      tr.appendChild(el("td", {}, v.number ? String(v.number) : "—"));
      tr.appendChild(el("td", {}, ACTION[v.action] || v.action));
      tr.appendChild(el("td", {}, v.author));
      tr.appendChild(el("td", {}, v.created_at));
      tr.appendChild(el("td", {}, v.summary));
      const td = el("td");
      if (v.action !== "submit" && editable()) {
        const restore = el("button", { type: "button", class: "restore" }, "恢复");
        restore.addEventListener("click", async () => {
          if (!window.confirm(`恢复到这个修订？当前内容会作为新版本保存前的一版留在记录中。`)) return;
          const res = await call("POST", `/api/drafts/${draft.id}/restore`, { revision: v.id, version: draft.version });
          if (res.status === 200) { useDraft(res.data.draft); say(`已恢复：${res.data.summary}`, "ok"); }
          else if (res.status === 409 && res.data.current) { say(res.data.error, "error"); showConflict(res.data); }
          else say(res.data.error || "恢复失败", "error");
        });
        td.appendChild(restore);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  fillFields();
  renderGrid();
  loadRevisions();
})();
