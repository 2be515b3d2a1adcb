"""The build engine: a build as tasks with keys, a cache of their results, and an executor.

Each meeting is two tasks: its packs (render/pdf.py; the dearest, seconds each)
and its pages (site.py, meeting.json).  Then come the committee-wide and
site-wide outputs (listings, records, feeds, calendars, the sitemap, the
search index), which are cheap and made on every build.

- `state.py`: whether anything at all changed since the last build (every
  source file hashed; nothing changed and the output intact: stop at once);
- `cache.py`: a meeting's packs, keyed by a hash of everything the render is
  given, stored beside the output;
- `tasks.py`: a meeting's pages, keyed by the packs' key, the site templates
  and the part of the committee's records they show; the plan of which tasks
  of a build must run;
- `executor.py`: the packs that must be rendered, in worker processes.

commands/build.py runs them in that order (docs/architecture.md draws the graph).
"""
