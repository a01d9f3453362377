// The navbar's notification badge, kept live over /ws/notifications/ (payloads: notifications/payloads.py).
// Without this script (or with the socket down) the badge is simply right as of the last page load.
// There may be two badges (wide-screen menu, phone bar); every one is kept in step.
import { ReconnectingSocket } from "../../js/reconnecting-socket.js";

const badges = Array.from(document.querySelectorAll("[data-notification-badge]"));

function label(badge, count) {
  if (count === 0) return badge.dataset.labelNone;
  const template = count === 1 ? badge.dataset.labelOne : badge.dataset.labelMany;
  return template.replace("{n}", String(count));
}

function setCount(count) {
  if (!Number.isInteger(count) || count < 0) return;
  for (const badge of badges) {
    const number = badge.querySelector("[data-notification-count]");
    const icon = badge.querySelector("[data-notification-icon]");
    number.textContent = count > 99 ? "99+" : String(count);  // the label keeps the exact number
    number.hidden = count === 0;
    icon.classList.toggle("bi-bell-fill", count > 0);
    icon.classList.toggle("bi-bell", count === 0);
    badge.setAttribute("aria-label", label(badge, count));
    badge.dataset.unread = String(count);
  }
}

function setLive(live) {
  for (const badge of badges) badge.dataset.live = String(live);
}

// The live region is in the page from its first paint (notifications/_toasts.html): a region
// created together with its first message is often not announced at all.
const region = document.getElementById("notification-toasts");
const toastSeconds = () => Number(region?.dataset.seconds) || 8;

function showToast(title) {
  if (!region) return;
  const texts = badges[0].dataset;
  const toast = document.createElement("div");
  toast.className = "toast show";
  const header = document.createElement("div");
  header.className = "toast-header";
  const icon = document.createElement("i");
  icon.className = "bi bi-bell-fill text-brand me-2";
  icon.setAttribute("aria-hidden", "true");
  const heading = document.createElement("strong");
  heading.className = "me-auto";
  heading.textContent = texts.toastHeading;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.setAttribute("aria-label", texts.toastClose);
  header.append(icon, heading, close);
  const body = document.createElement("div");
  body.className = "toast-body";
  const text = document.createElement("a");
  text.href = badges[0].getAttribute("href");  // the centre: opening from there marks it read
  text.textContent = title;  // textContent: user text is never parsed as HTML
  body.append(text);
  toast.append(header, body);

  // Where focus came from when the reader tabbed into the toast: it goes back there on close.
  let cameFrom = null;
  let timer = null;
  const hovered = () => toast.matches(":hover");
  const focused = () => toast.contains(document.activeElement);
  const dismiss = () => {
    clearTimeout(timer);
    const hadFocus = focused();
    toast.remove();
    if (hadFocus) returnFocus(cameFrom);
  };
  // It stays while pointed at or focused (WCAG 2.2.1), and counts its time again once left.
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (!hovered() && !focused()) dismiss(); }, toastSeconds() * 1000);
  };
  toast.addEventListener("focusin", (event) => {
    if (!cameFrom && event.relatedTarget && !toast.contains(event.relatedTarget)) cameFrom = event.relatedTarget;
    clearTimeout(timer);
  });
  toast.addEventListener("mouseenter", () => clearTimeout(timer));
  toast.addEventListener("focusout", (event) => { if (!toast.contains(event.relatedTarget)) wait(); });
  toast.addEventListener("mouseleave", () => { if (!focused()) wait(); });
  toast.addEventListener("keydown", (event) => { if (event.key === "Escape") dismiss(); });
  close.addEventListener("click", dismiss);
  region.append(toast);
  wait();
}

// Focus never falls to <body>: back to where it was before the toast, else the bell.
function returnFocus(previous) {
  const visible = (el) => el && el.isConnected && el.getClientRects().length > 0;
  const target = visible(previous) ? previous : badges.find(visible) || document.getElementById("main");
  target?.focus();
}

function onMessage(raw) {
  let data;
  try { data = JSON.parse(raw); } catch { return; }
  if (data.type === "notifications.new") {
    setCount(data.unread);
    if (typeof data.title === "string") showToast(data.title);
  } else if (data.type === "notifications.count") {
    setCount(data.unread);
  }
}

if (badges.length && "WebSocket" in window) {
  const { wsPath, finalCloseCodes } = badges[0].dataset;
  // The codes the server closes with when the user is not (or no longer) signed in.
  const finalCodes = (finalCloseCodes || "").split(",").filter(Boolean).map(Number);
  const socket = new ReconnectingSocket(wsPath, {
    finalCodes,
    onOpen: () => setLive(true),
    onMessage,
    onClose: () => setLive(false),
  });
  socket.open();
}
