/* Live notifications: bell count, toasts, reconnect with backoff, catch-up.
 *
 * Plain JS, no framework. Each tab keeps its own WebSocket to /ws/notifications/ and
 * remembers the newest notification id it has seen; after a drop it reconnects
 * (1 s, 2 s, 4 s ... up to 30 s, with jitter) and asks for what it missed. The server
 * pushes the unread count to every tab when any of them marks something read.
 */
(function () {
  "use strict";

  var bell = document.getElementById("bell-link");
  if (!bell || !("WebSocket" in window)) return;

  // Words come from Django's JavaScript catalogue (/jsi18n/, loaded before this file);
  // without it (a failed load) the English text is shown.
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (f, a) { return f.replace("%s", a[0]); };

  var countEl = bell.querySelector("[data-testid=unread-count]");
  var toasts = document.getElementById("toasts");
  // Until the first notification arrives, catch up on what came after the page was rendered.
  var since = bell.getAttribute("data-since") || "";
  var lastId = 0;
  var seen = {};
  var attempt = 0;
  var socket = null;
  var timer = null;
  var MAX_DELAY = 30000;
  var MAX_TOASTS = 4;

  function setUnread(n) {
    if (typeof n !== "number" || !countEl) return;
    countEl.textContent = String(n);
    countEl.hidden = n <= 0;
    bell.setAttribute("aria-label", n > 0
      ? interpolate(ngettext("%s unread notification", "%s unread notifications", n), [n])
      : gettext("Notifications"));
    bell.setAttribute("title", bell.getAttribute("aria-label"));
    bell.closest(".bell") && bell.closest(".bell").setAttribute("data-unread", String(n));
  }

  function safeLink(link) {
    // Only same-site paths: a notification never sends the reader elsewhere.
    return typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/" ? link : "#";
  }

  function toast(n) {
    if (!toasts) return;
    var box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "toast");
    var a = document.createElement("a");
    a.href = safeLink(n.link);
    a.textContent = n.title;
    var strong = document.createElement("strong");
    strong.appendChild(a);
    var p = document.createElement("p");
    p.textContent = n.text || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", gettext("Close notification"));
    close.textContent = "×";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    box.appendChild(strong);
    box.appendChild(p);
    toasts.appendChild(box);
    while (toasts.children.length > MAX_TOASTS) toasts.removeChild(toasts.firstChild);
    setTimeout(function () { box.remove(); }, 15000);
  }

  // On the inbox page, a new notification also appears at the top of the list.
  function prependToInbox(n) {
    var list = document.getElementById("notification-list");
    if (!list || document.getElementById("notification-" + n.id)) return;
    var li = document.createElement("li");
    li.id = "notification-" + n.id;
    li.className = "notification unread";
    li.setAttribute("data-testid", "notification");
    var a = document.createElement("a");
    a.href = safeLink(n.link);
    var strong = document.createElement("strong");
    strong.textContent = n.title;
    a.appendChild(strong);
    var p = document.createElement("p");
    p.textContent = n.text || "";
    li.appendChild(a);
    li.appendChild(p);
    list.insertBefore(li, list.firstChild);
  }

  function receive(n) {
    if (!n || typeof n.id !== "number" || seen[n.id]) return;
    seen[n.id] = true;
    if (n.id > lastId) lastId = n.id;
    toast(n);
    prependToInbox(n);
    document.dispatchEvent(new CustomEvent("frontline:notification", { detail: n }));
  }

  function url() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + (bell.getAttribute("data-ws-path") || "/ws/notifications/");
  }

  function connect() {
    timer = null;
    try {
      socket = new WebSocket(url());
    } catch (e) {
      schedule();
      return;
    }
    socket.onopen = function () {
      attempt = 0;
      bell.setAttribute("data-live", "1");
      socket.send(JSON.stringify(lastId ? { type: "catch_up", last_id: lastId } : { type: "catch_up", since: since }));
    };
    socket.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      if (msg.type === "notification.new") {
        receive(msg.notification);
        setUnread(msg.unread);
      } else if (msg.type === "notification.catch_up") {
        (msg.notifications || []).forEach(receive);
        setUnread(msg.unread);
      } else if (msg.type === "notification.unread") {
        setUnread(msg.unread);
      }
    };
    socket.onclose = function (e) {
      bell.removeAttribute("data-live");
      socket = null;
      // 4403: refused (signed out, not vetted). Trying again would not help.
      if (e.code !== 4403) schedule();
    };
  }

  function schedule() {
    if (timer) return;
    var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, attempt));
    attempt += 1;
    timer = setTimeout(connect, delay / 2 + Math.random() * delay / 2);
  }

  // A tab coming back online or to the front reconnects at once instead of waiting.
  function nudge() {
    if (!socket && timer) { clearTimeout(timer); timer = null; attempt = 0; connect(); }
  }
  window.addEventListener("online", nudge);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) nudge(); });

  connect();
})();
