import sys; sys.path.insert(0, "/tmp/par")
from exp import *
import difflib
env, r, agenda, ctx = setup()
full = lay(r, html_for(env, agenda.entries, ctx, True), 1, False)
ref = [sig(p) for p in full.pages]
chunks = split(agenda.entries, 2)
at = 0
for n, ch in enumerate(chunks):
    lo = lay(r, html_for(env, ch, ctx, n == 0), 1 + at, True)
    for i, p in enumerate(lo.pages):
        s = sig(p)
        if s != ref[at + i]:
            a = [str(x) for x in ref[at + i]]; b = [str(x) for x in s]
            print(f"chunk {n} page {i} (printed {at+i+1}): {len(a)} vs {len(b)} boxes")
            for line in list(difflib.unified_diff(a, b, lineterm="", n=1))[:30]:
                print("   ", line)
    at += len(lo.pages) + len(lo.pages) % 2
