/* The offline kit on this device: fills the per-user cache the service worker reads,
   keeps the kit's index and the queued acknowledgements in IndexedDB, checks the kit
   once when the link returns, and empties everything at sign-out.

   Its words come from data- attributes of #offline-client (offline/_client.html),
   rendered in the page's language. No inline code: the CSP forbids it. */
(function () {
  "use strict";

  const client = document.getElementById("offline-client");
  if (!client) return;
  const d = client.dataset;
  const user = d.user || "";
  const PREFIX = "frontline-kit-v1-u";
  const DB_NAME = "frontline-offline";
  const DIRTY = "frontline-kit-dirty";
  const CHECK_EVERY_MS = 5 * 60 * 1000;
  const ACK_PATH = /^\/sops\/(\d+)\/versions\/(\d+)\/acknowledge\/$/;
  const copyKind = document.body.dataset.offlineCopy || "";
  let csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  let syncing = null;
  // Set at sign-out: a check still running must not store anything after the wipe.
  let signingOut = false;
  let enabled = false; // this device keeps a kit (the member asked for it here)

  const fmt = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_m, key) => (key in values ? String(values[key]) : ""));
  const when = (iso) =>
    iso
      ? new Date(iso).toLocaleString(d.lang || undefined, { dateStyle: "medium", timeStyle: "short" })
      : d.msgNever;
  const size = (bytes) =>
    bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

  // IndexedDB ---------------------------------------------------------------------

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("entries", { keyPath: "id" });
        db.createObjectStore("queue", { keyPath: "client_id" });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function tx(store, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = work(t.objectStore(store));
      t.oncomplete = () => {
        db.close();
        resolve(result && "result" in result ? result.result : undefined);
      };
      t.onerror = () => {
        db.close();
        reject(t.error);
      };
    });
  }

  async function hasDb() {
    // Opening the database creates it: pages of a device without a kit never do.
    if (!indexedDB.databases) return true;
    return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
  }

  const all = (store) => tx(store, "readonly", (s) => s.getAll());
  const put = (store, value) => tx(store, "readwrite", (s) => s.put(value));
  const remove = (store, key) => tx(store, "readwrite", (s) => s.delete(key));
  const clear = (store) => tx(store, "readwrite", (s) => s.clear());
  const getMeta = async () => (await all("meta")).find((m) => m.key === "state") || null;
  const setMeta = (state) => put("meta", { ...state, key: "state" });

  // The cache -----------------------------------------------------------------------

  const cacheName = () => PREFIX + user;

  async function wipe(keepQueue) {
    // keepQueue: a session that ended by itself (idle time-out) keeps the acknowledgements
    // made offline (ids and times only, no text) to send after the next sign-in.
    if (!("caches" in window)) return;
    for (const name of await caches.keys()) {
      if (name.startsWith("frontline-kit-")) await caches.delete(name);
    }
    if (await hasDb()) {
      await Promise.all((keepQueue ? ["entries", "meta"] : ["entries", "queue", "meta"]).map(clear));
    }
    if (!keepQueue) {
      for (const registration of await navigator.serviceWorker.getRegistrations()) {
        await registration.unregister();
      }
    }
  }

  async function somethingStored() {
    if ((await caches.keys()).some((n) => n.startsWith("frontline-kit-"))) return true;
    if ((await navigator.serviceWorker.getRegistrations()).length > 0) return true;
    return (await hasDb()) && (await all("entries")).length > 0;
  }

  async function dropOtherUsers() {
    for (const name of await caches.keys()) {
      if (name.startsWith("frontline-kit-") && name !== cacheName()) await caches.delete(name);
    }
  }

  async function fetchInto(cache, url) {
    if (signingOut) throw new Error("signing out");
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    // A redirect (to sign-in) or an error is never stored as if it were the page.
    if (!response.ok || response.redirected) return 0;
    const bytes = (await response.clone().blob()).size;
    await cache.put(url, response);
    return bytes;
  }

  async function storeEntry(cache, entry, checkedAt) {
    const bytes = await fetchInto(cache, entry.url);
    if (!bytes) return false;
    let total = bytes;
    for (const a of entry.attachments) {
      if (a.kept) total += await fetchInto(cache, a.url);
    }
    if (signingOut) throw new Error("signing out");
    await put("entries", { ...entry, bytes: total, checkedAt });
    return true;
  }

  async function dropEntry(cache, entry) {
    await cache.delete(entry.url);
    for (const a of entry.attachments || []) await cache.delete(a.url);
    await remove("entries", entry.id);
  }

  async function storeShell(cache) {
    // The kit page (with its offline search), the "not kept" page and this layout's assets.
    await fetchInto(cache, d.kitPage);
    await fetchInto(cache, d.notKeptPage);
    const assets = new Set();
    document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href]").forEach((el) => {
      const url = new URL(el.href || el.src, location.href);
      if (url.origin === location.origin) assets.add(url.pathname);
    });
    for (const url of assets) await fetchInto(cache, url);
  }

  // Talking to the server -------------------------------------------------------------

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  async function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  // Telling the member ------------------------------------------------------------------

  function notice(text, testid) {
    const box = document.getElementById("offline-notices");
    if (!box) return;
    const p = document.createElement("p");
    p.className = "message message-info";
    p.setAttribute("role", "status");
    p.dataset.testid = testid || "offline-notice";
    p.textContent = text;
    box.append(p);
    box.hidden = false;
  }

  function banner(text) {
    const box = document.getElementById("offline-banner");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // Acknowledgements made offline ---------------------------------------------------------

  async function flushQueue() {
    for (const item of await all("queue")) {
      if (String(item.user) !== user) {
        await remove("queue", item.client_id);
        continue;
      }
      let response;
      try {
        response = await postJSON(d.ackUrl, {
          client_id: item.client_id,
          version_id: item.version_id,
          read_at: item.read_at,
        });
      } catch (error) {
        return false; // still no link: try again at the next reconnect
      }
      if (response.status === 401 || response.status === 403) return false; // signed out: keep it
      const body = await response.json().catch(() => ({}));
      await remove("queue", item.client_id);
      if (response.ok && body.counted) notice(fmt(d.msgAckSent, body), "ack-sent");
      else if (response.ok) notice(fmt(d.msgAckReplaced, body), "ack-replaced");
      else notice(fmt(d.msgAckRefused, { reason: body.detail || response.status }), "ack-refused");
    }
    return true;
  }

  function queuedNotice(form) {
    const p = document.createElement("p");
    p.dataset.testid = "ack-queued";
    p.className = "notice";
    p.textContent = d.msgAckQueued;
    form.replaceWith(p);
  }

  async function queueAcknowledgement(form, versionId, sopId) {
    const item = {
      client_id: crypto.randomUUID(),
      version_id: versionId,
      sop_id: sopId,
      read_at: new Date().toISOString(),
      user,
    };
    await put("queue", item);
    queuedNotice(form);
  }

  function ackTarget(form) {
    const match = ACK_PATH.exec(new URL(form.action, location.href).pathname);
    return match ? { sopId: Number(match[1]), versionId: Number(match[2]) } : null;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const target = ackTarget(form);
    if (!target || !user) return;
    if (navigator.onLine && !copyKind) return; // online: the ordinary form
    event.preventDefault();
    queueAcknowledgement(form, target.versionId, target.sopId);
  });

  async function showQueued() {
    const queued = new Set((await all("queue")).map((q) => q.version_id));
    document.querySelectorAll("form").forEach((form) => {
      const target = ackTarget(form);
      if (target && queued.has(target.versionId)) queuedNotice(form);
    });
  }

  // Sign-out empties the device --------------------------------------------------------

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (new URL(form.action, location.href).pathname !== d.logoutUrl || form.dataset.wiped) return;
    event.preventDefault();
    signingOut = true;
    const done = () => {
      form.dataset.wiped = "1";
      form.submit();
    };
    // A check under way stops at its next download; the wipe waits for it, then empties.
    (syncing || Promise.resolve())
      .then(() => (navigator.onLine ? flushQueue().catch(() => {}) : null))
      .then(() => wipe(false))
      .then(done, done);
  });

  // The check ----------------------------------------------------------------------------

  async function fill(cache, ids, checkedAt) {
    const query = ids ? `?text=1&ids=${ids.join(",")}` : "?text=1";
    const kit = await getJSON(d.kitUrl + query);
    const stored = [];
    for (const entry of kit.entries) {
      if (await storeEntry(cache, entry, checkedAt)) stored.push(entry);
    }
    return { kit, stored };
  }

  async function check(reconnect) {
    const session = await getJSON(d.sessionUrl);
    if (!session.user || String(session.user) !== user) {
      await wipe(true);
      return;
    }
    csrf = session.csrf || csrf;
    await dropOtherUsers();
    let state = await getMeta();
    if (state && (String(state.user) !== user || state.access !== session.access)) {
      const hadKit = state.access && String(state.user) === user;
      await wipe(true);
      if (hadKit) notice(d.msgAccess, "access-changed");
      state = null;
    }
    await flushQueue();
    const cache = await caches.open(cacheName());
    const now = new Date().toISOString();
    let changedAny = false;
    if (!state) {
      const { kit } = await fill(cache, null, now);
      await setMeta({ user, access: kit.access, checkedAt: now });
      changedAny = true;
    } else {
      const entries = await all("entries");
      const held = {};
      for (const e of entries) held[e.id] = e.version_id;
      const response = await postJSON(d.checkUrl, { held });
      if (!response.ok) return;
      const result = await response.json();
      const byId = new Map(entries.map((e) => [e.id, e]));
      for (const id of result.removed) {
        const entry = byId.get(id);
        if (!entry) continue;
        await dropEntry(cache, entry);
        notice(fmt(d.msgRemoved, entry), "kit-removed");
        changedAny = true;
      }
      const fetchIds = [...result.changed.map((c) => c.id), ...result.added];
      if (fetchIds.length) {
        await fill(cache, fetchIds, result.checked_at);
        changedAny = true;
      }
      for (const c of result.changed) {
        const key = (reconnect ? "msgChangedOffline" : "msgChanged") + (c.acknowledge ? "Major" : "");
        notice(fmt(d[key], { reference: c.reference, old: c.from, new: c.to }), "kit-changed");
      }
      const skip = new Set(fetchIds);
      for (const e of await all("entries")) {
        if (!skip.has(e.id)) await put("entries", { ...e, checkedAt: result.checked_at });
      }
      await setMeta({ user, access: result.access, checkedAt: result.checked_at });
    }
    if (changedAny || !(await cache.match(d.kitPage))) await storeShell(cache);
    sessionStorage.removeItem(DIRTY);
    document.dispatchEvent(new CustomEvent("offline-kit:checked"));
  }

  function sync(reconnect) {
    if (!syncing && !signingOut) {
      syncing = check(reconnect)
        .catch((error) => console.warn("offline kit:", error.message))
        .finally(() => {
          syncing = null;
          showDevice();
        });
    }
    return syncing;
  }

  // The kit page: what is on this device, and the search over it -------------------------

  async function showDevice() {
    const status = document.getElementById("kit-device");
    if (!status) return;
    const entries = await all("entries");
    const state = await getMeta();
    status.textContent = entries.length
      ? fmt(d.msgDevice, {
          count: entries.length,
          size: size(entries.reduce((sum, e) => sum + (e.bytes || 0), 0)),
          when: when(state && state.checkedAt),
        })
      : d.msgDeviceEmpty;
    const byId = new Map(entries.map((e) => [String(e.id), e]));
    document.querySelectorAll("[data-kit-checked]").forEach((cell) => {
      const entry = byId.get(cell.dataset.kitChecked);
      cell.textContent = entry ? when(entry.checkedAt) : d.msgNever;
    });
    document.querySelectorAll("[data-kit-bytes]").forEach((cell) => {
      const entry = byId.get(cell.dataset.kitBytes);
      if (entry) cell.textContent = size(entry.bytes);
    });
  }

  function words(text) {
    return (text || "").toLocaleLowerCase().split(/[^\p{L}\p{N}-]+/u).filter(Boolean);
  }

  async function search(query) {
    const list = document.getElementById("kit-search-results");
    const count = document.getElementById("kit-search-count");
    if (!list) return;
    list.replaceChildren();
    const wanted = words(query);
    if (!wanted.length) {
      count.textContent = "";
      return;
    }
    const found = (await all("entries")).filter((e) => {
      const haystack = `${e.reference} ${e.title} ${e.text}`.toLocaleLowerCase();
      return wanted.every((w) => haystack.includes(w));
    });
    count.textContent = found.length ? fmt(d.msgSearchFound, { count: found.length }) : d.msgSearchNone;
    for (const e of found) {
      const li = document.createElement("li");
      li.dataset.testid = "kit-search-result";
      const a = document.createElement("a");
      a.href = e.url;
      a.textContent = `${e.reference} ${e.title}`;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = ` · ${e.number} · ${e.agency}`;
      li.append(a, meta);
      const text = e.text || "";
      const at = text.toLocaleLowerCase().indexOf(wanted[0]);
      if (at >= 0) {
        const snippet = document.createElement("div");
        snippet.className = "meta";
        snippet.textContent = `…${text.slice(Math.max(0, at - 60), at + 100).replace(/\s+/g, " ")}…`;
        li.append(snippet);
      }
      list.append(li);
    }
  }

  function wireSearch() {
    const form = document.getElementById("kit-search");
    if (!form) return;
    const input = form.querySelector("input[type=search]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      search(input.value);
    });
    input.addEventListener("input", () => search(input.value));
    const q = new URLSearchParams(location.search).get("q");
    if (q) {
      input.value = q;
      search(q);
    }
  }

  // Offline: the banner, and links to what is not kept ----------------------------------------

  async function markLinks() {
    if (!("caches" in window) || !(await caches.has(cacheName()))) return;
    const cache = await caches.open(cacheName());
    const keys = new Set((await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search));
    document.querySelectorAll("main a[href], header a[href]").forEach((a) => {
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.hash && url.pathname === location.pathname) return;
      const kept = keys.has(url.pathname + url.search) || url.pathname.startsWith("/search/");
      a.classList.toggle("not-kept", !kept);
      if (!kept) a.dataset.notKept = d.msgNotKept;
    });
  }

  async function showOffline() {
    if (!enabled) return;
    if (copyKind === "missing") {
      banner(d.msgBannerMissing);
    } else if (copyKind) {
      const entries = await all("entries");
      const entry = entries.find((e) => e.url === location.pathname);
      const state = await getMeta();
      banner(fmt(d.msgBanner, { when: when(entry ? entry.checkedAt : state && state.checkedAt) }));
    } else {
      banner(d.msgBannerLive);
    }
    markLinks();
  }

  async function online() {
    // "online" is the browser's hint, not proof that the server answers (a weak link, or
    // Chromium's network emulation): ask it first, and stay offline if it does not answer.
    try {
      await fetch(d.sessionUrl, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      return;
    }
    if (!copyKind) banner("");
    if (!enabled) return;
    document.querySelectorAll("a.not-kept").forEach((a) => a.classList.remove("not-kept"));
    if (copyKind) {
      // This page is the kept copy: the live page replaces it, then the check runs there.
      sessionStorage.setItem(DIRTY, "reconnect");
      location.reload();
      return;
    }
    sync(true);
  }

  // Start ------------------------------------------------------------------------------

  async function start() {
    if (!("serviceWorker" in navigator) || !("caches" in window) || !window.indexedDB) {
      const status = document.getElementById("kit-device");
      if (status) status.textContent = d.msgNoStorage;
      return;
    }
    if (!user) {
      // Signed out here or in another tab, or the session ended: no page stays on the device.
      if (await somethingStored()) await wipe(true);
      return;
    }
    wireSearch();
    document.querySelectorAll("[data-kit-dirty]").forEach((form) =>
      form.addEventListener("submit", () => sessionStorage.setItem(DIRTY, "1")),
    );
    const syncButton = document.getElementById("kit-sync");
    if (syncButton) {
      syncButton.hidden = false;
      syncButton.addEventListener("click", () => {
        document.getElementById("kit-device").textContent = d.msgStoring;
        sync(false);
      });
    }
    window.addEventListener("offline", showOffline);
    window.addEventListener("online", online);
    const dirty = sessionStorage.getItem(DIRTY);
    const asked = dirty || document.getElementById("kit-on-device") || copyKind;
    if (!asked && !(await hasDb())) return;
    await showQueued();
    showDevice();
    const state = await getMeta();
    // A device keeps nothing until its member asks (Keep offline, or the kit page): a phone
    // on a weak link does not download the kit at every sign-in.
    enabled = Boolean(state || dirty || document.getElementById("kit-on-device") || copyKind);
    if (!enabled) return;
    navigator.serviceWorker.register(d.swUrl, { scope: "/" }).catch((e) => console.warn(e));
    navigator.serviceWorker.ready.then((registration) => {
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage("claim");
      }
    });
    if (copyKind || !navigator.onLine) {
      showOffline();
      return;
    }
    const stale = !state || Date.now() - Date.parse(state.checkedAt) > CHECK_EVERY_MS;
    if (dirty || stale || (await all("queue")).length) sync(dirty === "reconnect");
  }

  start();
})();
