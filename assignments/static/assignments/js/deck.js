// Flashcard deck: flip (CSS 3D transform), previous/next, "again" / "got it", shuffle, progress;
// keyboard (space/enter flips, arrows move) and touch (tap flips, swipe moves).
const deck = document.querySelector("[data-deck]");
if (deck) {
  const slots = [...deck.querySelectorAll("[data-card]")];
  const known = new Set();
  let order = slots.map((_, i) => i);
  let pos = 0;
  const $ = (selector) => deck.querySelector(selector);
  const current = () => slots[order[pos]];

  function render() {
    slots.forEach((slot) => { slot.hidden = slot !== current(); });
    const card = current().querySelector("[data-flip]");
    card.classList.remove("is-flipped");
    card.setAttribute("aria-pressed", "false");
    $("[data-position]").textContent = String(pos + 1);
    $("[data-known]").textContent = String(known.size);
    const bar = $("[data-progress]");
    bar.setAttribute("aria-valuenow", String(known.size));
    bar.firstElementChild.style.width = `${(100 * known.size) / slots.length}%`;
    const done = $("[data-done]");
    done.hidden = known.size < slots.length;
    if (!done.hidden) done.textContent = deck.dataset.doneText;
  }

  function flip() {
    const card = current().querySelector("[data-flip]");
    const flipped = card.classList.toggle("is-flipped");
    card.setAttribute("aria-pressed", String(flipped));
  }

  function move(step) {
    // Skip cards already known, unless every card is known.
    for (let tries = 0; tries < slots.length; tries += 1) {
      pos = (pos + step + order.length) % order.length;
      if (!known.has(order[pos]) || known.size === slots.length) break;
    }
    render();
  }

  function mark(isKnown) {
    if (isKnown) known.add(order[pos]); else known.delete(order[pos]);
    if (known.size === slots.length) { render(); return; }
    move(1);
  }

  function shuffle() {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    pos = 0;
    render();
  }

  if (slots.length) {
    slots.forEach((slot) => slot.querySelector("[data-flip]").addEventListener("click", flip));
    $("[data-next]").addEventListener("click", () => move(1));
    $("[data-prev]").addEventListener("click", () => move(-1));
    $("[data-got]").addEventListener("click", () => mark(true));
    $("[data-again]").addEventListener("click", () => mark(false));
    $("[data-shuffle]").addEventListener("click", shuffle);

    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target.closest("input, textarea, select")) return;
      if (event.key === " " || event.key === "Enter") {
        // A focused button acts on its own click (the card flips itself).
        if (target.closest("button")) return;
        event.preventDefault();
        flip();
      } else if (event.key === "ArrowRight") {
        event.preventDefault();
        move(1);
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        move(-1);
      }
    });

    let touchX = null;
    const cards = deck.querySelector(".deck-cards");
    cards.addEventListener("touchstart", (event) => { touchX = event.changedTouches[0].clientX; }, { passive: true });
    cards.addEventListener("touchend", (event) => {
      if (touchX === null) return;
      const dx = event.changedTouches[0].clientX - touchX;
      touchX = null;
      if (Math.abs(dx) > 50) {
        event.preventDefault(); // a swipe moves; it does not also flip
        move(dx < 0 ? 1 : -1);
      }
    });
    render();
  }
}
