"""meetingpack as a council's IT team installs it: a wheel, built from the repository, in a fresh virtual
environment outside the checkout, with nothing of the source tree importable.

The wheel is built from a copy of the tracked files (what a clone holds), with a `build/` folder of
the site's own in it that the wheel build must leave alone.  Its dependencies come from the package
registry, as for a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _clean_env() -> dict[str, str]:
    """The environment without anything that would make the source tree importable."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the fresh environment's bin folder, the copy of the checkout the wheel was built from)."""
    tmp = tmp_path_factory.mktemp("install")
    checkout = tmp / "checkout"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    site = checkout / "build" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("the council's last build", encoding="utf-8")
    before = sorted(str(p.relative_to(checkout)) for p in checkout.rglob("*"))
    wheels = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(checkout)],
         cwd=tmp, env=_clean_env())
    after = sorted(str(p.relative_to(checkout)) for p in checkout.rglob("*"))
    assert after == before, "building the wheel wrote into the checkout"
    assert (site / "index.html").read_text(encoding="utf-8") == "the council's last build"
    (wheel,) = wheels.glob("meetingpack-*.whl")
    env_dir = tmp / "env"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp, env=_clean_env())
    return bin_dir, checkout


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: tuple[Path, Path]) -> None:
    bin_dir, _ = installed
    where = _run([str(bin_dir / "python"), "-c", "import meetingpack; print(meetingpack.__file__)"],
                 cwd=bin_dir.parent.parent, env=_clean_env()).stdout.strip()
    assert where.startswith(str(bin_dir.parent)) and str(ROOT) not in where
    version = _run([str(bin_dir / "pack"), "--version"], cwd=bin_dir.parent.parent, env=_clean_env()).stdout
    assert version.strip() == "pack (meetingpack) 0.1.0"


def test_the_installed_pack_builds_the_example_from_another_folder(installed: tuple[Path, Path]) -> None:
    bin_dir, checkout = installed
    work = bin_dir.parent.parent / "council"
    work.mkdir()
    content = work / "papers"
    subprocess.run(["cp", "-r", str(checkout / "content"), str(content)], check=True)
    done = _run([str(bin_dir / "pack"), "build", "papers", "--out", "public", "-q"], cwd=work, env=_clean_env())
    assert "0 errors" in done.stderr
    site = work / "public" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<html" in home and 'href="assets/site.css"' in home
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "{{" not in css and "body" in css  # the built-in stylesheet, rendered from the packaged template
    packs = sorted(site.rglob("*-pack.pdf"))
    assert packs
    first = PdfReader(packs[0]).pages[0].extract_text()
    assert "Public Document Pack" in first
    assert list((site / "pagefind").glob("*/pagefind*.js"))  # the search index, from the installed Pagefind


def _container_engine() -> bool:
    try:
        return subprocess.run(["docker", "info"], check=False, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _container_engine(), reason="no container engine runs here (docs/install.md: untested)")
def test_the_container_image_builds_and_builds_the_example(tmp_path: Path) -> None:
    _run(["docker", "build", "-q", "-t", "meetingpack-test", str(ROOT)], cwd=ROOT)
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(ROOT / "content"), str(content)], check=True)
    os.chmod(tmp_path, 0o777)
    _run(["docker", "run", "--rm", "--network", "none", "-v", f"{tmp_path}:/work", "meetingpack-test",
          "build", "content", "--out", "build", "-q"], cwd=tmp_path)
    assert "Public Document Pack" in PdfReader(next((tmp_path / "build/site").rglob("*-pack.pdf"))).pages[0] \
        .extract_text()
