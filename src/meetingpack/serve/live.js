// pack serve's live reload, put into HTML responses by the preview server (never into built files).
// It listens to /__pack/events and reloads the page only when a path it shows changed: the page
// itself, or a stylesheet, script or image it uses. It shows the build's state in a small bar and
// a content error in an overlay (file, line, message) over the last good page. Its data attributes are
// the generation the page was served at and the token of the server's run (serve/live.py).
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me.getAttribute("data-generation");
  var token = me.getAttribute("data-token");
  var scrollKey = "pack-serve-scroll:" + location.pathname;

  function served(url) {
    var path = decodeURIComponent(new URL(url, location.href).pathname);
    return path.endsWith("/") ? path + "index.html" : path;
  }

  function shown() {
    var paths = [served(location.href)];
    document.querySelectorAll("link[rel~='stylesheet'][href], script[src], img[src]").forEach(function (el) {
      paths.push(served(el.getAttribute("href") || el.getAttribute("src")));
    });
    return paths;
  }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* private mode */ }
    location.reload();
  }

  try {
    var y = sessionStorage.getItem(scrollKey);
    if (y !== null) {
      sessionStorage.removeItem(scrollKey);
      window.addEventListener("load", function () { window.scrollTo(0, Number(y)); });
    }
  } catch (e) { /* private mode */ }

  function element(tag, text, style) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (style) { el.setAttribute("style", style); }
    return el;
  }

  var bar = element("div", "", "position:fixed;right:0.5rem;bottom:0.5rem;z-index:2147483647;" +
    "padding:0.25rem 0.6rem;font:14px/1.4 sans-serif;background:#0b0c0c;color:#fff;border-radius:3px;");
  bar.id = "pack-serve-state";
  bar.setAttribute("role", "status");
  var words = {rebuilding: "pack serve: rebuilding\u2026", ready: "pack serve: ready",
               packs: "pack serve: pages ready; rendering the PDF packs\u2026",
               failed: "pack serve: errors, showing the last good build"};

  function showState(state, pending) {
    var mine = (pending || []).some(function (p) { return location.pathname.indexOf("/" + p + "/") >= 0; });
    bar.textContent = state === "packs" && mine ?
      "pack serve: this meeting's pages are new; its PDF pack is being rebuilt\u2026" : (words[state] || state);
    bar.setAttribute("data-state", state);
    bar.style.background = state === "failed" ? "#d4351c" : "#0b0c0c";
    if (!bar.isConnected) { document.body.appendChild(bar); }
  }

  function showProblems(problems) {
    var old = document.getElementById("pack-serve-overlay");
    if (old) { old.remove(); }
    if (!problems.length) { return; }
    var box = element("div", "", "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;" +
      "z-index:2147483646;background:#fff;color:#0b0c0c;border:5px solid #d4351c;padding:1rem 1.5rem;" +
      "font:16px/1.5 sans-serif;box-shadow:0 4px 16px rgba(0,0,0,0.4);");
    box.id = "pack-serve-overlay";
    box.setAttribute("role", "alert");
    box.appendChild(element("h2", problems.length === 1 ? "The content has an error" :
      "The content has " + problems.length + " errors", "margin:0 0 0.5rem;font-size:1.25rem;"));
    box.appendChild(element("p", "The page below is the last good build. Fix the file and save: " +
      "this goes away.", "margin:0 0 0.5rem;"));
    var list = element("ul", "", "margin:0;padding-left:1.25rem;");
    problems.forEach(function (p) {
      var item = element("li", "", "margin-bottom:0.5rem;");
      if (p.file) {  // a problem outside the content files (a template, say) has none
        var where = p.file + (p.line ? ":" + p.line + (p.column ? ":" + p.column : "") : "");
        item.appendChild(element("code", where, "font-weight:bold;"));
      }
      item.appendChild(element("div", p.message));
      if (p.hint) { item.appendChild(element("div", "Hint: " + p.hint, "color:#505a5f;")); }
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  // A hidden tab lets go of its stream: a browser keeps only a few connections open to one server, and
  // a tab shown again asks for everything changed since its page was served, so it misses nothing.
  var source = null;
  function listen() {
    if (source !== null || document.visibilityState === "hidden") { return; }
    source = new EventSource("/__pack/events?since=" + encodeURIComponent(generation) +
                             "&token=" + encodeURIComponent(token));
    source.addEventListener("status", function (event) {
      var status = JSON.parse(event.data);
      var mine = shown();
      if (status.changed === null || status.changed.some(function (p) { return mine.indexOf(p) >= 0; })) {
        source.close();
        reload();
        return;
      }
      showState(status.state, status.pending);
      showProblems(status.problems);
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && source !== null) {
      source.close();
      source = null;
    }
    listen();
  });
  listen();
})();
