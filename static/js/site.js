// Site-wide behaviour that every page may use. Pages work without it.
// A button with data-confirm="…" asks before its form is submitted (deletions).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// Escape closes an open profile card (accounts/_person_card_body.html, wherever it is shown)
// and gives the focus back to its summary.
document.addEventListener("keydown", (event) => {
  const card = event.key === "Escape" && event.target.closest?.("details.person-card[open]");
  if (!card) return;
  card.open = false;
  card.querySelector("summary").focus();
});
// A bar whose width the server knows (data-bar-percent="42"): set through element.style, which
// the Content-Security-Policy allows where a style="" attribute is refused.
for (const bar of document.querySelectorAll("[data-bar-percent]")) {
  bar.style.width = `${Number(bar.dataset.barPercent) || 0}%`;
}
