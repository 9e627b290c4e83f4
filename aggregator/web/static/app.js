// Keyboard-first review. No inline script anywhere (the Content-Security-Policy forbids it), so
// every behaviour is wired here from data attributes and ids. The keys each page answers are the
// ones its "?" list shows (the list is rendered with the page, from the same template).
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "";
  const page = document.body.dataset.page;
  const keys = document.getElementById("keys");
  // How long an approve or reject can be undone, as mail clients offer after archiving.
  const UNDO_MS = 10000;
  const TEXT_INPUTS = ["", "text", "search", "email", "url", "password", "number", "date", "tel"];

  // A key typed into a text field is text; on a checkbox, radio or button it is a command.
  function typing(event) {
    const el = event.target;
    if (!(el instanceof HTMLElement)) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el instanceof HTMLInputElement && TEXT_INPUTS.includes((el.getAttribute("type") || "").toLowerCase());
  }

  function toggleKeys(show) {
    if (!keys) return;
    keys.hidden = show === undefined ? !keys.hidden : !show;
  }

  function openOriginal(url) {
    if (url) window.open(url, "_blank", "noopener,noreferrer");
  }

  function go(link) {
    const el = typeof link === "string" ? document.getElementById(link) : link;
    if (el instanceof HTMLAnchorElement) window.location.href = el.href;
  }

  async function post(url) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" },
      body: "{}",
      credentials: "same-origin",
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({ error: response.statusText }));
      throw new Error(problem.error || response.statusText);
    }
    return response.json();
  }

  function say(message, isError) {
    let box = document.querySelector("div.flash");
    if (!box) {
      box = document.createElement("div");
      box.className = "flash";
      box.setAttribute("role", "status");
      document.querySelector("main")?.before(box);
    }
    box.textContent = message;  // text, never HTML
    box.classList.toggle("error", Boolean(isError));
    return box;
  }

  // The undo the server offered with its message (after an approve or reject on the item page).
  const undoForm = document.getElementById("undo-form");
  if (undoForm) window.setTimeout(() => undoForm.remove(), UNDO_MS);
  function undoOffered() {
    const form = document.getElementById("undo-form");
    if (form instanceof HTMLFormElement) {
      form.requestSubmit();
      return true;
    }
    return false;
  }

  function queue() {
    const rows = Array.from(document.querySelectorAll("tr.item-row"));
    let current = rows.length ? 0 : -1;
    let last = null;  // {row, id, until}: the decision u can undo

    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach((row, i) => row.classList.toggle("current", i === current));
      rows[current].scrollIntoView({ block: "nearest" });
    }

    function show(row, item) {
      row.classList.remove("status-new", "status-approved", "status-rejected");
      row.classList.add(`status-${item.status}`);
      row.querySelector("td.status").textContent = item.status;
    }

    async function act(action) {
      const row = rows[current];
      if (!row) return;
      try {
        const item = await post(`/api/items/${row.dataset.id}/${action}`);
        show(row, item);
        const box = say(`${action === "approve" ? "Approved" : "Rejected"}: ${item.title}`);
        const button = document.createElement("button");
        button.type = "button";
        button.className = "linkish";
        button.id = "undo-button";
        button.textContent = "Undo (u)";
        button.addEventListener("click", undo);
        box.append(" ", button);
        last = { row, id: row.dataset.id, until: Date.now() + UNDO_MS };
        window.setTimeout(() => button.remove(), UNDO_MS);
        select(current + 1);
      } catch (error) {
        say(`Not done: ${error.message}`, true);
      }
    }

    async function undo() {
      if (undoOffered()) return;
      if (!last || Date.now() > last.until) {
        say("Nothing to undo.");
        return;
      }
      const { row, id } = last;
      last = null;
      try {
        const item = await post(`/api/items/${id}/undo`);
        show(row, item);
        say(`Undone: ${item.title} is ${item.status} again.`);
        select(rows.indexOf(row));
      } catch (error) {
        say(`Not undone: ${error.message}`, true);
      }
    }

    function open() {
      const link = rows[current]?.querySelector("a.title");
      go(link);
    }

    rows.forEach((row, i) => row.addEventListener("click", (event) => {
      if (!(event.target instanceof HTMLInputElement) && !(event.target instanceof HTMLAnchorElement)) select(i);
    }));
    document.getElementById("select-all")?.addEventListener("change", (event) => {
      rows.forEach((row) => { row.querySelector('input[name="ids"]').checked = event.target.checked; });
    });
    select(0);

    return {
      j: () => select(current + 1),
      k: () => select(current - 1),
      a: () => act("approve"),
      r: () => act("reject"),
      u: undo,
      e: open,
      Enter: open,
      o: () => openOriginal(rows[current]?.dataset.url),
      x: () => {
        const box = rows[current]?.querySelector('input[name="ids"]');
        if (box) box.checked = !box.checked;
      },
    };
  }

  function itemPage() {
    const article = document.querySelector("article.item");
    const form = document.getElementById("review-form");
    const approve = () => {
      if (form instanceof HTMLFormElement) form.requestSubmit(document.getElementById("approve"));
    };

    function pick(n) {
      const radio = form?.querySelector(`input[name="choice"][value="${n}"]`);
      if (radio instanceof HTMLInputElement) {
        radio.checked = true;
        radio.focus();
      }
    }

    // The text the curator selected in the article becomes their own excerpt.
    function useSelection() {
      const selection = window.getSelection();
      const text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
      const source = document.getElementById("article-text");
      const inside = selection && selection.rangeCount && source?.contains(selection.getRangeAt(0).commonAncestorContainer);
      if (!text || !inside) {
        say("Select some of the article's text first, then press c.");
        return;
      }
      const own = document.getElementById("custom-excerpt");
      const choice = document.getElementById("choice-custom");
      if (own instanceof HTMLTextAreaElement && choice instanceof HTMLInputElement) {
        own.value = text;
        choice.checked = true;
        choice.focus();
      }
    }

    function focus(id) {
      const el = document.getElementById(id);
      if (el instanceof HTMLElement) {
        el.focus();
        el.scrollIntoView({ block: "nearest" });
      }
    }

    const actions = {
      a: approve,
      r: () => document.getElementById("reject-form")?.requestSubmit(),
      j: () => go("next-item"),
      k: () => go("previous-item"),
      c: useSelection,
      t: () => {
        const box = document.querySelector('#topics input[type="checkbox"]');
        if (box instanceof HTMLElement) {
          box.focus();
          box.scrollIntoView({ block: "nearest" });
        }
      },
      e: () => focus("edit-title"),
      n: () => focus("edit-note"),
      u: () => { if (!undoOffered()) say("Nothing to undo."); },
      o: () => openOriginal(article?.dataset.url),
    };
    for (let n = 1; n <= 9; n += 1) actions[String(n)] = () => pick(n - 1);
    return actions;
  }

  const actions = page === "queue" ? queue() : page === "item" ? itemPage() : {};
  const places = { q: "/queue", t: "/manage/topics", s: "/manage/sources" };
  let pendingG = 0;  // when "g" was pressed: the next key names a place

  document.querySelectorAll('[data-action="keys"]').forEach((el) => el.addEventListener("click", () => toggleKeys()));

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggleKeys(false);
      if (typing(event)) event.target.blur();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && page === "item") {
      // Ctrl/Cmd+Enter approves from anywhere on the item page, a text field included.
      event.preventDefault();
      actions.a();
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (pendingG && Date.now() - pendingG < 1500 && places[event.key]) {
      pendingG = 0;
      event.preventDefault();
      window.location.href = places[event.key];
      return;
    }
    pendingG = 0;
    if (event.key === "g" && page !== "login") {
      pendingG = Date.now();
      event.preventDefault();
      return;
    }
    if (event.key === "?") {
      toggleKeys();
      event.preventDefault();
      return;
    }
    if (event.key === "/") {
      const search = document.getElementById("search");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    // Enter on a link or button keeps its own meaning; elsewhere on the queue it opens the item.
    if (event.key === "Enter" && event.target instanceof HTMLElement && event.target.closest("a, button")) return;
    const action = Object.hasOwn(actions, event.key) ? actions[event.key] : undefined;
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
