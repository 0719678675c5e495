"""One search over sites, events, entities and sources, matching any listed spelling.

Names of Syrian places come in many spellings (Al Kibar, al-Khibar, Dair Alzour; Barzeh,
Barzah; مصياف): text and query are folded the same way (case, accents, Arabic diacritics
and tatweel, hyphens, the article "al-"/"el-") and compared as plain strings, never as
patterns, so a hostile query is only ever text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from layers.data.model import Atlas
from layers.data.schema import Entity, Event, Source

MAX_QUERY = 300  # longer than any name or title; a longer query matches nothing
Kind = Literal["site", "entity", "event", "source"]
KIND_ORDER: dict[str, int] = {"site": 0, "entity": 1, "event": 2, "source": 3}
#: What a result is, in words (a result's label never shows a record's internal id).
KIND_WORDS: dict[str, str] = {
    "site": "Site",
    "entity": "Organisation, person or vessel",
    "event": "Event",
    "source": "Source",
}

_WORD = re.compile(r"\w+")
_ARTICLES = frozenset({"al", "el"})
_ARABIC_ARTICLE = "ال"
_ARABIC_FOLD = str.maketrans({"ى": "ي", "ة": "ه", "ـ": None})  # alif maqsura, ta marbuta, tatweel


class Match(IntEnum):
    """How a query met a text, best first."""

    EXACT = 0  # the whole text
    PREFIX = 1  # at the start of a word
    SUBSTRING = 2  # inside a word
    WORDS = 3  # every query word starts a word of the text, in any order
    SPACELESS = 4  # equal once spaces and hyphens are ignored ("Dair Al-zour", "AlKibar")


@dataclass(frozen=True)
class Hit:
    """One result: what it is, how to show it, and which sites to fly the map to."""

    kind: Kind
    id: str
    label: str
    field: str  # which field matched: "name", "alt name", "Arabic name", "title", …
    text: str  # the text of that field, as stored
    match: Match
    site_ids: tuple[str, ...] = ()  # a site: itself; an event: its sites; else via events

    @property
    def matched(self) -> str:
        """Where the query was found, in words; an internal id is not shown."""
        if self.field == "id":
            return "Matched the record's short identifier"
        return f"{self.field}: {self.text}"

    @property
    def title(self) -> str:
        """The result as a button shows it: what it is, then its label."""
        return f"{KIND_WORDS[self.kind]}: {self.label}"


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    id: str
    label: str
    field: str
    text: str
    rank: int  # 0 for names, titles and ids; 1 for longer text such as a summary
    site_ids: tuple[str, ...]
    folded: str
    words: tuple[str, ...]
    spaceless: str


def fold(text: str) -> str:
    """Lower-case words without accents, Arabic diacritics, tatweel or articles."""
    return " ".join(_words(text, drop_articles=True))


def _words(text: str, *, drop_articles: bool) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = unicodedata.normalize("NFC", bare).translate(_ARABIC_FOLD)
    words = [w.replace("_", "") for w in _WORD.findall(bare)]
    words = [w for w in words if w]
    if not drop_articles:
        return words
    kept = [_strip_arabic_article(w) for w in words if w not in _ARTICLES]
    return kept or words  # a query of only "al" still means something


def _strip_arabic_article(word: str) -> str:
    if word.startswith(_ARABIC_ARTICLE) and len(word) > len(_ARABIC_ARTICLE) + 1:
        return word[len(_ARABIC_ARTICLE) :]
    return word


def _entry(
    kind: Kind, record_id: str, label: str, field: str, text: str, rank: int, sites: tuple
) -> _Entry:
    words = tuple(_words(text, drop_articles=True))
    return _Entry(
        kind=kind,
        id=record_id,
        label=label,
        field=field,
        text=text,
        rank=rank,
        site_ids=sites,
        folded=" ".join(words),
        words=words,
        spaceless="".join(_words(text, drop_articles=False)),
    )


def build_index(atlas: Atlas) -> tuple[_Entry, ...]:
    """Every searchable field of every record, folded once."""
    entries: list[_Entry] = []
    for site in atlas.sites.values():
        p, sites = site.props, (site.id,)
        fields = [("name", p.name, 0), ("id", p.id, 0)]
        fields += [("short name", p.short_name, 0), ("Arabic name", p.name_ar, 0)]
        fields += [("alt name", name, 0) for name in p.alt_names]
        entries += [_entry("site", p.id, p.name, f, t, r, sites) for f, t, r in fields if t]
    for dated in atlas.events:
        event, sites = dated.event, tuple(dated.event.site_ids)
        label = f"{dated.when.label()} · {event.title}"
        fields = [("id", event.id, 0), ("title", event.title, 0), ("summary", event.summary, 1)]
        entries += [_entry("event", event.id, label, f, t, r, sites) for f, t, r in fields]
    for entity in atlas.entities.values():
        entries += _entity_entries(atlas, entity)
    for source in atlas.sources.values():
        entries += _source_entries(atlas, source)
    return tuple(entries)


def _entity_entries(atlas: Atlas, entity: Entity) -> list[_Entry]:
    sites = _sites_of(atlas, lambda e: entity.id in e.entity_ids)
    fields = [("name", entity.name), ("id", entity.id)]
    fields += [("Arabic name", entity.name_ar), ("Korean name", entity.name_ko)]
    fields += [("alt name", name) for name in entity.alt_names]
    return [_entry("entity", entity.id, entity.name, f, t, 0, sites) for f, t in fields if t]


def _source_entries(atlas: Atlas, source: Source) -> list[_Entry]:
    sites = _sites_of(atlas, lambda e: source.id in e.source_ids)
    label = f"{source.publisher}: {source.display_title}"
    fields = [("document number", source.document_number), ("id", source.id)]
    fields += [("publisher", source.publisher), ("title", source.title)]
    fields += [("description", source.description), ("author", source.author)]
    return [_entry("source", source.id, label, f, t, 0, sites) for f, t in fields if t]


def _sites_of(atlas: Atlas, names_it: Callable[[Event], bool]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for dated in atlas.events:
        if names_it(dated.event):
            found.update(dict.fromkeys(dated.event.site_ids))
    return tuple(found)


_last: tuple[Atlas, tuple[_Entry, ...]] | None = None


def _index_of(atlas: Atlas) -> tuple[_Entry, ...]:
    """The index of the atlas searched last (the app shares one atlas), else a new one."""
    global _last
    last = _last
    if last is None or last[0] is not atlas:
        last = (atlas, build_index(atlas))
        _last = last
    return last[1]


def _match(entry: _Entry, folded: str, words: list[str], spaceless: str) -> Match | None:
    if entry.folded == folded:
        return Match.EXACT
    if f" {folded}" in f" {entry.folded}":
        return Match.PREFIX
    if folded in entry.folded:
        return Match.SUBSTRING
    if all(any(w.startswith(q) for w in entry.words) for q in words):
        return Match.WORDS
    if len(spaceless) >= 3 and spaceless in entry.spaceless:
        return Match.SPACELESS
    return None


def search(atlas: Atlas, query: str, limit: int = 20) -> list[Hit]:
    """Records matching the query, best first: exact > word prefix > substring > looser.

    One hit per record (its best-matching field). An empty, over-long or punctuation-only
    query returns [].
    """
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY or limit < 1:
        return []
    words = _words(query, drop_articles=True)
    if not words:
        return []
    folded, spaceless = " ".join(words), "".join(_words(query, drop_articles=False))
    best: dict[tuple[str, str], tuple[tuple, Hit]] = {}
    for entry in _index_of(atlas):
        match = _match(entry, folded, words, spaceless)
        if match is None:
            continue
        key = (match, entry.rank, KIND_ORDER[entry.kind], entry.label.casefold(), entry.id)
        current = best.get((entry.kind, entry.id))
        if current is None or key < current[0]:
            hit = Hit(
                kind=entry.kind,
                id=entry.id,
                label=entry.label,
                field=entry.field,
                text=entry.text,
                match=match,
                site_ids=entry.site_ids,
            )
            best[(entry.kind, entry.id)] = (key, hit)
    return [hit for _, hit in sorted(best.values(), key=lambda pair: pair[0])][:limit]
