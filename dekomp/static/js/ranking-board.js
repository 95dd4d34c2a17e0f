// The ranking board, enhanced: focus stays on the control after an htmx move, the live region announces what the
// server did, and entries can be dragged by their handle. Without JavaScript every control is a plain form POST.
(() => {
  "use strict";

  const BOARD_ID = "rangering";
  const LIVE_ID = "rangering-melding";
  const FOCUS_KEY = "rangering-fokus";
  const board = () => document.getElementById(BOARD_ID);
  const live = () => document.getElementById(LIVE_ID);

  document.documentElement.classList.add("app-js");

  // ---------------------------------------------------------------------------------------------- announcing

  function announce(text, color) {
    const region = live();
    if (!region || !text) return;
    region.replaceChildren();
    // Emptied first and filled a moment later, so the same text twice in a row is announced twice.
    window.setTimeout(() => {
      const alert = document.createElement("div");
      alert.className = "ds-alert";
      alert.dataset.color = color || "info";
      alert.textContent = text;
      region.replaceChildren(alert);
    }, 50);
  }

  function announceFrom(root) {
    if (root && root.dataset.announce) announce(root.dataset.announce, root.dataset.announceColor);
  }

  // ---------------------------------------------------------------------------------------------- focus

  let remembered = null; // {id, entry}: the control that sent the request and its entry

  function remember(element) {
    const entry = element && element.closest ? element.closest("[data-report]") : null;
    remembered = element && element.id ? { id: element.id, entry: entry ? entry.id : null } : null;
  }

  function restoreFocus(saved) {
    if (!saved) return;
    let target = document.getElementById(saved.id);
    if (!target || target.disabled) {
      // The control is gone or disabled now (moved to the top or bottom): the entry's first enabled button, or
      // the entry itself.
      const entry = saved.entry ? document.getElementById(saved.entry) : null;
      target = entry ? entry.querySelector("[data-move-form] button:not([disabled])") || entry : null;
    }
    if (target) target.focus();
  }

  // ---------------------------------------------------------------------------------------------- htmx

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.target.closest && event.target.closest("#" + BOARD_ID)) remember(document.activeElement);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const root = board();
    if (!root || !(event.target === root || root.contains(event.target))) return;
    restoreFocus(remembered);
    remembered = null;
    announceFrom(root);
  });

  document.addEventListener("htmx:responseError", (event) => {
    const root = board();
    if (!root || !root.contains(event.target)) return;
    reload(root.dataset.failed);
  });

  // Without htmx the forms post as usual: remember the control and put focus back after the page has loaded.
  document.addEventListener("submit", (event) => {
    if (window.htmx || !event.target.matches("[data-move-form]")) return;
    remember(event.submitter || document.activeElement);
    try {
      window.sessionStorage.setItem(FOCUS_KEY, JSON.stringify(remembered));
    } catch {
      // Storage may be off: the page still works, focus just starts at the entry's anchor.
    }
  });

  // ---------------------------------------------------------------------------------------------- reloading

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch {
      // Fall back to the cookie below.
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function replaceBoard(html) {
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById(BOARD_ID);
    const root = board();
    if (!fresh || !root) {
      window.location.reload();
      return null;
    }
    root.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    return fresh;
  }

  async function reload(message) {
    const root = board();
    if (!root) return;
    try {
      const response = await fetch(root.dataset.boardUrl, { credentials: "same-origin" });
      replaceBoard(await response.text());
    } finally {
      announce(message, "danger");
    }
  }

  // ---------------------------------------------------------------------------------------------- drag and drop

  let dragged = null;

  function entries(root) {
    return Array.from(root.querySelectorAll("[data-report]"));
  }

  function clearMarks(root) {
    entries(root).forEach((item) => item.removeAttribute("data-drop"));
  }

  // The new order with the moving entry before or after the target; entries the user may not move stay put.
  function newOrder(root, moving, target, after) {
    const items = entries(root);
    const movable = items.filter((item) => item.hasAttribute("data-movable") && item !== moving);
    const before = items.slice(0, items.indexOf(target) + (after ? 1 : 0));
    const index = before.filter((item) => movable.includes(item)).length;
    movable.splice(index, 0, moving);
    const queue = movable.slice();
    return items.map((item) => (item.hasAttribute("data-movable") ? queue.shift() : item).dataset.report);
  }

  document.addEventListener("dragstart", (event) => {
    const handle = event.target.closest ? event.target.closest("[data-drag-handle]") : null;
    if (!handle) return;
    dragged = handle.closest("[data-report]");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.report);
    event.dataTransfer.setDragImage(dragged, 16, 16);
    dragged.classList.add("is-dragging");
  });

  document.addEventListener("dragover", (event) => {
    const root = board();
    const target = dragged && event.target.closest ? event.target.closest("#" + BOARD_ID + " [data-report]") : null;
    if (!target || !root) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks(root);
    if (target === dragged) return;
    const box = target.getBoundingClientRect();
    target.dataset.drop = event.clientY > box.top + box.height / 2 ? "after" : "before";
  });

  document.addEventListener("dragend", () => {
    const root = board();
    if (root) clearMarks(root);
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
  });

  document.addEventListener("drop", async (event) => {
    const root = board();
    const target = dragged && event.target.closest ? event.target.closest("#" + BOARD_ID + " [data-report]") : null;
    if (!target || !root) return;
    event.preventDefault();
    const moving = dragged;
    const after = target.dataset.drop === "after";
    clearMarks(root);
    moving.classList.remove("is-dragging");
    dragged = null;
    if (target === moving) return;
    const order = newOrder(root, moving, target, after);
    const body = new URLSearchParams({ order: order.join(","), version: root.dataset.version, report: moving.dataset.report });
    try {
      const response = await fetch(root.dataset.orderUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        body,
      });
      if (!response.ok) throw new Error(String(response.status));
      announceFrom(replaceBoard(await response.text()));
    } catch {
      reload(root.dataset.failed);
    }
  });

  // ---------------------------------------------------------------------------------------------- on load

  document.addEventListener("DOMContentLoaded", () => {
    const region = live();
    if (region && region.textContent.trim()) {
      // Text already in a live region when the page loads is not read out: put it in again.
      const root = board();
      const text = root && root.dataset.announce;
      if (text) announce(text, root.dataset.announceColor);
    }
    let saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(FOCUS_KEY) || "null");
      window.sessionStorage.removeItem(FOCUS_KEY);
    } catch {
      saved = null;
    }
    restoreFocus(saved);
  });
})();
