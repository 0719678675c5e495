"""Command line: `python -m layers validate PATH...` and `python -m layers schema`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers.load import load_atlas, load_site_layer, read_json
from layers.problems import Problem, errors_only, summarise
from layers.schema import DatasetInfo, EventsFile, SiteFeature, SourcesFile


def _validate_path(path: Path) -> tuple[list[Problem], str]:
    if path.is_dir():
        atlas = load_atlas(path)
        counts = (
            f"{len(atlas.sites)} sites in {len(atlas.layers)} layers, "
            f"{len(atlas.events)} events, {len(atlas.sources)} sources"
        )
        return list(atlas.problems), counts
    if path.suffix in (".geojson", ".json") and path.name not in (
        "events.json",
        "sources.json",
        "dataset.json",
    ):
        layer, problems = load_site_layer(path, name=str(path))
        return problems, f"{len(layer.sites) if layer else 0} site(s)"
    models = {"events.json": EventsFile, "sources.json": SourcesFile, "dataset.json": DatasetInfo}
    document, problems = read_json(path, name=str(path))
    if document is not None and path.name in models:
        from pydantic import ValidationError

        from layers.problems import problems_from_validation

        try:
            models[path.name].model_validate(document)
        except ValidationError as exc:
            problems += problems_from_validation(exc, file=str(path), index=None, record_id=None)
    return problems, "1 file"


def validate(paths: list[Path]) -> int:
    all_problems: list[Problem] = []
    counts = []
    for path in paths:
        if not path.exists():
            all_problems.append(Problem(str(path), "does not exist"))
            continue
        problems, count = _validate_path(path)
        all_problems += problems
        counts.append(count)
    for problem in all_problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    failed = bool(errors_only(all_problems))
    print(
        f"{'INVALID' if failed else 'valid'}: {'; '.join(counts) or 'nothing read'} "
        f"({summarise(all_problems)})"
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check data files or folders against the schema")
    check.add_argument("paths", nargs="+", type=Path)
    commands.add_parser("schema", help="print the record schemas as JSON Schema")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.paths)
    schemas = {
        name: model.model_json_schema()
        for name, model in (
            ("site_feature", SiteFeature),
            ("events_file", EventsFile),
            ("sources_file", SourcesFile),
            ("dataset", DatasetInfo),
        )
    }
    print(json.dumps(schemas, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
