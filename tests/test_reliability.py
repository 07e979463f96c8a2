"""The reliability suite's short version (bench/reliability.py --quick --json), run once:
killed builds always leave a served index that loads and searches the same, no load during
swaps is torn, damaged indexes are refused, bad files get one clean line, and the running app
serves nothing outside its own files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def figures():
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "reliability.py"), "--quick", "--json", "--seed", "7"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(run.stdout)["parts"]
    except ValueError:
        pytest.fail(f"the suite printed no figures: {run.stderr[-2000:]}")


def test_every_killed_build_leaves_a_served_index_that_searches_the_same(figures):
    kills = figures["kills"]
    assert kills["survived"] == kills["rounds"] >= 5, kills["problems"]
    assert kills["killed"] >= 1
    assert kills["sigterm_clean_exits"] == kills["sigterm_kills"]
    assert kills["leftovers_after_next_build"] == 0


def test_no_load_during_swaps_is_torn(figures):
    swaps = figures["swaps"]
    assert swaps["torn"] == 0, swaps["problems"]
    assert swaps["loads"] >= 200 and swaps["generations_seen"] > 1


def test_damaged_index_files_and_pointers_are_refused(figures):
    corrupt = figures["corrupt"]
    assert corrupt["files_detected"] == corrupt["files_corruptions"] > 20, corrupt["problems"]
    assert corrupt["pointer_detected"] == corrupt["pointer_corruptions"] > 0, corrupt["problems"]


def test_no_corruption_survives(figures):
    corrupt = figures["corrupt"]
    assert corrupt["survived"] == 0 and corrupt["live_reload_switched"] == 0, corrupt["problems"]


def test_bad_files_get_one_clean_line_in_time(figures):
    files = figures["files"]
    assert files["clean_errors"] == files["refused"] > 0, files["problems"]
    # Each file keeps to its budget (10 s here): on a busy machine one may use all of it.
    assert files["longest_s"] <= files["budget_s"] + 2.0, files["problems"]
    assert files["unexpected"] == 0 and files["good_files_indexed"], files["problems"]


def test_the_app_serves_nothing_outside_its_own_files(figures):
    routes = figures["routes"]
    assert routes["outside"] == 0, routes["problems"]
    assert routes["routes"] > 100 and routes["own_file_served"] and routes["public_search_answers"]
