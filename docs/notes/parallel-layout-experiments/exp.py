"""Experiments for issue 11 item 6: parallel layout of one meeting's run (not project code)."""
import io, json, os, sys, time, pickle
sys.path.insert(0, "/work/main/bench")
from pathlib import Path
import pack_pdf
from meetingpack.render import pdf as P
from meetingpack.render.templates import render_template
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes as B
import pikepdf

PROJ = Path("/tmp/par/proj")
NOFOOT = "@page { @bottom-center { content: none } } @page padding-numbered { @bottom-center { content: none } }"

def setup():
    env, meeting, _ = pack_pdf._load(PROJ)
    P._fixed_font_timestamps()
    r = P._Renderer(env, meeting)
    runs = P._runs(meeting); linker = P._Linker(meeting, runs)
    agenda = runs[0]; agenda.start = 1
    for e in agenda.entries:
        P._entry_documents(r, e, agenda, linker)
    agenda.entries = [e for e in agenda.entries if e.documents]
    ctx = {"site": meeting.site, "committee": meeting.committee.committee, "meeting": meeting.meeting,
           "pack_title": "t", "pack_subject": "s", "noun": meeting.committee.committee.noun,
           "banner": "Public Document Pack"}
    return env, r, agenda, ctx

def html_for(env, entries, ctx, first):
    h = render_template(env, "pdf/pack.html", entries=entries, **ctx)
    if not first:
        h = h.replace(" pack-start\"", "\"", 1)
    return h

def lay(r, html, start, nofoot):
    sheets = [r.css, CSS(string=f"@page :first {{ counter-reset: page {start} }}", font_config=r.fonts)]
    if nofoot:
        sheets.append(CSS(string=NOFOOT, font_config=r.fonts))
    return HTML(string=html, base_url=r.base_url, url_fetcher=r.fetcher).render(stylesheets=sheets, font_config=r.fonts)

def sig(page):
    out = []
    def walk(b):
        if isinstance(b, B.MarginBox):
            return
        t = b.text if isinstance(b, B.TextBox) else None
        out.append((type(b).__name__, round(b.position_x, 3), round(b.position_y, 3), round(b.width or 0, 3),
                    round(b.height or 0, 3), t))
        for c in getattr(b, "children", []):
            walk(c)
    walk(page._page_box)
    return out

def split(entries, k):
    sizes = [sum(len(d.html) + 3000 * d.pdf_pages for d in e.documents) for e in entries]
    total = sum(sizes); cuts = []; acc = 0; j = 1
    for i, s in enumerate(sizes):
        acc += s
        if j < k and acc >= total * j / k and i + 1 < len(entries):
            cuts.append(i + 1); j += 1
    bounds = [0, *cuts, len(entries)]
    return [entries[a:b] for a, b in zip(bounds, bounds[1:])]

def equivalence():
    env, r, agenda, ctx = setup()
    full = lay(r, html_for(env, agenda.entries, ctx, True), 1, False)
    ref = [sig(p) for p in full.pages]
    nf = lay(r, html_for(env, agenda.entries, ctx, True), 1, True)
    print("pages full", len(full.pages), "nofooter", len(nf.pages))
    diff = [i for i, p in enumerate(nf.pages) if sig(p) != ref[i]]
    print("footer-less whole run: pages whose body boxes differ:", diff)
    res = {}
    for k in (2, 3):
        chunks = split(agenda.entries, k)
        at = 0
        for n, ch in enumerate(chunks):
            correct = 1 + at
            lo = lay(r, html_for(env, ch, ctx, n == 0), correct, True)
            d = [i for i, p in enumerate(lo.pages) if sig(p) != ref[at + i]]
            wrong = lay(r, html_for(env, ch, ctx, n == 0), 1 if correct % 2 else 2, True)
            d2 = [i for i, p in enumerate(wrong.pages) if sig(p) != ref[at + i]] if len(wrong.pages) == len(lo.pages) else "count"
            xs = [(e.item.number) for e in ch]
            print(f"k={k} chunk {n} items {xs} pages {len(lo.pages)} at {at}: correct start diffs {d}; start-agnostic diffs {d2}")
            at += len(lo.pages)
            # a chunk ends where the next item starts: an odd-page start; pad when odd length
            if len(lo.pages) % 2:
                print("   chunk has odd page count: the next item starts after a blank page (needs a pad)")
                at += 1
        print("sum", at, "vs", len(full.pages))

def timing(mode, k):
    env, r, agenda, ctx = setup()
    HTML(string="<p>warm</p>").render().write_pdf(pdf_variant="pdf/ua-1")
    out = {}
    with P._fewer_collections():
        t0 = time.perf_counter(); c0 = time.process_time()
        if mode == "single":
            lo = lay(r, html_for(env, agenda.entries, ctx, True), 1, False)
            data = lo.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
            out["pages"] = len(lo.pages)
        else:
            chunks = split(agenda.entries, k)
            pids = []
            for n, ch in enumerate(chunks):
                rfd, wfd = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(rfd)
                    lo = lay(r, html_for(env, ch, ctx, n == 0), 1, True)
                    data = lo.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
                    sizes = [(p.width, p.height) for p in lo.pages]
                    with os.fdopen(wfd, "wb") as f:
                        pickle.dump((data, sizes, {n: i for i, p in enumerate(lo.pages) for n in p.anchors}), f)
                    os._exit(0)
                os.close(wfd); pids.append((pid, rfd))
            results = []
            out["chunk_pages"] = []
            for pid, rfd in pids:
                with os.fdopen(rfd, "rb") as f:
                    results.append(pickle.load(f))
                out["chunk_pages"].append(len(results[-1][1]))
                _, _, ru = os.wait4(pid, 0)
                out.setdefault("child_cpu", []).append(round(ru.ru_utime + ru.ru_stime, 2))
            t1 = time.perf_counter()
            # the numbers: one document of empty pages of those sizes, footers "Page N"
            sizes = [s for res in results for s in res[1]]
            divs = "".join(f'<div style="break-before:page" class="{"l" if w > h else ""}"></div>' for w, h in sizes)
            foot = HTML(string=f"<html lang=en-GB><body class=pack-body>{divs}</body></html>").render(
                stylesheets=[r.css, CSS(string="@page :first { counter-reset: page 1 } .l { page: landscape }", font_config=r.fonts)],
                font_config=r.fonts)
            numbers = pikepdf.open(io.BytesIO(foot.write_pdf(uncompressed_pdf=False)))
            t2 = time.perf_counter()
            i = 0
            for data, s, _ in results:
                pdf = pikepdf.open(io.BytesIO(data))
                for page in pdf.pages:
                    form = pdf.copy_foreign(numbers.pages[i].as_form_xobject())
                    name = page.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(f"/MpPageNo{i}"))
                    page.contents_add(pdf.make_stream(b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q 1 0 0 1 0 0 cm " + bytes(str(name), "ascii") + b" Do Q EMC"), prepend=False)
                    i += 1
                b = io.BytesIO(); pdf.save(b, deterministic_id=True); pdf.close()
            t3 = time.perf_counter()
            out.update(pages=i, layout_parallel=t1 - t0, footer_render=t2 - t1, overlay=t3 - t2,
                       foot_pages=len(foot.pages))
        out["seconds"] = time.perf_counter() - t0
        out["cpu_parent"] = time.process_time() - c0
    print(json.dumps(out))

if __name__ == "__main__":
    if sys.argv[1] == "write":
        import shutil; shutil.rmtree(PROJ, ignore_errors=True); PROJ.mkdir(parents=True)
        print(pack_pdf.write_project(PROJ, int(sys.argv[2])))
    elif sys.argv[1] == "eq":
        equivalence()
    else:
        timing(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2)
