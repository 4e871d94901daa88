"""The build daemon: started on demand, private to its user, never stale, never in the way.

Every test runs the real command line in subprocesses with the daemon turned on in a folder
of its own, and stops every daemon it started (a finalizer, whatever happens)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from casepub.daemon import client
from casepub.daemon.identity import Place, current_identity, disabled_reason
from tests.conftest import CASES, REPO, Result

PACKAGE_FILE = REPO / "casepub" / "daemon" / "__init__.py"


class Daemons:
    """The environment of a test with the daemon on, in a short private temporary folder
    (a Unix socket's path must stay under 108 bytes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "CASEPUB_DAEMON_IDLE")}
        self.env = {**env, "CASEPUB_DAEMON": "1", "CASEPUB_DAEMON_DIR": str(folder)}

    def run(self, *args: str | Path, env: Mapping[str, str] | None = None) -> Result:
        process = subprocess.run(
            [sys.executable, "-m", "casepub", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=dict(env or self.env),
            check=False,
        )
        return Result(process.returncode, process.stdout, process.stderr)

    @property
    def place(self) -> Place:
        found = client.current_place(self.env)
        assert found is not None
        return found[1]

    def status(self) -> dict[str, object] | None:
        return client.ask(self.place, "status")

    def wait_up(self) -> dict[str, object]:
        status = client.wait_until_up(self.place)
        assert status is not None, self.log()
        return status

    def log(self) -> str:
        return "\n".join(p.read_text() for p in self.folder.glob("*.log"))

    def started_pids(self) -> set[int]:
        return {int(pid) for pid in re.findall(r"casepub daemon (\d+):", self.log())}

    def stop_all(self) -> None:
        """Stop every daemon this test started: politely, then by its pid."""
        for place in client.places(self.env):
            client.ask(place, "stop")
        for pid in self.started_pids():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue


@pytest.fixture
def daemons() -> Iterator[Daemons]:
    folder = Path(tempfile.mkdtemp(prefix="cpd-", dir="/tmp"))
    found = Daemons(folder / "d")
    try:
        yield found
    finally:
        found.stop_all()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in found.started_pids()):
            time.sleep(0.05)
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie of ours is not alive
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_served_builds_equal_in_process_builds_after_every_kind_of_edit(
    daemons: Daemons, tmp_path: Path
) -> None:
    case = tmp_path / "pnet-tace"
    shutil.copytree(CASES / "pnet-tace", case)
    journal = tmp_path / "my-journal"
    shutil.copytree(REPO / "templates" / "journals" / "preprint", journal)
    section = sorted((case / "sections").glob("*.ru.md"))[0]
    word = next(w for w in section.read_text(encoding="utf-8").split() if len(w) > 6)
    front = REPO / "templates" / "base" / "partials" / "front.md.j2"
    override = journal / "partials" / "front.md.j2"

    def add_override() -> None:
        override.parent.mkdir()
        override.write_text(front.read_text() + "\nA note of the journal.\n", encoding="utf-8")

    edits = [
        ("a section", lambda: _replace(section, word, "слово")),
        (
            "case.yaml",
            lambda: _replace(case / "case.yaml", "Длительный контроль", "Долгий контроль"),
        ),
        ("references.bib", lambda: _replace(case / "references.bib", "incidence", "occurrence")),
        ("a data CSV", lambda: _replace(case / "labs.csv", ";АЛТ;208;", ";АЛТ;209;")),
        ("profile.yaml", lambda: _replace(journal / "profile.yaml", "columns: 1", "columns: 2")),
        ("a new template in the profile", add_override),
        ("that template", lambda: _replace(override, "A note of", "A remark of")),
    ]
    options = ["--format", "pdf,html,latex", "--journal", str(journal)]
    first = daemons.run("build", case, *options, "--out", tmp_path / "served")
    assert first.code == 0, first.stderr
    assert daemons.wait_up()["builds"] == 0  # started by that build, after it
    for served, (what, edit) in enumerate(edits, start=1):
        edit()
        via_daemon = daemons.run("build", case, *options, "--out", tmp_path / "served")
        assert via_daemon.code == 0, (what, via_daemon.stderr)
        status = daemons.status()
        assert status is not None and status["builds"] == served, (what, status)
        reference = daemons.run(
            "build", case, *options, "--out", tmp_path / "here", "--no-daemon", env=daemons.env
        )
        assert reference.code == 0, reference.stderr
        assert via_daemon.stdout.replace("/served/", "/here/") == reference.stdout, what
        assert via_daemon.stderr.replace("/served/", "/here/") == reference.stderr, what
        assert _outputs(tmp_path / "served") == _outputs(tmp_path / "here"), what
    typ = next((tmp_path / "served" / "pnet-tace").glob("*.typ")).read_text(encoding="utf-8")
    assert "cp-two-columns" in typ
    markdown = next((tmp_path / "served" / "pnet-tace").glob("*.md")).read_text(encoding="utf-8")
    assert "A remark of the journal." in markdown and "A note of" not in markdown


def test_a_changed_casepub_is_never_served_by_the_old_daemon(daemons: Daemons) -> None:
    started = daemons.run("daemon", "start")
    assert started.code == 0, started.stderr
    old = daemons.wait_up()
    times = PACKAGE_FILE.stat()
    try:
        os.utime(PACKAGE_FILE, ns=(times.st_atime_ns, times.st_mtime_ns + 1_000_000_000))
        assert client.current_place(daemons.env) is not None
        with tempfile.TemporaryDirectory() as out:
            built = daemons.run("build", CASES / "minimal", "--format", "html", "--out", out)
            assert built.code == 0, built.stderr
            assert (Path(out) / "minimal" / "minimal.en.html").is_file()
        deadline = time.monotonic() + 30  # it refused the build and left; a new one comes
        while (new := daemons.status()) is None or new["pid"] == old["pid"]:
            assert time.monotonic() < deadline, daemons.log()
            time.sleep(0.05)
        assert not _alive(int(str(old["pid"]))) and new["builds"] == 0
        assert new["code"] == current_identity(daemons.env).code != old["code"]
    finally:
        os.utime(PACKAGE_FILE, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_a_stale_socket_file_is_removed_and_the_build_runs_here(
    daemons: Daemons, tmp_path: Path
) -> None:
    place = daemons.place
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(place.socket))
    dead.close()  # the file stays, nobody listens: a killed daemon's
    built = daemons.run("build", CASES / "minimal", "--format", "html", "--out", tmp_path)
    assert built.code == 0, built.stderr
    assert built.stdout.strip().endswith("minimal.en.html")
    assert daemons.wait_up()["builds"] == 0


def test_the_daemon_is_private_to_its_user(daemons: Daemons) -> None:
    assert daemons.run("daemon", "start").code == 0
    place = daemons.place
    assert stat.S_IMODE(place.socket.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(place.socket.stat().st_mode) == 0o600
    other_python = Path("/usr/bin/python3")  # one user 65534 may run (not under /root)
    if os.getuid() != 0 or not other_python.exists():
        return  # only root can be another user to test the peer check itself
    for folder in (place.socket.parent.parent, place.socket.parent):
        os.chmod(folder, 0o711)  # let the other user reach the socket: only SO_PEERCRED stops it
    os.chmod(place.socket, 0o666)
    probe = (  # connect and wait: the daemon answers another user before reading anything
        "import socket, struct, sys\n"
        "c = socket.socket(socket.AF_UNIX); c.settimeout(5); c.connect(sys.argv[1])\n"
        "kind, size = struct.unpack('>cI', c.recv(5)); print(kind.decode(), c.recv(size).decode())"
    )
    nobody = subprocess.run(
        [str(other_python), "-S", "-c", probe, str(place.socket)],
        capture_output=True,
        text=True,
        user=65534,
        cwd="/",
        check=False,
    )
    os.chmod(place.socket.parent, 0o700)
    assert nobody.returncode == 0, nobody.stderr
    kind, answer = nobody.stdout.split(" ", 1)
    assert kind == "r" and json.loads(answer) == {"reason": "user"}
    assert "refused a client of user 65534" in daemons.log()


def test_idle_daemon_exits_and_removes_its_socket(daemons: Daemons) -> None:
    env = {**daemons.env, "CASEPUB_DAEMON_IDLE": "1"}
    assert daemons.run("daemon", "start", env=env).code == 0
    assert client.wait_until_gone(daemons.place, seconds=15)
    assert not daemons.place.socket.exists()
    assert "exiting: idle for 1 s" in daemons.log()


def test_daemon_status_start_stop(daemons: Daemons) -> None:
    none = daemons.run("daemon", "status")
    assert none.code == 1 and "no build daemon is running" in none.stderr
    started = daemons.run("daemon", "start")
    assert started.code == 0, started.stderr
    shown = daemons.run("daemon", "status")
    assert shown.code == 0
    fields = dict(line.split(None, 1) for line in shown.stdout.splitlines())
    assert set(fields) == {"pid", "socket", "log", "uptime", "builds", "memory", "identity"}
    assert 30 < float(fields["memory"].split()[0]) < 1000
    assert fields["socket"] == str(daemons.place.socket) and fields["builds"] == "0"
    assert current_identity(daemons.env).code in fields["identity"]
    assert "(current;" in fields["identity"]
    again = daemons.run("daemon", "start")  # one daemon per identity
    assert again.stdout.splitlines()[0] == f"pid       {fields['pid']}"
    stopped = daemons.run("daemon", "stop")
    assert stopped.code == 0 and fields["pid"] in stopped.stdout
    assert daemons.run("daemon", "status").code == 1
    deadline = time.monotonic() + 5
    while _alive(int(fields["pid"])):
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("variable", "flag"),
    [({"CI": "true"}, []), ({"CASEPUB_DAEMON": "0"}, []), ({}, ["--no-daemon"])],
    ids=["CI", "CASEPUB_DAEMON=0", "--no-daemon"],
)
def test_never_started_when_turned_off(
    daemons: Daemons, tmp_path: Path, variable: dict[str, str], flag: list[str]
) -> None:
    env = {**daemons.env, **variable}
    if "CI" in variable:
        env.pop("CASEPUB_DAEMON")
    built = daemons.run(
        "build", CASES / "minimal", "--format", "html", "--out", tmp_path, *flag, env=env
    )
    assert built.code == 0, built.stderr
    time.sleep(1.0)  # time enough for a daemon to have been started
    assert not list(daemons.folder.glob("*.sock")) and not daemons.log()


def test_ctrl_c_in_the_client_stops_the_served_build_not_the_daemon(
    daemons: Daemons, tmp_path: Path
) -> None:
    assert daemons.run("daemon", "start").code == 0
    command = [sys.executable, "-m", "casepub", "build", str(CASES / "pnet-tace")]
    process = subprocess.Popen(
        [*command, "--format", "pdf,docx", "--out", str(tmp_path)],
        env=daemons.env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "cancel" not in daemons.log():
        if client.ask(daemons.place, "status", timeout=0.3) is None:  # busy: it took the build
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.02)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    status = client.wait_until_up(daemons.place)
    assert status is not None and status["builds"] == 1
    assert "interrupting the build" in daemons.log()
    built = daemons.run("build", CASES / "minimal", "--format", "html", "--out", tmp_path)
    assert built.code == 0, built.stderr


def test_the_client_imports_nothing_heavy() -> None:
    found = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import casepub.cli, casepub.daemon.client"],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = {line.split("|")[-1].strip().split(".")[0] for line in found.stderr.splitlines()}
    assert "casepub" in modules
    assert not modules & {"pydantic", "yaml", "jinja2", "matplotlib", "subprocess", "typst"}
    assert struct.calcsize(">cI") == 5


def test_a_busy_daemon_is_not_waited_for(daemons: Daemons, tmp_path: Path) -> None:
    assert daemons.run("daemon", "start").code == 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hog:
        hog.connect(str(daemons.place.socket))  # says nothing: the daemon waits on it
        started = time.monotonic()
        built = daemons.run("build", CASES / "minimal", "--format", "html", "--out", tmp_path)
        assert built.code == 0, built.stderr
        assert time.monotonic() - started < 4.5  # not held until the daemon gives up on it
    assert (tmp_path / "minimal" / "minimal.en.html").is_file()
    status = client.wait_until_up(daemons.place)
    assert status is not None and status["builds"] == 0  # built in-process


def test_identity_follows_what_changes_a_build() -> None:
    base = {"PATH": "/usr/bin", "HOME": "/home/a", "LANG": "ru_RU.UTF-8"}
    key = current_identity(base).key
    for changed in ({"SOURCE_DATE_EPOCH": "1"}, {"CASEPUB_SOFFICE": "x"}, {"TZ": "UTC"}):
        assert current_identity({**base, **changed}).key != key, changed
    for same in ({"CASEPUB_DAEMON_IDLE": "5"}, {"CASEPUB_DAEMON_DIR": "/x"}, {"TERM": "dumb"}):
        assert current_identity({**base, **same}).key == key, same
    assert current_identity(base).code == current_identity({**base, "TZ": "UTC"}).code
    assert disabled_reason({"CI": "true"}) == "CI=true"
    assert disabled_reason({"CI": "false"}) is None
    assert disabled_reason({"CI": "1", "CASEPUB_DAEMON": "1"}) is None
    assert disabled_reason({"CASEPUB_DAEMON": "off"}) == "CASEPUB_DAEMON=off"


def test_a_failing_build_fails_the_same_through_the_daemon(
    daemons: Daemons, tmp_path: Path
) -> None:
    case = tmp_path / "minimal"
    shutil.copytree(CASES / "minimal", case)
    assert daemons.run("daemon", "start").code == 0
    _replace(case / "case.yaml", "\nsections:", "\nsections: [unclosed\n")
    served = daemons.run("build", case, "--format", "html", "--out", tmp_path / "out")
    here = daemons.run("build", case, "--format", "html", "--out", tmp_path / "out", "--no-daemon")
    status = daemons.status()
    assert status is not None and status["builds"] == 1
    assert served.code == here.code == 1
    assert served.stderr == here.stderr and "case.yaml:" in served.stderr
    assert served.stdout == here.stdout == ""
