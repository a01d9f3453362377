// The progress of a bulk import's e-mails: polls the JSON endpoint, reloads when done.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
const section = document.getElementById("import-progress");
if (section) {
  const url = section.dataset.progressUrl;
  const bar = section.querySelector("[data-progress-bar]");
  const outer = bar.parentElement;
  const text = section.querySelector("[data-progress-text]");
  let delay = 1000;
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const p = await response.json();
        bar.style.width = `${p.percent}%`;
        bar.textContent = `${p.percent}%`;
        outer.setAttribute("aria-valuenow", p.percent);
        // The sentences come translated from the page (data-*-text), with {name} slots.
        const fill = (template) => template.replace(/\{(\w+)\}/g, (_, key) => String(p[key] ?? ""));
        text.textContent = fill(text.dataset.sentText) + (p.retrying ? ` ${fill(text.dataset.retryText)}` : "");
        if (p.done) {
          window.location.reload();
          return;
        }
        delay = 1000;
      }
    } catch {
      delay = Math.min(delay * 2, 15000);
    }
    setTimeout(poll, delay);
  };
  setTimeout(poll, delay);
}
