"""Second pass at item granularity: an item with a page reference laid out alone, at its true first page,
references outside it given as known numbers; compared with the whole run's layout."""
import sys, re, time; sys.path.insert(0, "/tmp/par")
from exp import *
env, r, agenda, ctx = setup()
with P._fewer_collections():
    full = lay(r, html_for(env, agenda.entries, ctx, True), 1, False)
ref = [sig(p) for p in full.pages]
anchors = {}
for n, p in enumerate(full.pages, start=1):
    for a in p.anchors:
        anchors.setdefault(a, n)
for e in agenda.entries:
    if not any('class="xref"' in d.html for d in e.documents):
        continue
    first = anchors[e.item.slug]
    own = e.item.slug + "-"
    h = html_for(env, [e], ctx, e is agenda.entries[0])
    def known(m):
        target = m.group(1)
        if target.startswith(own):
            return m.group(0)
        return m.group(0).replace('class="xref"', f'class="xref-known" data-page="{anchors[target]}"')
    h2 = re.sub(r'<a [^>]*href="#([^"]+)"[^>]*class="xref"[^>]*>', known, h)
    t0 = time.perf_counter(); c0 = time.process_time()
    with P._fewer_collections():
        lo = lay(r, h2, first, True)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    d = [i for i, p in enumerate(lo.pages) if sig(p) != ref[first - 1 + i]]
    print(f"item {e.item.number}: {len(lo.pages)} pages from page {first}, {h2.count('xref-known')} refs made known; "
          f"pages differing from the whole run's layout: {d}; laid out in {secs:.2f} s wall, {cpu:.2f} s CPU")
    for i in d:
        a, b = ref[first - 1 + i], sig(lo.pages[i])
        print("   differing boxes:", [(x, y) for x, y in zip(a, b) if x != y], "counts", len(a), len(b))
