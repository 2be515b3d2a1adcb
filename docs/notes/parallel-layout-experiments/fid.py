import sys, io, time; sys.path.insert(0, "/tmp/par")
from exp import *
import pypdf
from meetingpack.render.assemble import write_piece, assemble, Labels
from meetingpack.render import tagging

env, r, agenda, ctx = setup()
with P._fewer_collections():
    full = lay(r, html_for(env, agenda.entries, ctx, True), 1, False)
    chunks = split(agenda.entries, 2)
    los = [lay(r, html_for(env, ch, ctx, n == 0), 1, True) for n, ch in enumerate(chunks)]
ref_bytes = full.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
chunk_bytes = [lo.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False) for lo in los]
# the numbers: a document of empty pages of the chunks' sizes; each chunk starts on a right-hand page
divs = []
for lo in los:
    for i, p in enumerate(lo.pages):
        cls = "l" if p.width > p.height else ""
        brk = "right" if i == 0 else "page"
        divs.append(f'<div style="break-before:{brk}" class="{cls}"></div>')
t0 = time.perf_counter()
foot = HTML(string=f"<html lang=en-GB><body class=pack-body>{''.join(divs)}</body></html>").render(
    stylesheets=[r.css, CSS(string="@page :first { counter-reset: page 1 } .l { page: landscape }", font_config=r.fonts)],
    font_config=r.fonts)
numbers = pikepdf.open(io.BytesIO(foot.write_pdf(uncompressed_pdf=False)))
print("footer doc pages", len(foot.pages), "render+write s", round(time.perf_counter() - t0, 2))
merged = pikepdf.new()
k = 0
for data in chunk_bytes:
    src = pikepdf.open(io.BytesIO(data))
    for page in src.pages:
        merged.pages.append(page)
        k += 1
        if k < len(foot.pages) and len(merged.pages) < len(foot.pages) and k == 65:
            pass
    # a pad page where the footer document has a blank page
    if len(merged.pages) % 2 and len(merged.pages) < len(foot.pages):
        merged.add_blank_page(page_size=(595.28, 841.89))
for i, page in enumerate(merged.pages):
    form = merged.copy_foreign(numbers.pages[i].as_form_xobject())
    name = page.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(f"/MpPageNo{i}"))
    page.contents_add(merged.make_stream(b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q " + bytes(str(name), "ascii") + b" Do Q EMC"), prepend=False)
buf = io.BytesIO(); merged.save(buf); merged_bytes = buf.getvalue()

def spans(data):
    rd = pypdf.PdfReader(io.BytesIO(data)); out = []
    for pg in rd.pages:
        got = []
        def v(text, cm, tm, fd, fs):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]; y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                got.append((text.strip(), round(x, 2), round(y, 2)))
        pg.extract_text(visitor_text=v)
        out.append(sorted(got))
    return out
a, b = spans(ref_bytes), spans(merged_bytes)
print("pages", len(a), len(b))
bad = []
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        bad.append(i)
        fa = [s for s in x if s[0].startswith("Page ")]; fb = [s for s in y if s[0].startswith("Page ")]
        print("page", i + 1, "footer ref", fa, "overlay", fb, "other diffs", sorted(set(x) ^ set(y) - set(fa) - set(fb))[:4])
print("pages whose text or text positions differ:", bad)
print("footer positions equal on every page:", all([s for s in x if s[0].startswith("Page ")] == [s for s in y if s[0].startswith("Page ")] for x, y in zip(a, b)))
# the size cost of two pieces (fonts subset per piece) in a PDF of all pages
tpl = r.render("pdf/blank.html", numbered=False, **ctx)
one = write_piece("public", tpl, list(full.pages), finish=lambda pdf: None)
two = [write_piece(f"c{n}", tpl, list(lo.pages), finish=lambda pdf: None) for n, lo in enumerate(los)]
s1 = assemble(tpl, [(one, i) for i in range(len(full.pages))], "t", Labels(0, 1))
s2 = assemble(tpl, [(p, i) for p in two for i in range(len(p.pages))], "t", Labels(0, 1))
def fonts(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fs = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"]
        return len(fs), sum(len(f.get(k).read_raw_bytes()) for f in fs for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in f)
print("assembled all pages from one piece:", len(s1), "bytes, fonts", fonts(s1), "| from two pieces:", len(s2), "bytes, fonts", fonts(s2))
