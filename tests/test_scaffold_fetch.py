"""The scheduled fetch workflow that 'sitegen new' writes, read as YAML."""

from __future__ import annotations

from pathlib import Path

import yaml

from sitegen.scaffold import create_project


def test_new_writes_a_scheduled_fetch_workflow(tmp_path: Path) -> None:
    written = create_project(tmp_path / "archive", None)
    file = tmp_path / "archive" / ".github" / "workflows" / "fetch.yml"
    assert file in written
    flow = yaml.safe_load(file.read_text())
    triggers = flow[True]  # PyYAML reads the bare key 'on' as a boolean
    assert triggers["schedule"] == [{"cron": "*/30 * * * *"}]
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["cancel-in-progress"] is False
    steps = flow["jobs"]["fetch"]["steps"]
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses") for step in steps if "uses" in step]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5",
                    "actions/configure-pages@v5", "actions/cache@v4",
                    "actions/upload-pages-artifact@v4"]
    order = [next(i for i, run in enumerate(runs) if needle in run)
             for needle in ("pip install -r requirements.txt", "sitegen fetch", "git add content",
                            "git push", "sitegen build --base-url")]
    assert order == sorted(order)  # install, fetch, commit, push, build: in that order
    commit = runs[order[2]]
    assert "git diff --cached --quiet" in commit  # no empty commits when nothing changed
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "fetch"
    assert deploy["steps"][-1]["uses"] == "actions/deploy-pages@v4"
