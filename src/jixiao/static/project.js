// A finding highlights the indicator row it concerns, on hover and on click.
for (const el of document.querySelectorAll(".finding[data-seq]")) {
  const row = document.getElementById("ind-" + el.dataset.seq);
  if (!row) continue;
  el.addEventListener("mouseenter", () => row.classList.add("highlight"));
  el.addEventListener("mouseleave", () => row.classList.remove("highlight"));
  el.addEventListener("click", () => { row.scrollIntoView({block: "center"}); row.classList.add("highlight"); });
}
