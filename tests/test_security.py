"""The served app under hostile clients and a hostile machine: a private temp folder, no
uploads, no file but its own handouts, no endpoint it does not need, bounded requests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from compendium.exports import ExportStore
from compendium.serving import (
    MAX_REQUEST_BYTES,
    RoutePolicy,
    UnsafeFolderError,
    app_temp_dir,
    private_folder,
)
from tests.conftest import REPO, SEED, _free_port

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def served(keyword_searcher):
    """The app over the seed in keyword mode (fast to start), on a free port."""
    from compendium.webapp import build_app, launch

    app = build_app(keyword_searcher)
    port = _free_port()
    launch(app, "127.0.0.1", port, block=False)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield app, client
    app.close()


def _mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def test_gradio_writes_only_into_the_apps_private_folder(served):
    import gradio.route_utils
    import gradio.routes

    app, _client = served
    run = app_temp_dir()
    assert os.environ["GRADIO_TEMP_DIR"] == str(run)
    assert gradio.routes.DEFAULT_TEMP_DIR == gradio.route_utils.DEFAULT_TEMP_DIR == str(run)
    assert app.handouts.is_relative_to(run.resolve())
    for folder in (run.parent, run, app.handouts.parent, app.handouts):
        assert not folder.is_symlink() and _mode(folder) == 0o700 and folder.stat().st_uid == os.geteuid()


@pytest.mark.parametrize("planted", ["link", "file", "open", "foreign"])
def test_a_folder_planted_by_someone_else_is_refused(tmp_path, planted):
    target = tmp_path / "compendium-0"
    if planted == "link":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    elif planted == "file":
        target.write_text("", encoding="utf-8")
    else:
        target.mkdir(mode=0o700)
        if planted == "open":
            target.chmod(0o777)
        else:
            if os.geteuid() != 0:
                pytest.skip("only root can give a folder to another user")
            os.chown(target, 4242, 4242)
    with pytest.raises(UnsafeFolderError, match="compendium-0"):
        private_folder(target)
    if planted == "link":
        assert list((tmp_path / "elsewhere").iterdir()) == []


def test_the_folders_of_dead_runs_are_removed(tmp_path):
    root = tmp_path / f"compendium-{os.geteuid()}"
    root.mkdir(mode=0o700)
    dead, alive = root / "run-999999999", root / f"run-{os.getppid()}"
    for folder in (dead, alive):
        folder.mkdir(mode=0o700)
    mine = app_temp_dir(tmp_path)
    assert mine == root / f"run-{os.getpid()}" and mine.is_dir()
    assert not dead.exists() and alive.exists()


def test_only_regular_files_under_the_handouts_are_served(served, items_for_handout):
    app, client = served
    run = app_temp_dir()
    planted = run / "planted.txt"  # Gradio itself would serve this: it is in its temp folder
    planted.write_text("not the app's", encoding="utf-8")
    markdown, docx = ExportStore(app.handouts).export(items_for_handout, "s3cur1ty")
    link = markdown.parent / "passwd.md"
    link.symlink_to("/etc/passwd")
    assert client.get(f"/gradio_api/file={markdown}").text == markdown.read_text(encoding="utf-8")
    assert client.get(f"/gradio_api/file={docx}").status_code == 200
    try:
        for refused in (planted, link, markdown.parent, app.handouts, Path("/etc/passwd"), SEED):
            assert client.get(f"/gradio_api/file={refused}").status_code == 404, refused
        assert client.get(f"/gradio_api/file={markdown.parent}/../../../planted.txt").status_code == 404
    finally:
        planted.unlink()
        shutil.rmtree(markdown.parent)


@pytest.fixture
def items_for_handout(keyword_searcher):
    from compendium.handout import HandoutItem

    return [HandoutItem.from_chunk(keyword_searcher.chunks[0])]


def test_uploads_are_refused_and_write_nothing(served):
    _app, client = served
    run = app_temp_dir()
    before = sorted(run.rglob("*"))
    for path in ("/gradio_api/upload", "/upload", "/gradio_api/component_server"):
        response = client.post(path, files={"files": ("big.bin", b"x" * 100_000)})
        assert response.status_code == 404, path
    assert sorted(run.rglob("*")) == before


@pytest.mark.parametrize(
    "path",
    [
        "/monitoring",
        "/monitoring/summary",
        "/gradio_api/runs",
        "/gradio_api/run-history/records",
        "/gradio_api/openapi.json",
        "/gradio_api/upload_progress",
        "/gradio_api/vibe-code",
        "/gradio_api/queue/status",
        "/gradio_api/deep_link",
        "/gradio_api/dev/reload",
        "/gradio_api/mcp/schema",
        "/manifest.json",
        "/gradio_api/proxy=http://127.0.0.1:1/x",
        "/gradio_api/proxy=%00",
        "/gradio_api/proxy=http://127.0.0.1/%00",
        "/gradio_api/file=%00",
        "/gradio_api/file=/etc/passwd%00.md",
        "/file=/etc/passwd",
        "/gradio_api/file/etc/passwd",
    ],
)
def test_endpoints_the_app_does_not_need_are_off(served, path):
    _app, client = served
    assert client.get(path).status_code == 404


def test_private_events_are_reachable_neither_by_name_nor_by_direct_call(served):
    from gradio_client import Client

    app, client = served
    private = [fn for fn in app.demo.fns.values() if fn.api_visibility == "private" and fn.fn]
    assert private and all(fn.api_name != "search" for fn in private)
    for fn in private:
        body = {"data": ["familias"], "fn_index": fn._id, "session_hash": "abcdef123"}
        assert client.post(f"/gradio_api/call/{fn.api_name}", json={"data": ["x"]}).status_code == 404
        assert client.post(f"/gradio_api/run/{fn.api_name}", json=body).status_code == 404
    assert (
        client.post("/gradio_api/run/predict", json={"data": [], "fn_index": private[0]._id}).status_code
        == 404
    )
    python_client = Client(str(client.base_url) + "/", verbose=False)
    with pytest.raises(ValueError, match="Invalid function index"):
        python_client.predict("familias", fn_index=private[0]._id)


def test_the_public_api_still_answers_by_name(served):
    _app, client = served
    started = client.post("/gradio_api/call/search", json={"data": ["familias", 3, "", "", "", ""]})
    assert started.status_code == 200
    events = client.get(f"/gradio_api/call/search/{started.json()['event_id']}").text
    assert "event: complete" in events and "Plan Familia" in events


def test_request_bodies_are_bounded(served):
    _app, client = served
    huge = client.post(
        "/gradio_api/queue/join",
        content=b"{" + b" " * (MAX_REQUEST_BYTES + 1) + b"}",
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    unsized = client.post(
        "/gradio_api/queue/join", content=iter([b"{}"]), headers={"content-type": "application/json"}
    )
    assert unsized.status_code == 411


def test_the_route_policy_in_isolation(tmp_path):
    handouts = tmp_path / "handouts"
    handouts.mkdir()
    (handouts / "a.md").write_text("a", encoding="utf-8")
    policy = RoutePolicy(files=handouts, api_names=frozenset({"search"}))
    assert policy.refusal("GET", f"/gradio_api/file={handouts / 'a.md'}", {}) is None
    assert policy.refusal("GET", "/gradio_api/file=a.md", {}) == 404  # relative: to what?
    assert policy.refusal("POST", "/gradio_api/call/search", {"content-length": "10"}) is None
    assert policy.refusal("POST", "/gradio_api/call/search", {"content-length": "-1"}) == 400
    assert policy.refusal("DELETE", "/", {}) == 405


def test_a_planted_tmpdir_gradio_link_is_neither_served_nor_written_through(tmp_path):
    """The audit's attack, as it was run: ``$TMPDIR/gradio`` planted as a link before the app
    first starts (to a folder standing in for /etc), then ``TMPDIR=$D python app.py``."""
    tmpdir, victim = tmp_path / "tmp", tmp_path / "etc"
    tmpdir.mkdir()
    victim.mkdir()
    (victim / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    (tmpdir / "gradio").symlink_to(victim)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmpdir), "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    env.pop("GRADIO_TEMP_DIR", None)
    command = [sys.executable, str(REPO / "app.py"), "--port", str(port), "--corpus", str(corpus)]
    command += ["--index", str(tmp_path / "index"), "--model", "intfloat/multilingual-e5-small"]
    log = tmp_path / "app.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server, log)
        for path in (victim / "passwd", tmpdir / "gradio" / "passwd", Path("/etc/passwd")):
            assert httpx.get(f"{base}/gradio_api/file={path}").status_code == 404
        assert httpx.post(f"{base}/gradio_api/upload", files={"files": ("x", b"x")}).status_code == 404
        assert sorted(p.name for p in victim.iterdir()) == ["passwd"]
        run = tmpdir / f"compendium-{os.geteuid()}" / f"run-{server.pid}"
        assert run.is_dir() and _mode(run) == 0o700
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/config", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("the app did not start")


def test_the_app_will_not_start_on_a_planted_private_folder(tmp_path, monkeypatch, capsys):
    import tempfile

    import app

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / f"compendium-{os.geteuid()}").symlink_to(tmp_path / "elsewhere")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert app.main([*where, "--model", "intfloat/multilingual-e5-small"]) == 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if "cannot start" in line]
    assert f"compendium-{os.geteuid()} is not a folder" in line
    assert list((tmp_path / "elsewhere").iterdir()) == []
