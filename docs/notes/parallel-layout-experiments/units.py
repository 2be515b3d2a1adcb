"""Size and assembly cost when every item of the run is a piece of its own (item-granular units)."""
import sys, io, time; sys.path.insert(0, "/tmp/par")
from exp import *
from meetingpack.render.assemble import write_piece, assemble, Labels
env, r, agenda, ctx = setup()
tpl = r.render("pdf/blank.html", numbered=False, **ctx)
with P._fewer_collections():
    full = lay(r, html_for(env, agenda.entries, ctx, True), 1, True)
    units = [lay(r, html_for(env, [e], ctx, n == 0), 1, True) for n, e in enumerate(agenda.entries)]
def fonts(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fs = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"]
        return len(fs), sum(len(f.get(k).read_raw_bytes()) for f in fs for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in f)
two = [lay(r, html_for(env, ch, ctx, n == 0), 1, True) for n, ch in enumerate(split(agenda.entries, 2))]
four = [lay(r, html_for(env, ch, ctx, n == 0), 1, True) for n, ch in enumerate(split(agenda.entries, 4))]
for name, docs in (("one piece", [full]), ("2 chunk pieces", two), ("4 chunk pieces", four), (f"{len(units)} item pieces", units), ("one piece again", [full])):
    t0 = time.process_time()
    pieces = [write_piece(f"u{n}", tpl, list(d.pages), finish=lambda pdf: None) for n, d in enumerate(docs)]
    t1 = time.process_time()
    sel = [(p, i) for p in pieces for i in range(len(p.pages))]
    out = assemble(tpl, sel, "t", Labels(0, 1))
    t2 = time.process_time()
    print(f"{name}: {len(sel)} pages; write+index {t1-t0:.2f} CPU s, assemble {t2-t1:.2f} CPU s; {len(out)} bytes; font descriptors and font bytes {fonts(out)}")
