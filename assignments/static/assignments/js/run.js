// Generation progress: ask the server for the run's stage every two seconds and reload the page
// when it changes (the page itself says what each stage means). Without JS a <noscript> refresh does it.
const panel = document.querySelector("[data-status-url]");
if (panel) {
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const { stage } = await response.json();
        if (stage !== panel.dataset.stage) {
          window.location.reload();
          return;
        }
      }
    } catch {
      // A network blip: try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
