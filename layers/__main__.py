"""Command line: `python -m layers validate PATH...`, `python -m layers schema` and
`python -m layers export --format geojson|csv|kml|html|png|svg|pdf [filters] -o FILE`
(a figure also takes `--size a4|letter|16:9`), and
`python -m layers export --format pptx|html --lesson LESSON_ID -o FILE` (a lesson as slides, or
as one offline HTML file that plays it)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import re
import sys
from pathlib import Path

from pydantic import ValidationError

from layers.data.changelog import CHANGELOG_FILE, Changelog, load_changelog
from layers.data.claims import ClaimsFile, load_claims
from layers.data.dates import parse_event_date
from layers.data.filters import Filters, filter_events
from layers.data.lessons import Lesson, load_lesson, load_lessons
from layers.data.load import display_name, load_atlas, load_site_layer, read_json
from layers.data.problems import Problem, errors_only, problems_from_validation
from layers.data.schema import (
    DatasetInfo,
    EntitiesFile,
    EventsFile,
    Grade,
    LinkType,
    SiteFeature,
    SourcesFile,
)
from layers.data.validate import publication_problems, source_coverage

_RECORD_FILES = {
    "events.json": EventsFile,
    "sources.json": SourcesFile,
    "dataset.json": DatasetInfo,
    "entities.json": EntitiesFile,
    "claims.json": ClaimsFile,
    CHANGELOG_FILE: Changelog,
}


def _validate_path(path: Path) -> tuple[list[Problem], str]:
    """Problems in a data folder (every file and every cross-reference) or in one file."""
    if path.is_dir():
        atlas = load_atlas(path)
        lessons, lesson_problems = load_lessons(path, atlas)
        claims = load_claims(atlas, path) if (path / "claims.json").exists() else None
        counts = (
            f"{_count(len(atlas.sites), 'site')} in {_count(len(atlas.layers), 'layer')}, "
            f"{_count(len(atlas.events), 'event')}, {_count(len(atlas.sources), 'source')}, "
            f"{_count(len(atlas.entities), 'entity', 'entities')}, "
            f"{_count(len(lessons), 'lesson')} and "
            f"{_count(len(claims.claims) if claims else 0, 'claim')}"
        )
        claim_problems = list(claims.problems) if claims else []
        _, changelog_problems = load_changelog(path, atlas.info.version)
        published = publication_problems(
            atlas,
            sources_file=display_name(path / "sources.json", path),
            events_file=display_name(path / "events.json", path),
        )
        coverage = source_coverage(atlas.sources.values()).sentence()
        problems = [*atlas.problems, *lesson_problems, *claim_problems, *changelog_problems]
        return [*problems, *published], f"{counts}; {coverage}"
    if path.suffix in (".yaml", ".yml"):
        root = path.parent.parent  # <data folder>/lessons/<lesson>.yaml
        lesson, problems = load_lesson(path, load_atlas(root), label=str(path))
        steps = _count(len(lesson.steps) if lesson else 0, "lesson step")
        return problems, f"{steps} in {path.name}"
    if path.name in _RECORD_FILES:
        document, problems = read_json(path, name=str(path))
        if document is not None:
            try:
                _RECORD_FILES[path.name].model_validate(document)
            except ValidationError as exc:
                problems += problems_from_validation(
                    exc, file=str(path), index=None, record_id=None
                )
        return problems, f"the records of {path.name}"
    layer, problems = load_site_layer(path, name=str(path))
    return problems, f"{_count(len(layer.sites) if layer else 0, 'site')} in {path.name}"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """A count in words (no sites, 1 site, 7 sites): the summary is read as a sentence."""
    return f"{number or 'no'} {noun if number == 1 else plural or noun + 's'}"


def _problem_count(problems: list[Problem]) -> str:
    """The summary's closing sentence, e.g. Found no errors and 8 warnings."""
    errors = len(errors_only(problems))
    return f"Found {_count(errors, 'error')} and {_count(len(problems) - errors, 'warning')}."


def validate(paths: list[Path]) -> int:
    """One line per problem on stderr, then one summary sentence; exit 1 on any error."""
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
        f"{'INVALID' if failed else 'valid'}: {'; '.join(counts) or 'nothing read'}. "
        f"{_problem_count(all_problems)}"
    )
    return 1 if failed else 0


_DAY_TEXT = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _bound(last: bool):
    """An argparse type: YEAR, YEAR-MM or YEAR-MM-DD as its first (or last) day."""

    def parse(text: str) -> dt.date:
        when = None
        if _DAY_TEXT.fullmatch(text.strip()):
            with contextlib.suppress(ValueError):  # 2017-02-30, 2017-13
                when = parse_event_date(text.strip())
        if when is None:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a year or a date (examples: 2020, 2017-03, 2017-03-05)"
            )
        return (when.end or when.start) if last else when.start

    parse.__name__ = "date"  # argparse names the type in its messages
    return parse


#: The export formats (layers.export.FORMATS has their suffixes and MIME types; a test keeps
#: the two in step). Named here so that `validate` need not import the export code.
EXPORT_FORMATS = ("geojson", "csv", "kml", "html", "png", "svg", "pdf", "pptx")
FIGURE_FORMATS = ("png", "svg", "pdf")
FIGURE_SIZES = ("a4", "letter", "16:9")
LESSON_FORMATS = ("pptx", "html")  # with --lesson: slides, or the lesson's offline page


def _add_export_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    out = commands.add_parser(
        "export",
        help="write the filtered events as GeoJSON, CSV, KML or one offline HTML file, a "
        "figure of the map (PNG, SVG, PDF), or a lesson as slides (PPTX)",
        description="Export the events that match the filters, with their provenance. "
        "List options take one or more values and may repeat.",
    )
    links, grades = [v.value for v in LinkType], [v.value for v in Grade]
    out.add_argument("--format", required=True, choices=list(EXPORT_FORMATS))
    out.add_argument(
        "--from", dest="first", type=_bound(last=False), metavar="YEAR-or-DATE",
        help="events that may fall on or after this year, month or day",
    )  # fmt: skip
    out.add_argument(
        "--to", dest="last", type=_bound(last=True), metavar="YEAR-or-DATE",
        help="events that may fall on or before this year, month or day",
    )  # fmt: skip
    out.add_argument(
        "--link-type", dest="links", nargs="+", action="extend", choices=links, metavar="TYPE",
        help="North Korean link: " + ", ".join(links),
    )  # fmt: skip
    out.add_argument(
        "--grade", dest="grades", nargs="+", action="extend", choices=grades, metavar="GRADE",
        help="evidence grade: " + ", ".join(grades) + " (of the North Korean link unless "
        "--grade-of event)",
    )  # fmt: skip
    out.add_argument(
        "--grade-of", dest="grade_basis", choices=["link", "event"], default="link",
        help="which grade --grade reads: the North Korean link's (default) or the event's own",
    )  # fmt: skip
    out.add_argument(
        "--site", dest="sites", nargs="+", action="extend", metavar="SITE_ID",
        help="events at these sites (S1, S2, ...); Syria-wide events are then left out",
    )  # fmt: skip
    out.add_argument(
        "--size", choices=FIGURE_SIZES,
        help="a figure's page (png, svg, pdf): A4 or Letter landscape, or a 16:9 slide "
        "(default a4)",
    )  # fmt: skip
    out.add_argument(
        "--lesson", metavar="LESSON_ID",
        help="with --format pptx: the lesson as slides; with --format html: the lesson as one "
        "offline page that plays it (its steps set the filters)",
    )  # fmt: skip
    out.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE",
        help="the file to write (never inside the data folder)",
    )  # fmt: skip
    return out


def run_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Check the arguments against the data (exit 2 via parser.error), then write."""
    # Here, not at the top: the exports draw the map with folium, which validate never needs.
    from layers.export import ExportPathError, export, refuse_data_dir

    try:
        refuse_data_dir(args.output)
    except ExportPathError as exc:
        parser.error(str(exc))
    if args.output.is_dir() or not args.output.parent.is_dir():
        parser.error(f"-o {args.output}: not a file in an existing folder")
    if args.first and args.last and args.first > args.last:
        parser.error(f"--from {args.first} is after --to {args.last}")
    if args.size and args.format not in FIGURE_FORMATS:
        parser.error(f"--size applies to the figure formats ({', '.join(FIGURE_FORMATS)})")
    if (args.format == "pptx" and not args.lesson) or (
        args.lesson and args.format not in LESSON_FORMATS
    ):
        parser.error(
            "--format pptx needs --lesson LESSON_ID, and --lesson needs --format pptx or html"
        )
    filtered = args.first or args.last or args.links or args.grades or args.sites
    if args.lesson and filtered:
        parser.error(
            f"--format {args.format} --lesson takes no filters: each step of the lesson sets "
            "its own"
        )
    atlas = load_atlas()
    for problem in atlas.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    unknown = sorted(set(args.sites or ()) - set(atlas.sites))
    if unknown:
        parser.error(
            f"--site: unknown site id(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(atlas.sites))}"
        )
    if args.lesson:
        return _export_lesson(atlas, args, parser)
    defaults = Filters()
    first, last = args.first, args.last
    filters = Filters(
        first_year=first.year if first else defaults.first_year,
        last_year=last.year if last else None,
        first_day=first,
        last_day=last,
        link_types=frozenset(map(LinkType, args.links)) if args.links else defaults.link_types,
        grades=frozenset(map(Grade, args.grades)) if args.grades else defaults.grades,
        grade_basis=args.grade_basis,
        site_ids=frozenset(args.sites) if args.sites else None,
    )
    try:
        export(atlas, filters, args.format, args.output, size=args.size or "a4")
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    count = len(filter_events(atlas, filters))
    print(f"wrote {count} event(s) as {args.format} to {args.output}")
    return 0


def _export_lesson(atlas, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Write a lesson's slides (pptx) or its offline page (html); an unknown or invalid lesson
    is named, with the known ones."""
    from layers.data.load import data_dir

    lessons, problems = load_lessons(data_dir(), atlas)
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    lesson = next((item for item in lessons if item.id == args.lesson), None)
    if lesson is None:
        known = ", ".join(item.id for item in lessons) or "none"
        parser.error(f"--lesson: no valid lesson {args.lesson!r}; known: {known}")
    if args.format == "pptx":
        from layers.export.slides import lesson_slides

        data, kind = lesson_slides(atlas, lesson), "slides"
    else:
        from layers.export.lesson_bundle import lesson_html

        data, kind = lesson_html(atlas, lesson), "one offline HTML page"
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(lesson.steps)} step(s) of {lesson.id} as {kind} to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check data files or folders against the schema")
    check.add_argument("paths", nargs="+", type=Path)
    commands.add_parser("schema", help="print the record schemas as JSON Schema")
    export_parser = _add_export_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.paths)
    if args.command == "export":
        return run_export(args, export_parser)
    schemas = {
        name: model.model_json_schema()
        for name, model in (
            ("site_feature", SiteFeature),
            ("events_file", EventsFile),
            ("sources_file", SourcesFile),
            ("dataset", DatasetInfo),
            ("entities_file", EntitiesFile),
            ("claims_file", ClaimsFile),
            ("lesson", Lesson),
        )
    }
    print(json.dumps(schemas, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
