// Upload with a progress bar, then show each file's result.
const form = document.getElementById("upload");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const files = document.getElementById("files").files;
    if (!files.length) return;
    const data = new FormData();
    for (const f of files) data.append("files", f);
    for (const key of ["department", "year"]) {
      const value = document.getElementById(key).value.trim();
      if (value) data.append(key, value);  // used only where the document names none
    }
    const bar = document.getElementById("progress");
    bar.hidden = false; bar.value = 0;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents");
    const csrf = document.querySelector('meta[name="csrf-token"]');  // accounts on: the session's form token
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.content);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = () => {
      bar.value = 100;
      const table = document.getElementById("results");
      const body = table.querySelector("tbody");
      body.textContent = "";
      let rows;
      try { rows = JSON.parse(xhr.responseText); } catch { rows = {error: xhr.responseText}; }
      if (!Array.isArray(rows)) rows = [{file: "", status: "failed", message: rows.error || "上传失败"}];
      const names = {stored: "已入库", unchanged: "已存在", replaced: "已替换", failed: "失败"};
      for (const r of rows) {
        const tr = document.createElement("tr");
        for (const v of [r.file, names[r.status] || r.status, r.projects ?? "", r.indicators ?? "", r.message || ""]) {
          const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        }
        tr.className = r.status;
        body.appendChild(tr);
      }
      table.hidden = false;
      const link = document.createElement("p");
      link.innerHTML = '<a href="/">刷新部门列表</a>';
      table.after(link);
    };
    xhr.send(data);
  });
}
