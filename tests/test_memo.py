"""The memo layer on its own (no site build): what it promises every stage that declares a task.

Each task below appends its input to a list, so a test sees exactly which calls ran and which were kept.
"""

from __future__ import annotations

import functools
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import digest.memo as memo_module
from digest.errors import DigestError, Problem
from digest.memo import Hashed, Memo, Output, fingerprint, fingerprints, hashed, task

ran: list[object] = []


@task("test-double")
def double(value: object) -> object:
    ran.append(value)
    return value * 2  # type: ignore[operator]


@task("test-shout")
def shout(text: str, mark: str) -> str:
    ran.append(("shout", text, mark))
    return text.upper() + mark


@task("test-length")
def length(value: object) -> int:
    ran.append(("length", value))
    return len(value)  # type: ignore[arg-type]


@task("test-closure", kept="process")
def closure(value: int) -> Callable[[], int]:
    ran.append(value)
    return lambda: value  # cannot be pickled: only this process may keep it


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


@task("test-slim", slim=_first_line)
def two_lines(value: str) -> str:
    ran.append(value)
    return f"{value}\nthe part not kept"


@task("test-where")
def where(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No call recorded and nothing remembered in this process from another test."""
    monkeypatch.setattr(memo_module, "_REMEMBERED", {})
    ran.clear()
    yield
    ran.clear()


RESET_INSIDE = [HealthCheck.function_scoped_fixture]  # property tests start each example with `new_process`


def new_process(path: Path | None = None) -> Memo:
    """A Memo as a new `digest build` process opens it: nothing remembered in memory."""
    memo_module._REMEMBERED.clear()
    return Memo(path)


def stored(path: Path) -> set[tuple[str, str]]:
    """What the SQLite file holds, read as another process would (committed rows only)."""
    with sqlite3.connect(path) as db:
        return set(db.execute("SELECT kind, name FROM results"))


def written(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT path, name FROM written"))


# --- a task runs once for the same inputs ------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, "三", (1, "a"), b"\x00\xff", ((), ("", None))])
def test_the_same_call_runs_once_in_a_process(value: object) -> None:
    memo = Memo()
    first = memo.call(double, value)
    assert memo.call(double, value) == first
    assert ran == [value]
    assert memo.ran == {"test-double": 1}


@pytest.mark.parametrize("same_process", [True, False], ids=["same process (serve)", "new process"])
def test_a_committed_result_is_kept_for_the_next_build(tmp_path: Path, same_process: bool) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    first = memo.call(shout, "fengqiao", "!")
    memo.commit()
    memo.close()
    again = Memo(path) if same_process else new_process(path)
    assert again.call(shout, "fengqiao", "!") == first
    assert again.call(shout, "fengqiao", "?").value == "FENGQIAO?"
    assert ran == [("shout", "fengqiao", "!"), ("shout", "fengqiao", "?")]
    assert again.ran == {"test-shout": 1}


@settings(max_examples=60, deadline=None, suppress_health_check=RESET_INSIDE)
@given(st.lists(st.integers(-5, 5) | st.text(max_size=3), max_size=12))
def test_a_map_runs_each_distinct_call_once_and_answers_every_call(values: list[object]) -> None:
    memo = new_process()
    ran.clear()
    results = memo.map(double, [(value,) for value in values])
    assert [result.value for result in results] == [value * 2 for value in values]  # type: ignore[operator]
    assert sorted(map(repr, ran)) == sorted({repr(value) for value in values})
    assert memo.map(double, [(value,) for value in values]) == results
    assert len(ran) == len({repr(value) for value in values})


# --- a changed input reruns exactly the calls that depend on it ---------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=RESET_INSIDE)
@given(
    st.lists(st.text(alphabet="派出所枫桥ab", min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
    st.data(),
)
def test_a_changed_input_reruns_exactly_its_dependents(texts: list[str], data: st.DataObject) -> None:
    """A two-stage pipeline, lengths from texts: editing some texts reruns both stages for those alone;
    editing the mark the second stage shares reruns the second stage for every text, the first for none."""
    memo = new_process()

    def run(texts: list[str], mark: str) -> list[str]:
        first = memo.map(shout, [(text, "") for text in texts])
        return [result.value for result in memo.map(shout, [(loud, mark) for loud in first])]

    run(texts, "!")
    edited = data.draw(st.sets(st.sampled_from(range(len(texts)))))
    changed = [f"{text}改" if index in edited else text for index, text in enumerate(texts)]
    ran.clear()
    assert run(changed, "!") == [f"{text.upper()}!" for text in changed]
    expected = [("shout", changed[i], "") for i in sorted(edited)]
    expected += [("shout", changed[i].upper(), "!") for i in sorted(edited)]
    assert ran == expected
    ran.clear()
    run(changed, "?")
    assert ran == [("shout", text.upper(), "?") for text in changed]


def test_hashed_inputs_are_keyed_by_digest_not_by_value() -> None:
    """A `Hashed` value stands for what it was made from: equal values made from different inputs are
    different calls (no value is hashed again), and the digest alone decides."""
    memo = Memo()
    same_value = [Hashed("abc", "made from one file"), Hashed("abc", "made from another")]
    assert [memo.call(length, value).value for value in same_value] == [3, 3]
    assert ran == [("length", "abc"), ("length", "abc")], "the task gets the plain value, once per digest"
    ran.clear()
    assert memo.call(length, Hashed("a different value", "made from one file")).value == 3
    assert ran == []
    assert hashed("abc").digest == fingerprint("abc") != hashed("abc", "a file").digest


def test_a_result_passed_on_carries_the_trace_that_made_it() -> None:
    memo = Memo()
    result = memo.call(shout, "a", "!")
    assert result.digest == fingerprint("test-shout", "a", "!")
    assert memo.call(length, result).digest == fingerprint("test-length", result)
    assert memo.call(length, result).digest != memo.call(length, result.value).digest


# --- the code is an input of every task ---------------------------------------------------------------------


def test_a_code_change_invalidates_every_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    memo.call(double, 21)
    memo.commit()
    memo.close()
    monkeypatch.setattr(memo_module, "code_version", lambda: "the next version of the code")
    assert new_process(path).call(double, 21).value == 42
    assert ran == [21, 21]


def _package(folder: Path) -> Path:
    shutil.copytree(Path(memo_module.__file__).parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.mark.parametrize(
    ("edit", "invalidates"),
    [
        ("slice/outline.py", True),
        ("site/kinds/home.py", True),
        ("new_stage.py", True),
        ("cli.py", False),  # runs the pipeline, computes none of its results
        ("normalize/data/transliteration.txt", False),  # data files are inputs the tasks declare
    ],
)
def test_the_code_version_follows_the_package_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, invalidates: bool
) -> None:
    package = _package(tmp_path / "digest")
    monkeypatch.setattr(memo_module, "__file__", str(package / "memo.py"))
    version = memo_module.code_version.__wrapped__  # the cached one stands for the installed package
    before = version()
    assert version() == before
    target = package / edit
    target.write_bytes((target.read_bytes() if target.exists() else b"") + b"\n# changed\n")
    assert (version() != before) is invalidates


# --- where results are kept ---------------------------------------------------------------------------------


def test_process_kept_results_never_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    assert memo.call(closure, 7).value() == 7
    assert memo.call(closure, 7).value() == 7
    memo.call(double, 7)
    memo.prune()
    memo.commit()
    memo.close()
    assert {kind for kind, _ in stored(path)} == {"test-double"}
    assert ran == [7, 7]  # the closure once, double once
    assert Memo(path).call(closure, 7).value() == 7  # the same process still has it
    assert new_process(path).call(closure, 7).value() == 7  # a new one makes it again
    assert ran == [7, 7, 7]


def test_slim_keeps_the_slim_value_and_the_caller_gets_all(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    assert memo.call(two_lines, "report").value == "report\nthe part not kept"
    assert memo.call(two_lines, "report").value == "report"
    memo.commit()
    memo.close()
    assert new_process(path).call(two_lines, "report").value == "report"
    assert ran == ["report"]


def test_a_parallel_map_gives_what_the_serial_one_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo_module.os, "cpu_count", lambda: 2)
    calls = [(value,) for value in range(12)]
    parallel = Memo(tmp_path / "parallel.sqlite").map(where, calls, parallel_from=1, chunk=3)
    serial = new_process(tmp_path / "serial.sqlite").map(where, calls)
    assert [(r.value[0], r.digest) for r in parallel] == [(r.value[0], r.digest) for r in serial]
    assert {r.value[1] for r in parallel} - {os.getpid()}, "computed in worker processes"
    assert {r.value[1] for r in serial} == {os.getpid()}


def test_a_parallel_map_of_a_few_new_calls_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo_module.os, "cpu_count", lambda: 2)
    memo = Memo()
    memo.map(where, [(value,) for value in range(5)])
    results = memo.map(where, [(value,) for value in range(6)], parallel_from=2)
    assert {r.value[1] for r in results} == {os.getpid()}, "one call to compute is under parallel_from"


def test_progress_counts_up_to_every_call() -> None:
    seen: list[tuple[int, int]] = []
    memo = Memo()
    memo.map(double, [(1,), (2,)])
    memo.map(double, [(value,) for value in range(1, 21)], lambda done, total: seen.append((done, total)), chunk=8)
    assert seen[0] == (2, 20) and seen[-1] == (20, 20)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


# --- outputs on disk ----------------------------------------------------------------------------------------


class Producer:
    """Page contents by path, counting what was produced."""

    def __init__(self) -> None:
        self.produced: list[str] = []

    def plan(self, made_from: dict[str, tuple[object, ...] | None]) -> dict[str, Output]:
        return {path: Output(parts, lambda path=path: self._produce(path)) for path, parts in made_from.items()}

    def _produce(self, path: str) -> str:
        self.produced.append(path)
        return f"page {path}"


def _build_outputs(path: Path, folder: Path, made_from: dict[str, tuple[object, ...] | None]) -> Producer:
    """One build's outputs: produce what must be, write it, commit."""
    producer = Producer()
    memo = Memo(path)
    files, current = memo.outputs(folder, producer.plan(made_from))
    assert set(files) | set(current) == set(made_from) and not set(files) & set(current)
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    memo.commit()
    memo.close()
    return producer


PLAN: dict[str, tuple[object, ...] | None] = {
    "index.md": ("home", 1),
    "reports/a.md": (Hashed(None, "report a"),),
    "reports/b.md": (Hashed(None, "report b"),),
}


@pytest.mark.parametrize("same_process", [True, False], ids=["same process", "new process"])
@pytest.mark.parametrize(
    ("change", "produced"),
    [
        ("nothing", []),
        ("remove reports/a.md", ["reports/a.md"]),
        ("reports/b.md made from report b2", ["reports/b.md"]),
        ("index.md made from one more part", ["index.md"]),
        ("index.md made from nothing declared", ["index.md"]),
        ("new page reports/c.md", ["reports/c.md"]),
    ],
)
def test_outputs_are_produced_again_when_gone_or_made_from_else(
    tmp_path: Path, change: str, produced: list[str], same_process: bool
) -> None:
    path, folder = tmp_path / "cache.sqlite", tmp_path / "pages"
    first = _build_outputs(path, folder, PLAN)
    assert sorted(first.produced) == sorted(PLAN)
    plan = dict(PLAN)
    if change == "remove reports/a.md":
        (folder / "reports" / "a.md").unlink()
    elif change == "reports/b.md made from report b2":
        plan["reports/b.md"] = (Hashed(None, "report b2"),)
    elif change == "index.md made from one more part":
        plan["index.md"] = ("home", 1, "glossary")
    elif change == "index.md made from nothing declared":
        plan["index.md"] = None
    elif change == "new page reports/c.md":
        plan["reports/c.md"] = ("c",)
    if not same_process:
        memo_module._REMEMBERED.clear()
    assert _build_outputs(path, folder, plan).produced == produced
    assert _build_outputs(path, folder, plan).produced == (["index.md"] if plan["index.md"] is None else [])


def test_outputs_are_recorded_per_folder(tmp_path: Path) -> None:
    """The same relative path in two folders is two outputs."""
    path = tmp_path / "cache.sqlite"
    _build_outputs(path, tmp_path / "pages", {"a.md": ("x",)})
    producer = Producer()
    memo = Memo(path)
    files, current = memo.outputs(tmp_path / "pages", producer.plan({"a.md": ("x",)}))
    other, _ = memo.outputs(tmp_path / "normalized", producer.plan({"a.md": ("x",)}))
    assert (list(files), current, list(other)) == ([], ["a.md"], ["a.md"])


@task("test-piece")
def piece(text: str) -> str:
    return f"<{text}>"


def _pieced_plan(memo: Memo, pages: int) -> dict[str, Output]:
    """Pages each made of three pieces that are memo results; the page says which process made it."""

    def produce(number: int) -> str:
        return "".join(memo.call(piece, f"p{number}-{part}").value for part in range(3)) + f" {os.getpid()}"

    return {f"p{number}.md": Output((number,), functools.partial(produce, number)) for number in range(pages)}


def test_outputs_produced_in_forked_workers_hand_their_results_back(tmp_path: Path) -> None:
    """With `parallel_from`, files are produced in forked workers: the same files, and the pieces the workers
    made are stored, counted and kept by pruning in the parent, as if it had made them; a piece a worker
    only looked up is kept too. The parent's open transaction survives the workers (they never close the
    connection they inherit)."""
    path = tmp_path / "cache.sqlite"
    earlier = Memo(path)
    earlier.call(piece, "p1-0")  # an earlier build's: only a worker asks for it
    earlier.commit()
    earlier.close()
    memo = Memo(path)
    memo.call(piece, "p0-0")  # made before the fork, not committed yet: a worker finds it in memory
    files, current = memo.outputs(tmp_path / "pages", _pieced_plan(memo, 12), parallel_from=4)
    assert current == [] and sorted(files) == sorted(f"p{n}.md" for n in range(12))
    assert str(os.getpid()) not in {data.decode().split()[-1] for data in files.values()}  # made in workers
    assert {path: data.decode().rsplit(" ", 1)[0] for path, data in files.items()} == {
        f"p{n}.md": "".join(f"<p{n}-{part}>" for part in range(3)) for n in range(12)
    }
    assert memo.ran[piece.name] == 1 + 12 * 3 - 2  # neither piece found in memory was made again
    memo.prune()
    memo.commit()
    memo.close()
    pieces = {f"p{n}-{part}" for n in range(12) for part in range(3)}
    assert {name for kind, name in stored(path) if kind == piece.name} == {fingerprint(piece.name, p) for p in pieces}
    memo_module._REMEMBERED.clear()
    again = Memo(path)
    assert [again.call(piece, p).value for p in sorted(pieces)] == [f"<{p}>" for p in sorted(pieces)]
    assert again.ran == {}
    again.close()


def test_an_error_in_a_forked_worker_reaches_the_build_whole(tmp_path: Path) -> None:
    """A template mistake met in a worker is the same one-line error as in one process."""

    def broken() -> str:
        raise DigestError(Problem("templates/page.md.j2", "template uses an undefined value: 'x'", line=3))

    memo = Memo(tmp_path / "cache.sqlite")
    plan = {**_pieced_plan(memo, 8), "p3.md": Output(None, broken)}
    with pytest.raises(DigestError) as raised:
        memo.outputs(tmp_path / "pages", plan, parallel_from=4)
    assert [str(problem) for problem in raised.value.problems] == [
        "templates/page.md.j2:3: error: template uses an undefined value: 'x'"
    ]
    memo.close()


def _large_page(number: int) -> str:
    return "字" * 2_000_000 + str(number)


def test_an_error_while_another_worker_sends_its_pages_ends_the_build(tmp_path: Path) -> None:
    """Pages of 6 MB, so that a worker is often still sending its pages when another worker's error reaches
    the build: the build must end with that error, every time. A `multiprocessing.Pool` killed its workers
    there, and one killed while sending held the results' lock: the build hung for ever (once in about 45
    tries here, and in a CI run on a template error), which the alarm turns into a failure."""

    def broken() -> str:
        raise DigestError(Problem("templates/page.md.j2", "template uses an undefined value: 'x'", line=3))

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the build hung after an error in a worker")

    memo = Memo(tmp_path / "cache.sqlite")
    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(300)
    try:
        for attempt in range(15):
            plan = {f"p{n}.md": Output(None, functools.partial(_large_page, n)) for n in range(40)}
            plan[f"p{5 + 2 * attempt}.md"] = Output(None, broken)
            with pytest.raises(DigestError):
                memo.outputs(tmp_path / "pages", plan, parallel_from=4)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    memo.close()


def test_outputs_below_parallel_from_are_produced_here(tmp_path: Path) -> None:
    memo = Memo(tmp_path / "cache.sqlite")
    files, _ = memo.outputs(tmp_path / "pages", _pieced_plan(memo, 3), parallel_from=4)
    assert {data.decode().split()[-1] for data in files.values()} == {str(os.getpid())}
    memo.close()


# --- the end of a build -------------------------------------------------------------------------------------


def test_a_build_that_fails_before_commit_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path, folder = tmp_path / "cache.sqlite", tmp_path / "pages"
    memo = Memo(path)
    memo.map(double, [(1,), (2,)])
    memo.prune()
    memo.commit()
    memo.close()
    _build_outputs(path, folder, {"a.md": ("a",)})
    results, outputs = stored(path), written(path)
    before = path.read_bytes()

    failing = Memo(path)
    with pytest.raises(RuntimeError):
        failing.call(double, 3)
        failing.outputs(folder, Producer().plan({"a.md": ("a2",), "b.md": ("b",)}))
        failing.prune()  # drops 1 and 2 (not asked for): only at commit would that count
        raise RuntimeError("a template fault, after everything was computed")
    failing.close()

    assert (stored(path), written(path)) == (results, outputs)
    assert path.read_bytes() == before
    ran.clear()
    again = new_process(path)
    again.map(double, [(1,), (2,), (3,)])
    assert ran == [3]


def test_prune_drops_what_this_build_did_not_ask_for_of_the_tasks_it_ran(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    memo.map(double, [(1,), (2,), (3,)])
    memo.call(shout, "a", "!")
    memo.call(closure, 1)
    memo.commit()
    memo.close()

    memo = Memo(path)
    memo.call(double, 1)
    memo.keep(double, [(3,)])  # used without being loaded: kept
    memo.prune()
    memo.commit()
    memo.close()
    assert stored(path) == {
        ("test-double", fingerprint("test-double", 1)),
        ("test-double", fingerprint("test-double", 3)),
        ("test-shout", fingerprint("test-shout", "a", "!")),  # not run by this build: left alone
    }
    ran.clear()
    memo = Memo(path)  # this process remembers what the store holds, and pruned it alike
    memo.map(double, [(1,), (2,), (3,)])
    memo.call(closure, 1)
    memo.close()
    assert ran == [2]  # 2 was dropped; the closure is kept (no build since ran it)


# --- a damaged store ----------------------------------------------------------------------------------------


def _realistic_store(path: Path) -> None:
    memo = Memo(path)
    memo.map(shout, [("x" * 3000, str(index)) for index in range(300)])  # several pages, overflow pages
    _ = memo.outputs(path.parent / "pages", Producer().plan({"a.md": ("a",)}))
    memo.commit()
    memo.close()


def _zero_the_middle(data: bytes) -> bytes:
    return data[:4096] + bytes(len(data) - 8192) + data[-4096:]


def _other_schema(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (kind TEXT, key TEXT)")
        db.execute("CREATE TABLE written (path TEXT)")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "not a database": lambda path: path.write_bytes(b"not a database" * 100),
    "empty file": lambda path: path.write_bytes(b""),
    "cut in half": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "header only": lambda path: path.write_bytes(path.read_bytes()[:100]),
    "pages zeroed": lambda path: path.write_bytes(_zero_the_middle(path.read_bytes())),
    "tables of another shape": _other_schema,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_store_is_discarded_not_an_error(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    path, folder = tmp_path / "cache.sqlite", tmp_path / "pages"
    _realistic_store(path)
    damage(path)
    ran.clear()
    memo = new_process(path)
    results = memo.map(shout, [("x" * 3000, str(index)) for index in range(300)])
    assert [r.value for r in results] == ["X" * 3000 + str(index) for index in range(300)]
    files, current = memo.outputs(folder, Producer().plan({"a.md": ("a",)}))
    assert [*files, *current] == ["a.md"]
    memo.prune()
    memo.commit()
    memo.close()
    assert len(ran) <= 300  # made again where lost, never an error
    ran.clear()
    new_process(path).map(shout, [("x" * 3000, str(index)) for index in range(300)])
    assert ran == [], "the store works again after one build"


def test_a_damaged_result_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    memo = Memo(path)
    memo.map(double, [(1,), (2,)])
    memo.commit()
    memo.close()
    with sqlite3.connect(path) as db:
        truncated = pickle.dumps(2 * 2)[:-2]
        db.execute("UPDATE results SET value = ? WHERE name = ?", (truncated, fingerprint("test-double", 2)))
    ran.clear()
    assert [r.value for r in new_process(path).map(double, [(1,), (2,)])] == [2, 4]
    assert ran == [2]


# --- keys ---------------------------------------------------------------------------------------------------

plain = st.recursive(
    st.integers() | st.text(max_size=6) | st.binary(max_size=6) | st.none(),
    lambda inner: st.tuples(inner, inner) | st.tuples(inner),
    max_leaves=6,
)


def _typed(part: object) -> tuple[str, str]:
    return type(part).__name__, repr(part)


@settings(max_examples=300, suppress_health_check=RESET_INSIDE)
@given(st.lists(plain, max_size=4), st.lists(plain, max_size=4))
def test_keys_are_equal_exactly_when_the_inputs_are(one: list[object], other: list[object]) -> None:
    """Parts are framed and typed: ("ab", "c") is not ("a", "bc"), "1" is not 1 nor b"1"."""
    same = [_typed(p) for p in one] == [_typed(p) for p in other]
    assert (fingerprint(*one) == fingerprint(*other)) is same


@settings(suppress_health_check=RESET_INSIDE)
@given(st.lists(plain, max_size=3), plain)
def test_shared_parts_hashed_once_give_the_same_key(shared: list[object], last: object) -> None:
    assert fingerprints(*shared)(last) == fingerprint(*shared, last)


SAMPLES = """
from digest.errors import DigestError, Problem
from digest.memo import Hashed
from digest.slice.themes import Theme
SAMPLES = [
    "枫桥经验", b"\\x00\\xff", 3, 2.5, None, (1, ("a", b"b")), {"zh-Hans": "派出所", "en": "police station"},
    Theme("station-reform", {"en": "Reform", "zh-Hans": "改革"}, "…", {"派出所": 1.0, "一室两队": 3.0}),
    Hashed(object(), "made from a file"),
]
"""


def test_keys_are_the_same_in_every_process() -> None:
    """A later build is a new process, with another hash seed: the kinds of input the tasks take (text,
    bytes, numbers, tuples, dicts, frozen dataclasses, `Hashed`) must key the same there."""
    program = SAMPLES + "from digest.memo import fingerprint\nprint([fingerprint(s) for s in SAMPLES])"
    namespace: dict[str, object] = {}
    exec(SAMPLES, namespace)
    here = [fingerprint(sample) for sample in namespace["SAMPLES"]]  # type: ignore[attr-defined]
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == repr(here)


def test_the_collector_pauses_or_runs_inside_and_is_as_before_afterwards() -> None:
    """`gc_paused`: the build pauses the cyclic collector; a full MkDocs run inside it runs it again
    (`paused=False`); each leaves it as it found it, also when the work inside fails."""
    import gc

    from digest.memo import gc_paused

    was = gc.isenabled()
    try:
        for outside in (True, False):
            (gc.enable if outside else gc.disable)()
            with gc_paused():
                assert not gc.isenabled()
                with gc_paused(paused=False):
                    assert gc.isenabled()
                assert not gc.isenabled()
                with pytest.raises(ValueError), gc_paused(paused=False):
                    raise ValueError
                assert not gc.isenabled()
            assert gc.isenabled() is outside
    finally:
        (gc.enable if was else gc.disable)()
