"""`pack serve`'s parts: the content watched, the preview served, open pages told what changed.

- `watcher.py`: file system events in (watchdog), one batch of changed paths
  per burst of saves out;
- `live.py`: what the open pages are told (the build's state, its problems,
  which served paths changed since a page was loaded);
- `server.py`: the preview folder served on 127.0.0.1, with `live.js`
  injected into every HTML response (never into the built files) and the
  events stream at `/__pack/events`.

commands/serve.py runs the builds and ties them together.
"""
