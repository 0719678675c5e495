"""The class store (layers/state/classroom.py): classes that never cross, only their
presenter moves them, codes checked strictly, expiry, limits, a private folder, and two
processes writing at once (the replicas of `make serve-replicas`)."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from layers.state import classroom
from layers.state.classroom import ClassError, ClassState, ClassStore, Lead, clean_code

LESSON = "north-korea-in-syria"


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> ClassStore:
    return ClassStore(tmp_path / "classes", clock=clock)


def test_two_classes_never_cross(store: ClassStore) -> None:
    first = store.start(LESSON, 0)
    second = store.start("another-lesson", 3)
    assert first.code != second.code
    assert store.move(first, LESSON, 5)
    assert store.read(first.code) == ClassState(LESSON, 5)
    assert store.read(second.code) == ClassState("another-lesson", 3)
    # One presenter's key does not move the other class.
    assert not store.move(Lead(second.code, first.key), LESSON, 9)
    assert store.read(second.code) == ClassState("another-lesson", 3)
    store.end(Lead(second.code, first.key))  # not its presenter: nothing ends
    assert store.read(second.code) is not None
    store.end(second)
    assert store.read(second.code) is None
    assert store.read(first.code) == ClassState(LESSON, 5)


def test_codes_are_short_unguessable_and_from_the_alphabet(store: ClassStore) -> None:
    codes = {store.start(LESSON, 0).code for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == classroom.CODE_LENGTH and set(code) <= set(classroom.ALPHABET)
    assert not set(classroom.ALPHABET) & set("01ilo")  # nothing to misread aloud


@pytest.mark.parametrize(
    "raw",
    [
        None,
        12345,
        "",
        "abc",
        "abcdefghjk2",  # one too many
        "abcdefghj0",  # 0 is not in the alphabet
        "abcdefghj!",
        "abcde fghj",
        "' OR 1=1 --",
        "abcdefghjk" * 10,
        ["abcdefghjk"],
        "abcdefghjk\n",  # strip() forgives it; the code is still checked below
    ],
)
def test_bad_codes_are_refused_before_any_lookup(store: ClassStore, raw) -> None:
    code = clean_code(raw)
    if raw == "abcdefghjk\n":
        assert code == "abcdefghjk"
    else:
        assert code is None
    assert store.read(raw) is None
    assert not store.move(Lead(str(raw), "key"), LESSON, 1)


def test_a_code_is_read_whatever_its_case_and_spaces(store: ClassStore) -> None:
    lead = store.start(LESSON, 2)
    assert store.read(f"  {lead.code.upper()} ") == ClassState(LESSON, 2)


def test_only_a_lesson_id_and_a_step_are_shared(store: ClassStore) -> None:
    lead = store.start(LESSON, 0)
    for lesson, step in [
        ("<script>alert(1)</script>", 0),
        ("A free text from the presenter", 0),
        ("x" * 61, 0),
        (LESSON, -1),
        (LESSON, 1000),
        (LESSON, "3"),
        (LESSON, True),
    ]:
        with pytest.raises(ClassError):
            store.move(lead, lesson, step)
        with pytest.raises(ClassError):
            store.start(lesson, step)
    assert store.read(lead.code) == ClassState(LESSON, 0)


def test_a_class_expires_hours_after_its_last_move(store: ClassStore, clock: Clock) -> None:
    lead = store.start(LESSON, 0)
    clock.now += classroom.CLASS_HOURS * 3600 - 60
    assert store.move(lead, LESSON, 1)  # a move keeps it alive
    clock.now += classroom.CLASS_HOURS * 3600 - 60
    assert store.read(lead.code) == ClassState(LESSON, 1)
    clock.now += 120
    assert store.read(lead.code) is None
    assert not store.move(lead, LESSON, 2)
    assert store.count() == 0


def test_the_number_of_classes_is_bounded(tmp_path: Path, clock: Clock) -> None:
    store = ClassStore(tmp_path / "classes", clock=clock, max_classes=3)
    leads = [store.start(LESSON, 0) for _ in range(3)]
    with pytest.raises(ClassError, match="as many as it takes"):
        store.start(LESSON, 0)
    store.end(leads[0])
    store.start(LESSON, 0)  # room again
    # A full store makes room by ending the class idle longest, once it has idled a while.
    clock.now += classroom.IDLE_S + 1
    assert store.move(leads[2], LESSON, 1)  # still taught
    store.start(LESSON, 0)
    assert store.read(leads[1].code) is None and store.read(leads[2].code) is not None
    clock.now += classroom.CLASS_HOURS * 3600 + 1
    for _ in range(3):  # the expired ones are cleared to make room
        store.start(LESSON, 0)
    assert store.count() == 3


def test_the_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "classes"
    store = ClassStore(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) & 0o077 == 0
    folder.chmod(0o755)  # opened up by someone: narrowed again
    ClassStore(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(ClassError):
        ClassStore(link)
    with open(tmp_path / "file", "w"):
        pass
    with pytest.raises(ClassError):
        ClassStore(tmp_path / "file")


def test_the_folder_comes_from_the_environment(tmp_path: Path) -> None:
    assert classroom.default_dir({classroom.ENV: str(tmp_path)}) == tmp_path
    assert classroom.default_dir({"XDG_STATE_HOME": "/state"}) == Path(
        "/state/dprk-syria-atlas/classes"
    )
    # Never inside the repository (whose static/ folder the app serves).
    repo = Path(__file__).resolve().parents[2]
    assert repo not in classroom.default_dir({}).parents


def _mover(folder: str, code: str, key: str, lesson: str, moves: int, queue, barrier) -> None:
    store = ClassStore(folder)
    lead = Lead(code, key)
    barrier.wait(30)  # both processes start writing at the same moment
    mine = [store.start(lesson, 0) for _ in range(5)]
    for step in range(moves):
        assert store.move(lead, lesson, step % 900)
        for own in mine:
            assert store.move(own, lesson, step % 900)
    queue.put((lesson, [own.code for own in mine]))


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    """Two processes (as two replicas) move their own classes and start new ones at the
    same time: no write is lost, none waits out the lock, and the classes never cross."""
    folder = tmp_path / "classes"
    store = ClassStore(folder)
    leads = {"one": store.start(LESSON, 0), "two": store.start("other-lesson", 0)}
    context = multiprocessing.get_context("fork")  # two processes, as two replicas
    queue, barrier = context.Queue(), context.Barrier(2)
    workers = [
        context.Process(
            target=_mover, args=(str(folder), lead.code, lead.key, lesson, 60, queue, barrier)
        )
        for lesson, lead in ((LESSON, leads["one"]), ("other-lesson", leads["two"]))
    ]
    for worker in workers:
        worker.start()
    started = dict(queue.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert store.read(leads["one"].code) == ClassState(LESSON, 59)
    assert store.read(leads["two"].code) == ClassState("other-lesson", 59)
    codes = [code for batch in started.values() for code in batch]
    assert len(set(codes)) == 10
    for lesson, batch in started.items():  # each class on its own lesson, at the last move
        assert {store.read(code) for code in batch} == {ClassState(lesson, 59)}
    assert store.count() == 12
    with store._connect() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_every_replica_of_a_deployment_gets_the_same_store(tmp_path: Path) -> None:
    from deploy.replicas import Deployment

    chosen = Deployment(replicas=2, env={classroom.ENV: str(tmp_path / "shared")})
    default = Deployment(replicas=2, env={classroom.ENV: "", "XDG_STATE_HOME": str(tmp_path)})
    try:
        assert chosen.env[classroom.ENV] == str(tmp_path / "shared")
        assert default.env[classroom.ENV] == str(tmp_path / "dprk-syria-atlas" / "classes")
    finally:
        chosen.cleanup()
        default.cleanup()


def test_a_class_on_plain_session_mappings(tmp_path: Path, monkeypatch) -> None:
    """layers.state.follow without Streamlit: a presenter's steps reach the class, an
    audience joins and follows, repeated or unknown codes are refused in words, and the
    class ends with the presenter's lesson."""
    from layers.state import follow, keys
    from tests.factories import shipped_atlas, shipped_lessons

    monkeypatch.setenv(classroom.ENV, str(tmp_path / "classes"))
    atlas, lessons = shipped_atlas(), shipped_lessons()
    lesson = lessons[0]
    teacher: dict = {}
    follow.start_class(teacher, lesson, 0)
    lead = teacher[keys.CLASS_LEAD_KEY]
    teacher.update({keys.LESSON_KEY: lesson.id, keys.STEP_KEY: 4})
    follow.sync(teacher, atlas, lessons)
    assert follow.class_store().read(lead.code) == ClassState(lesson.id, 4)

    room: dict = {}
    assert "not valid" in follow.join(room, [lead.code, lead.code], atlas, lessons)[0]
    assert "not valid" in follow.join(room, "../../etc/passwd", atlas, lessons)[0]
    assert not follow.following(room)
    assert follow.join(room, [lead.code.upper()], atlas, lessons) == []
    assert (room[keys.LESSON_KEY], room[keys.STEP_KEY], room[keys.PROJECTOR_KEY]) == (
        lesson.id,
        4,
        True,
    )
    assert follow.query(room) == {"follow": lead.code}

    stray = follow.class_store().start("a-lesson-this-atlas-lacks", 0)
    notice = follow.join({}, stray.code, atlas, lessons)
    assert notice and f"No class with the code {stray.code}" in notice[0]

    teacher[keys.LESSON_KEY] = None  # the presenter leaves the lesson: the class ends
    follow.sync(teacher, atlas, lessons)
    assert keys.CLASS_LEAD_KEY not in teacher
    follow.sync(room, atlas, lessons)
    assert room.get(keys.FOLLOW_ENDED_KEY) == lead.code and not room.get(keys.FOLLOW_KEY)
    assert room[keys.STEP_KEY] == 4  # the last step stays on screen


def test_a_reloaded_presenter_takes_the_class_back(tmp_path: Path, monkeypatch) -> None:
    """The presenter's browser keeps CODE.KEY in a cookie; a new session of that browser on
    the class's lesson takes the class back, and nothing else does."""
    from layers.state import follow, keys
    from tests.factories import shipped_lessons

    monkeypatch.setenv(classroom.ENV, str(tmp_path / "classes"))
    lesson = shipped_lessons()[0]
    store = follow.class_store()
    lead = store.start(lesson.id, 2)
    cookie = f"{lead.code}.{lead.key}"
    assert follow.lead_from_cookie(cookie) == lead
    for bad in (None, "", lead.code, f"{lead.code}.short", f"{lead.code}.{lead.key}.x", "a" * 200):
        assert follow.lead_from_cookie(bad) is None
    assert store.owns(lead) and not store.owns(Lead(lead.code, "x" * 32))

    elsewhere: dict = {}  # another lesson: not taken
    follow.resume_class(elsewhere, lesson.model_copy(update={"id": "another"}), 0, cookie)
    assert keys.CLASS_LEAD_KEY not in elsewhere
    forged: dict = {}
    follow.resume_class(forged, lesson, 5, f"{lead.code}.{'y' * 32}")
    assert keys.CLASS_LEAD_KEY not in forged and store.read(lead.code).step == 2

    reloaded: dict = {}
    follow.resume_class(reloaded, lesson, 3, cookie)
    assert reloaded[keys.CLASS_LEAD_KEY] == lead and store.read(lead.code).step == 3
    follow.end_class(reloaded)
    assert store.read(lead.code) is None and reloaded[keys.CLASS_FORGET_COOKIE_KEY]
    again: dict = {}
    follow.resume_class(again, lesson, 3, cookie)  # an ended class is not taken back
    assert keys.CLASS_LEAD_KEY not in again
