// Site-wide behaviour that every page may use. Pages work without it.
// A button with data-confirm="…" asks before its form is submitted (deletions).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
