"""The `pack` command: parse arguments, run one command, print what happened.

Problems in the content are printed as `path:line:col: error: message`, all
of them, and the exit status is 1.  Anything else that goes wrong inside
meetingpack is a bug: it is reported in one line with a request to report it
(`--debug` shows the traceback).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from . import __version__
from .errors import ContentError, MeetingPackError, Report
from .publish import Stopped

DEFAULT_SOURCE = Path("content")
DEFAULT_OUT = Path("build")


def shown_path(file: str) -> str:
    """A file as the user can open it: relative to the current folder when inside it, else absolute."""
    here = Path.cwd()
    for path, base in ((Path(file), here), (Path(file).resolve(), here.resolve())):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return file


def _print_report(report: Report) -> None:
    for diagnostic in sorted(report.diagnostics, key=lambda d: (d.path, d.line, d.column)):
        print(diagnostic.text(shown_path(diagnostic.file) if diagnostic.file else None), file=sys.stderr)


def _summary(report: Report) -> str:
    e, w = len(report.errors), len(report.warnings)
    return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


def diagnostics_json(report: Report) -> dict[str, object]:
    """What `pack check --format json` prints (its schema: docs/diagnostics.schema.json)."""
    return {
        "tool": f"meetingpack {__version__}",
        "diagnostics": [
            {"file": shown_path(d.file) if d.file else d.path, "line": d.line, "column": d.column,
             "severity": d.severity, "code": d.code, "message": d.message, "hint": d.hint}
            for d in sorted(report.diagnostics, key=lambda d: (d.path, d.line, d.column))],
        "errors": len(report.errors),
        "warnings": len(report.warnings),
    }


def cmd_check(args: argparse.Namespace) -> int:
    from .commands.check import check_project

    _, report = check_project(args.source)
    if args.format == "json":
        import json

        print(json.dumps(diagnostics_json(report), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
        print(f"pack check: {_summary(report)}", file=sys.stderr)
    return 1 if report.errors else 0


def _say_up_to_date(out: Path, meetings: int, files: int, took: float, report: Report) -> None:
    print(f"pack build: nothing changed since the last build; {out} is up to date "
          f"({meetings} meetings, {files} files; {took:.1f} s; {_summary(report)})", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    say = (lambda text: print(f"  {text}", file=sys.stderr)) if not args.quiet else (lambda text: None)
    from .reporter import Reporter, TerminalReporter

    # bars for a person at a terminal; plain lines for logs and CI (and nothing but problems with -q)
    reporter = TerminalReporter() if sys.stderr.isatty() and not args.quiet else Reporter(say)
    notice: Callable[[str], None] = lambda text: print(f"pack build: {text}", file=sys.stderr)  # even with -q
    try:
        # Nothing changed (the commonest rebuild): answered without importing the renderers, whose
        # import alone (WeasyPrint's) takes about a second.
        from .engine.state import up_to_date

        last = None if args.clean else up_to_date(args.source, args.out, args.cache, not args.no_wait, notice)
        if last is not None:
            reporter.close()
            report = Report(args.source, last.diagnostics)
            _print_report(report)
            _say_up_to_date(args.out, last.meetings, last.files, time.monotonic() - started, report)
            return 0
        from .commands.build import build_project

        try:
            result = build_project(args.source, args.out, progress=reporter, jobs=args.jobs,
                                   wait=not args.no_wait, notice=notice, cache=args.cache, clean=args.clean)
        finally:
            reporter.close()
    except Stopped as stop:
        state = "already holds the new build" if stop.replaced else "is unchanged"
        print(f"pack: stopped; {args.out} {state}", file=sys.stderr)
        return 128 + stop.signum
    except ContentError as exc:
        _print_report(exc.report)
        print(f"pack build: {_summary(exc.report)}; nothing was written, {args.out} is unchanged",
              file=sys.stderr)
        return 1
    _print_report(result.report)
    took = time.monotonic() - started
    if result.unchanged:
        _say_up_to_date(args.out, result.meetings, result.files, took, result.report)
        return 0
    rate = f", {result.pages / took:.1f} pages/s" if result.pages else ""
    print(f"pack build: {result.meetings} meetings ({result.rendered} rendered{rate}, {result.reused} unchanged "
          f"and taken from the cache), {result.site_tasks} site tasks ({result.site_tasks_reused} unchanged), "
          f"{result.files} files in {args.out} "
          f"({took:.1f} s; {_summary(result.report)})", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .commands.schema import write_schemas

    for path in write_schemas(args.out):
        print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .commands.serve import Preview, serve_project
    from .errors import Diagnostic

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def show(diagnostics: list[Diagnostic]) -> None:
        for d in diagnostics:
            say(d.text(shown_path(d.file) if d.file else None))

    preview = Preview(args.source, args.out, say, show, jobs=args.jobs)
    try:
        serve_project(preview, args.port, lambda url: say(f"pack serve: serving {args.source} at {url} "
                                                          f"(built into {args.out}; Ctrl-C to stop)"))
    except (Stopped, KeyboardInterrupt) as stop:
        say("pack serve: stopped")
        return 128 + (stop.signum if isinstance(stop, Stopped) else signal.SIGINT)
    return 0


def add_serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    v = sub.add_parser("serve", help="preview the site on 127.0.0.1, rebuilt and reloaded as you save")
    v.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="content folder (default: content)")
    v.add_argument("--port", type=int, default=8000, metavar="N", help="port (default: 8000; 0: any free one)")
    v.add_argument("--out", type=Path, default=Path(".preview/build"), metavar="DIR",
                   help="the preview's output folder (default: .preview/build, apart from the site's build/)")
    v.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="meetings to render at once (default: one per core)")
    v.set_defaults(run=cmd_serve)


# ----------------------------------------------------------- pack init, pack new


def _ask(question: str, default: str) -> str:
    try:
        return input(f"{question} [{default}]: ")
    except EOFError:
        return ""


def cmd_init(args: argparse.Namespace) -> int:
    from .commands.init import Council, ask_missing, init_repository

    given = {k for k in ("name", "title", "base_url", "contact", "committee_name") if getattr(args, k) is not None}
    council = Council(**{k: getattr(args, k) for k in given},
                      committee_slug=args.committee_slug or "")
    if sys.stdin.isatty() and sys.stdout.isatty():
        council = ask_missing(council, given, _ask)
    for path in init_repository(args.folder, council):
        print(f"wrote {shown_path(str(path))}")
    print(f"pack init: a content repository for {council.name} in {shown_path(str(args.folder))}; "
          "edit content/ (README.md says how), then run pack check", file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .commands import new

    if args.what == "committee":
        done = new.new_committee(args.source, args.slug, args.name)
    elif args.what == "meeting":
        done = new.new_meeting(args.source, args.committee, args.date)
    elif args.what == "report":
        done = new.new_report(args.source, args.committee, args.date, args.slug, args.title)
    elif args.what == "minutes":
        done = new.new_minutes(args.source, args.committee, args.date)
    else:
        done = new.new_year(args.source, args.committee)
    for path in done.written:
        print(f"wrote {shown_path(str(path))}")
    for path, what in done.changed:
        print(f"changed {shown_path(str(path))}: {what}")
    for note in done.notes:
        print(f"pack new: {note}", file=sys.stderr)
    return 0


def add_scaffold_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    i = sub.add_parser("init", help="start a council's content repository (content/, README, CI, editor settings)")
    i.add_argument("folder", nargs="?", type=Path, default=Path("."),
                   help="an empty folder, or one holding only .git (default: this folder)")
    i.add_argument("--name", help="the council, e.g. 'Aldermoor Metropolitan Borough Council'")
    i.add_argument("--title", help="the website's title (default: '<name>: meetings and papers')")
    i.add_argument("--base-url", dest="base_url", help="the address the website is published at (https://...)")
    i.add_argument("--contact", help="the email address of democratic services")
    i.add_argument("--committee-name", dest="committee_name",
                   help="the first committee (default: 'Overview and Scrutiny Committee')")
    i.add_argument("--committee-slug", dest="committee_slug", help="its folder (default: from its name)")
    i.set_defaults(run=cmd_init)
    n = sub.add_parser("new", help="start a committee, a meeting, a report, minutes or next year's work plan")
    kinds = n.add_subparsers(dest="what", required=True, metavar="WHAT")

    def kind(name: str, help: str) -> argparse.ArgumentParser:
        k = kinds.add_parser(name, help=help)
        k.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="content folder (default: content)")
        k.set_defaults(run=cmd_new)
        return k

    k = kind("committee", "a committee folder and its committee.yaml")
    k.add_argument("slug", help="the committee's folder, e.g. 'licensing'")
    k.add_argument("--name", help="its full name (default: from the folder's name)")
    k = kind("meeting", "a meeting with the committee's standard items, venue and time")
    k.add_argument("committee")
    k.add_argument("date", help="YYYY-MM-DD")
    k = kind("report", "a cover report with every standard section, added to the meeting's agenda")
    k.add_argument("committee")
    k.add_argument("date", help="YYYY-MM-DD")
    k.add_argument("slug", help="its file name: 'budget' writes report-budget.md")
    k.add_argument("--title", help="its title and the agenda item's (default: from the slug)")
    k = kind("minutes", "the minutes of a meeting: a heading per agenda item, and the attendance")
    k.add_argument("committee")
    k.add_argument("date", help="YYYY-MM-DD")
    k = kind("year", "the committee's work plan carried into the next municipal year")
    k.add_argument("committee")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pack", description="Publish council meeting papers as PDF packs and a website.")
    p.add_argument("--debug", action="store_true", help="show a traceback when meetingpack itself fails")
    p.add_argument("--version", action="version", version=f"pack (meetingpack) {__version__}",
                   help="print the version of meetingpack and stop")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser("build", help="build the website and the PDF packs")
    b.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="content folder (default: content)")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build)")
    b.add_argument("--quiet", "-q", action="store_true", help="print only problems and the summary")
    b.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="meetings to render at once (default: one per core)")
    b.add_argument("--clean", action="store_true",
                   help="render every meeting again instead of reusing the cache of unchanged ones")
    b.add_argument("--cache", type=Path, default=None, metavar="DIR",
                   help="the build cache (default: .<out>.cache beside the output folder; safe to delete)")
    b.add_argument("--no-wait", action="store_true",
                   help="if another build of the same output folder is running, stop instead of waiting for it")
    b.set_defaults(run=cmd_build)
    c = sub.add_parser("check", help="check the content without writing anything")
    c.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="content folder (default: content)")
    c.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (for people, on stderr) or json (for editors and CI, on stdout; docs/diagnostics.md)")
    c.set_defaults(run=cmd_check)
    s = sub.add_parser("schema", help="write JSON Schemas of the YAML files for editors")
    s.add_argument("--out", type=Path, default=Path("docs/schemas"), help="folder (default: docs/schemas)")
    s.set_defaults(run=cmd_schema)
    add_serve_parser(sub)
    add_scaffold_parsers(sub)
    return p


def _stop(signum: int, frame: FrameType | None) -> None:
    # One stop is enough: further signals would only cut short the clean-up it starts.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stopped(signum)


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Stopped`, so that every stage cleans up (workers, staging folder)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    before = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with _stopped_by_signals():
            return int(args.run(args))
    except MeetingPackError as exc:
        print(f"pack: error: {exc}", file=sys.stderr)
        return 1
    except Stopped as stop:
        print("pack: stopped", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print("pack: stopped", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"pack: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in meetingpack, not in your content. Please report it, with the output of "
              "the same command run with --debug.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
