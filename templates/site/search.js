// Search the published papers with the Pagefind index under ../pagefind/ (static files, no server).
// The index is one bundle per committee, made again only when that committee's pages change; the
// first is loaded and the others merged into it, so that one search covers every paper.
// The form works as a normal GET form (?q=words); results are written as a list of links to the
// paper and to the headings where the words are. Text from the index is never parsed as HTML.
const bundles = {{ bundles | tojson }};
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const button = form.querySelector("button");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL("../", document.baseURI);

function decode(text) {
  const area = document.createElement("textarea");
  area.innerHTML = text;
  return area.value;
}

function excerpt(text) {
  // Pagefind marks the matched words with <mark>; keep those, and only those, as elements.
  const p = document.createElement("p");
  for (const part of text.split(/(<mark>.*?<\/mark>)/)) {
    if (part.startsWith("<mark>")) {
      const mark = document.createElement("mark");
      mark.textContent = decode(part.slice(6, -7));
      p.append(mark);
    } else if (part) {
      p.append(decode(part.replace(/<[^>]*>/g, "")));
    }
  }
  return p;
}

function link(url, text) {
  const a = document.createElement("a");
  a.href = url;
  a.textContent = text;
  return a;
}

let pagefind;
let latest = 0;

async function run(query) {
  const mine = ++latest;
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching\u2026";
  const search = await pagefind.search(query);
  const shown = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  if (mine !== latest) return;  // a newer search has started
  const total = search.results.length;
  status.textContent = total === 0
    ? `No papers contain \u201c${query}\u201d.`
    : `${total} paper${total === 1 ? "" : "s"} found for \u201c${query}\u201d${total > 20 ? ", the first 20 shown" : ""}.`;
  for (const result of shown) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    heading.append(link(result.url, decode(result.meta.title || result.url)));
    item.append(heading);
    if (result.meta.meeting) {
      const where = document.createElement("p");
      where.className = "hint";
      where.textContent = decode(result.meta.meeting);
      item.append(where);
    }
    item.append(excerpt(result.excerpt));
    const sections = (result.sub_results || []).filter((s) => s.url !== result.url).slice(0, 5);
    if (sections.length) {
      const within = document.createElement("ul");
      within.className = "search-sections";
      for (const section of sections) {
        const li = document.createElement("li");
        li.append(link(section.url, decode(section.title)));
        within.append(li);
      }
      item.append(within);
    }
    list.append(item);
  }
}

async function start() {
  if (!bundles.length) {
    status.textContent = "No papers have been published yet.";
    return;
  }
  pagefind = await import(new URL(bundles[0] + "pagefind.js", root).href);
  await pagefind.options({ baseUrl: root.pathname });
  for (const bundle of bundles.slice(1)) {
    await pagefind.mergeIndex(new URL(bundle, root).href, { baseUrl: root.pathname });
  }
  input.disabled = false;
  button.disabled = false;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
    run(input.value);
  });
  const query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    run(query);
  }
}

start().catch(() => {
  status.textContent = "Search could not start. Every paper can also be found from the home page.";
});
