// "Copy" buttons beside read-only link fields; without JavaScript the field can be selected.
for (const button of document.querySelectorAll("[data-copy-button]")) {
  const field = button.parentElement.querySelector("[data-copy-source]");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "✓";
    } catch {
      field.select();
    }
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}
