"""The build engine: a build as tasks with keys, a cache of their results, and an executor.

Each meeting is two tasks: its packs (render/pdf.py; the dearest, seconds each)
and its pages (site.py, meeting.json).  Then come the committee-wide and
site-wide outputs (listings, records, feeds, calendars, the sitemap), which
are made on every build, and the search index, one bundle per committee, each
made again only when its committee's pages changed (search.py).

- `state.py`: whether anything at all changed since the last build (every
  source file hashed; nothing changed and the output intact: stop at once);
- `checks.py`: what checking a file's text found (its YAML, the Markdown limits,
  a paper's analysis), keyed by the text's hash, so that a build re-checks only
  what changed;
- `cache.py`: a meeting's packs, keyed by a hash of everything the render is
  given, stored beside the output;
- `tasks.py`: a meeting's pages, keyed by the packs' key, the site templates
  and the part of the committee's records they show; the plan of which tasks
  of a build must run;
- `executor.py`: the packs that must be rendered, in worker processes;
- `bodies.py`: the HTML of each paper's Markdown, kept by its meeting's pages
  task with the answers its links were given, so that a template change
  renders pages without rendering Markdown again;
- `derived.py`: what is derived from one file's bytes alone (the text of a
  PDF appendix), kept by the file's hash.

commands/build.py runs them in that order (docs/architecture.md draws the graph).
"""
