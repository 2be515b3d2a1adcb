import sys; sys.path.insert(0, "/tmp/par"); sys.path.insert(0, "/work/main/bench")
from pathlib import Path
from meetingpack.render import pdf as P
import pack_pdf, exp
from meetingpack.commands.check import check_project
from meetingpack.render.templates import make_environment
from meetingpack.resolve import resolve_project

captured = {}
orig = P._lay_out
def spy(renderer, run, context):
    orig(renderer, run, context)
    captured[run.key] = run
P._lay_out = spy

def report(name, env, meeting):
    captured.clear()
    P.render_packs(env, meeting, item_pdfs=False)
    total = sum(len(r.pages) for r in captured.values())
    for k in (2, 3):
        redo = 0; detail = []
        first_chunk_done = False
        for key, run in captured.items():
            if not run.pages: continue
            chunks = exp.split(run.entries, k)
            for n, ch in enumerate(chunks):
                for e in ch:
                    for d in e.documents:
                        import re
                        refs = re.findall(r'<a [^>]*href="#([^"]+)"[^>]*class="xref"|<a [^>]*class="xref"[^>]*href="#([^"]+)"', d.html)
                        refs = [a or b for a, b in refs]
                        mine = {e2.item.slug for e2 in ch}
                        outside = [r for r in refs if not any(r.startswith(s + "-") for s in mine)]
                        if refs and (not (key == "agenda" and n == 0) or outside):
                            pr = run.documents[d.id]; redo += pr.count; detail.append((e.item.number, d.id, pr.count))
        print(f"{name}: {total} pages in runs {[ (k, len(r.pages)) for k, r in captured.items()]}; {k} chunks per run: "
              f"pages of documents with a same-run page reference outside the meeting's first chunk = {redo} ({redo/total:.0%}) {detail}")

for root in (Path("/work/main/content"), exp.PROJ):
    project, rep = check_project(root)
    env = make_environment(project.root)
    for m in resolve_project(project):
        report(str(m.url_path), env, m)
