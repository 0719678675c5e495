"""Classes that follow a presenter: the shared store behind the "follow" link.

A presenter starts a class and gets a short code; every page opened with ``?follow=CODE``
(the projector, the students' devices) shows the step the presenter is on. Behind
``make serve-replicas`` the presenter and the audience may be served by different
processes, so the class lives in a small SQLite database (WAL mode) that every replica
opens: a real store, not process memory.

What a class shares is a lesson id (a slug from geodata/lessons/) and a step index, never
free text from the presenter. Only the presenter moves it: starting a class returns a
``Lead`` whose secret key the presenter's session keeps (the store holds its SHA-256);
the code alone only reads. Codes are 10 characters drawn with ``secrets`` from 31 letters
and digits that cannot be mistaken for one another (about 50 bits), checked strictly
before any lookup. A class expires ``CLASS_HOURS`` after its last move; at most
``MAX_CLASSES`` run at once (when they all do, a new class replaces one idle for
``IDLE_S``).

The folder comes from ``ATLAS_CLASS_DIR`` (default: ``$XDG_STATE_HOME/dprk-syria-atlas/
classes``, else ``~/.local/state/...``), outside anything the app serves. It is created
0700 and refused if someone else owns it or it is open to others. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ENV = "ATLAS_CLASS_DIR"
DB_NAME = "classes.sqlite3"
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read out or typed by hand
CODE_LENGTH = 10
CLASS_HOURS = 6.0
MAX_CLASSES = 200
IDLE_S = 1800.0  # a full store ends the class idle longest if it has been idle this long
MAX_STEP = 999
LESSON_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # the lessons' slug (layers.data.lessons)
MAX_LESSON_ID = 60
BUSY_TIMEOUT_S = 5.0
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY CHECK (length(code) = 10),
    key_hash TEXT NOT NULL CHECK (length(key_hash) = 64),
    lesson TEXT NOT NULL CHECK (length(lesson) <= 60),
    step INTEGER NOT NULL CHECK (step BETWEEN 0 AND 999),
    updated REAL NOT NULL
)
"""


class ClassError(Exception):
    """Why a class could not be started or moved, in words for the reader."""


@dataclass(frozen=True)
class ClassState:
    """What a class shares: the lesson and the step the presenter is on."""

    lesson: str
    step: int


@dataclass(frozen=True)
class Lead:
    """What the presenter's session keeps: the class's code and the key that moves it."""

    code: str
    key: str


def clean_code(raw: object) -> str | None:
    """The class code in ``raw`` (surrounding spaces and capitals forgiven), or None when it
    is not one: wrong type, length or characters. Nothing else reaches the database."""
    if not isinstance(raw, str) or len(raw) > 4 * CODE_LENGTH:
        return None
    code = raw.strip().lower()
    return code if _CODE.match(code) else None


def default_dir(env: Mapping[str, str] | None = None) -> Path:
    """The store's folder: ``ATLAS_CLASS_DIR``, else the user's state folder."""
    env = os.environ if env is None else env
    if env.get(ENV):
        return Path(env[ENV]).expanduser()
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "dprk-syria-atlas" / "classes"


def private_dir(path: Path) -> Path:
    """Create ``path`` 0700 (its parents as the umask says), or check that it is a real
    folder of this user's that nobody else can open; raises ClassError otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise ClassError("the class store's folder is not a folder")
    if info.st_uid != os.geteuid():
        raise ClassError("the class store's folder belongs to another user")
    if info.st_mode & 0o077:
        path.chmod(0o700)
    return path


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _checked(lesson: object, step: object) -> tuple[str, int]:
    if not isinstance(lesson, str) or len(lesson) > MAX_LESSON_ID or not LESSON_ID.match(lesson):
        raise ClassError("a class follows one of the atlas's lessons")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_STEP:
        raise ClassError("a class follows a step of its lesson")
    return lesson, step


class ClassStore:
    """The classes in one SQLite file. Each call opens its own connection, so one store
    serves every thread of a server, and every process that opens the same folder shares it."""

    def __init__(
        self,
        directory: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        hours: float = CLASS_HOURS,
        max_classes: int = MAX_CLASSES,
    ) -> None:
        self.directory = private_dir(Path(directory))
        self.path = self.directory / DB_NAME
        self.clock, self.lifetime, self.max_classes = clock, hours * 3600.0, max_classes
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            # WAL's NORMAL: no fsync per move (a crash may lose the last move, never the file).
            db.execute("PRAGMA synchronous=NORMAL")
            if write:
                db.execute("BEGIN IMMEDIATE")  # one writer at a time, waiting its turn
            yield db
            if write:
                db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def start(self, lesson: str, step: int) -> Lead:
        """Open a class on ``lesson`` at ``step``: its code, and the key that moves it."""
        lesson, step = _checked(lesson, step)
        now = self.clock()
        key = secrets.token_urlsafe(24)
        with self._connect(write=True) as db:
            db.execute("DELETE FROM classes WHERE updated < ?", (now - self.lifetime,))
            (count,) = db.execute("SELECT count(*) FROM classes").fetchone()
            if count >= self.max_classes:
                # Full: make room by ending the class idle longest, if it has been idle a
                # while (abandoned, or left open by a client starting classes to fill the
                # store; a class being taught moves every few minutes).
                count -= db.execute(
                    "DELETE FROM classes WHERE code = (SELECT code FROM classes "
                    "WHERE updated < ? ORDER BY updated LIMIT 1)",
                    (now - IDLE_S,),
                ).rowcount
            if count >= self.max_classes:
                raise ClassError(
                    f"this server is already running {count} classes, as many as it takes; "
                    "try again when one has ended"
                )
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                taken = db.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone()
                if not taken:
                    break
            db.execute(
                "INSERT INTO classes (code, key_hash, lesson, step, updated) VALUES (?,?,?,?,?)",
                (code, _hash(key), lesson, step, now),
            )
        return Lead(code, key)

    def move(self, lead: Lead, lesson: str, step: int) -> bool:
        """Put the class on ``lesson`` at ``step``; False when the class has ended or
        expired, or the key is not its presenter's (nothing changes then)."""
        lesson, step = _checked(lesson, step)
        code = clean_code(lead.code)
        if code is None:
            return False
        now = self.clock()
        with self._connect(write=True) as db:
            row = db.execute(
                "SELECT key_hash, updated FROM classes WHERE code = ?", (code,)
            ).fetchone()
            if row is None or row[1] < now - self.lifetime:
                return False
            if not hmac.compare_digest(row[0], _hash(lead.key)):
                return False
            db.execute(
                "UPDATE classes SET lesson = ?, step = ?, updated = ? WHERE code = ?",
                (lesson, step, now, code),
            )
        return True

    def owns(self, lead: Lead) -> bool:
        """Whether ``lead`` is the presenter's of a class still running (a reloaded
        presenter's page takes its class back with it)."""
        code = clean_code(lead.code)
        if code is None:
            return False
        with self._connect() as db:
            row = db.execute(
                "SELECT key_hash, updated FROM classes WHERE code = ?", (code,)
            ).fetchone()
        if row is None or row[1] < self.clock() - self.lifetime:
            return False
        return hmac.compare_digest(row[0], _hash(lead.key))

    def read(self, code: object) -> ClassState | None:
        """The class's lesson and step, or None for a bad, unknown, ended or expired code."""
        code = clean_code(code)
        if code is None:
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT lesson, step, updated FROM classes WHERE code = ?", (code,)
            ).fetchone()
        if row is None or row[2] < self.clock() - self.lifetime:
            return None
        return ClassState(row[0], row[1])

    def end(self, lead: Lead) -> None:
        """End the class (only its presenter can); its audience is told it has ended."""
        code = clean_code(lead.code)
        if code is None:
            return
        with self._connect(write=True) as db:
            row = db.execute("SELECT key_hash FROM classes WHERE code = ?", (code,)).fetchone()
            if row is not None and hmac.compare_digest(row[0], _hash(lead.key)):
                db.execute("DELETE FROM classes WHERE code = ?", (code,))

    def count(self) -> int:
        """Classes in the store that have not expired."""
        with self._connect() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM classes WHERE updated >= ?",
                (self.clock() - self.lifetime,),
            ).fetchone()
        return count
