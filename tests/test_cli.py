"""The CLI's contract: each command works, and every error is one line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aggregator.cli import main
from tests.support.cli import crawl_env, run_cli


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def one_error_line(result: Result, fragment: str) -> None:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_init_creates_then_finds_the_schema_up_to_date(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("init")
    assert first.exit_code == 0
    assert "created database" in first.output
    again = cli("init")
    assert again.exit_code == 0
    assert "up to date" in again.output


def test_commands_before_init_say_to_run_init(cli) -> None:  # type: ignore[no-untyped-def]
    one_error_line(cli("sources", "list"), "run `aggregator init`")


def test_sources_add_list_remove(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    added = cli("sources", "add", "https://www.theguardian.com/uk/rss", "--name", "Guardian")
    assert added.exit_code == 0
    one_error_line(cli("sources", "add", "https://www.theguardian.com/uk/rss"), "exists already")
    one_error_line(cli("sources", "add", "not-a-url"), "http(s) URL")
    listed = json.loads(cli("sources", "list", "--json").output)
    assert [(s["name"], s["health"], s["items"]) for s in listed] == [("Guardian", "never crawled", 0)]
    assert "Guardian" in cli("sources", "list").output
    assert cli("sources", "remove", "Guardian").exit_code == 0
    one_error_line(cli("sources", "remove", "Guardian"), "no source named 'Guardian'")


def test_sources_import_and_export_opml(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="IWA" xmlUrl="https://www.iwa.wales/feed/"/>'
        '<outline text="Involve" xmlUrl="https://involve.org.uk/feed"/></body></opml>'
    )
    result = cli("sources", "import", str(opml))
    assert "imported 2 sources" in result.output
    out = tmp_path / "out.opml"
    assert cli("sources", "export", "--output", str(out)).exit_code == 0
    assert b'xmlUrl="https://involve.org.uk/feed"' in out.read_bytes()
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>nope")
    one_error_line(cli("sources", "import", str(bad)), "not an OPML file")


def test_item_commands_report_unknown_ids_and_bad_values(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    one_error_line(cli("items", "approve", "999"), "no item with id 999")
    one_error_line(cli("items", "reject", "999"), "no item with id 999")
    one_error_line(cli("export", "--topic", "nope"), "no topic 'nope'")
    assert cli("items", "list", "--status", "maybe").exit_code == 2


def test_topics_add_and_list(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    added = cli(
        "topics", "add", "citizens-assemblies", "--name", "Citizens assemblies", "--include", "assembly,jury"
    )
    assert added.exit_code == 0
    listed = json.loads(cli("topics", "list", "--json").output)
    assert listed[0]["include"] == ["assembly", "jury"]
    assert listed[0]["languages"] == {}
    welsh = cli(
        "topics", "terms", "citizens-assemblies", "cy", "--include", "cynulliad dinasyddion,rheithgor"
    )
    assert welsh.exit_code == 0, welsh.output
    listed = json.loads(cli("topics", "list", "--json").output)
    assert listed[0]["languages"] == {
        "cy": {"include": ["cynulliad dinasyddion", "rheithgor"], "exclude": []}
    }
    assert "cy: cynulliad dinasyddion, rheithgor" in cli("topics", "list").output
    both = cli(
        "topics", "add", "juries", "--name", "Juries", "--include", "jury", "--include-in", "cy", "rheithgor"
    )
    assert both.exit_code == 0, both.output
    one_error_line(cli("topics", "terms", "juries", "Welsh", "--include", "x"), "language")
    one_error_line(cli("topics", "add", "Bad Slug", "--name", "x"), "slug")


def test_a_bad_setting_or_unreachable_database_is_one_line_in_a_real_process(tmp_path: Path) -> None:
    env = crawl_env(f"sqlite:///{tmp_path}/x.db", AGGREGATOR_FETCH_TIMEOUT="soon")
    done = run_cli("sources", "list", env=env)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: AGGREGATOR_FETCH_TIMEOUT='soon' is not a valid float"
    env = crawl_env("postgresql://nobody@127.0.0.1:1/none")
    done = run_cli("init", env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("error: database error: ")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
