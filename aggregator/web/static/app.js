// Keyboard-first review. No inline script anywhere (the Content-Security-Policy forbids it), so
// every behaviour is wired here from data attributes.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "";
  const page = document.body.dataset.page;
  const keys = document.getElementById("keys");

  function typing(event) {
    const el = event.target;
    return el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }

  function toggleKeys(show) {
    if (!keys) return;
    keys.hidden = show === undefined ? !keys.hidden : !show;
  }

  function openOriginal(url) {
    if (url) window.open(url, "_blank", "noopener,noreferrer");
  }

  async function review(id, action) {
    const response = await fetch(`/api/items/${id}/${action}`, {
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
    let box = document.querySelector("p.flash");
    if (!box) {
      box = document.createElement("p");
      box.className = "flash";
      box.setAttribute("role", "status");
      document.querySelector("main")?.before(box);
    }
    box.textContent = message;  // text, never HTML
    box.classList.toggle("error", Boolean(isError));
  }

  function queue() {
    const rows = Array.from(document.querySelectorAll("tr.item-row"));
    let current = rows.length ? 0 : -1;

    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach((row, i) => row.classList.toggle("current", i === current));
      rows[current].scrollIntoView({ block: "nearest" });
    }

    async function act(action) {
      const row = rows[current];
      if (!row) return;
      try {
        const item = await review(row.dataset.id, action);
        row.classList.remove("status-new", "status-approved", "status-rejected");
        row.classList.add(`status-${item.status}`);
        row.querySelector("td.status").textContent = item.status;
        say(`${action === "approve" ? "Approved" : "Rejected"}: ${item.title}`);
        select(current + 1);
      } catch (error) {
        say(`Not done: ${error.message}`, true);
      }
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
      e: () => { if (rows[current]) window.location.href = `/items/${rows[current].dataset.id}`; },
      o: () => openOriginal(rows[current]?.dataset.url),
      x: () => {
        const box = rows[current]?.querySelector('input[name="ids"]');
        if (box) box.checked = !box.checked;
      },
    };
  }

  function itemPage() {
    const article = document.querySelector("article.item");
    const submit = (id) => document.getElementById(id)?.requestSubmit();
    return {
      a: () => submit("approve-form"),
      r: () => submit("reject-form"),
      e: () => document.getElementById("edit-title")?.focus(),
      o: () => openOriginal(article?.dataset.url),
      j: () => {}, k: () => {},
    };
  }

  const actions = page === "queue" ? queue() : page === "item" ? itemPage() : {};

  document.querySelectorAll('[data-action="keys"]').forEach((el) => el.addEventListener("click", () => toggleKeys()));

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggleKeys(false);
      if (typing(event)) event.target.blur();
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
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
      } else if (page !== "login") {
        window.location.href = "/queue";
      }
      return;
    }
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
