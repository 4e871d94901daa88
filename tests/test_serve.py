"""``casepub serve``: the HTTP routes, and the live preview end to end in headless Chromium."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from casepub.serve import page, preview
from casepub.serve.preview import Settings, build_preview
from tests.conftest import CASES

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
URL = re.compile(r"serving (\S+) at (http://127\.0\.0\.1:(\d+)/) \(Ctrl\+C to stop\)")


class Served:
    """A ``casepub serve`` subprocess and what it printed."""

    def __init__(self, case: Path, cwd: Path, *args: str) -> None:
        command = [sys.executable, "-m", "casepub", "serve", str(case), "--port", "0", *args]
        self.process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        assert self.process.stderr is not None
        stream = self.process.stderr
        threading.Thread(target=lambda: self.lines.extend(stream), daemon=True).start()
        found = wait_for(lambda: self._url() or self.process.poll() is not None, 30)
        url = self._url()
        assert found and url, f"no URL printed: {self.stderr}"
        self.url, self.port = url

    def _url(self) -> tuple[str, int] | None:
        match = next((m for line in self.lines if (m := URL.search(line))), None)
        return (match[2], int(match[3])) if match else None

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def request(
        self, path: str, method: str = "GET", body: str = "", **headers: str
    ) -> tuple[int, dict[str, str], str]:
        """One raw request (no client-side path normalisation)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest(method, path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body:
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(len(body.encode())))
        connection.endheaders(body.encode())
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        return response.status, dict(response.getheaders()), text

    def state(self) -> dict[str, Any]:
        status, _, text = self.request("/state")
        assert status == 200
        state: dict[str, Any] = json.loads(text)
        return state

    def stop(self) -> int:
        """Ctrl+C, as a person would; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


@contextmanager
def served(case: Path, cwd: Path, *args: str) -> Iterator[Served]:
    """Serve ``case``; stop the server whatever happens."""
    server = Served(case, cwd, *args)
    try:
        yield server
    finally:
        server.stop()


def wait_for(condition: Callable[[], object], timeout: float = 20) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def copy_case(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(CASES / name, target)
    return target


def test_routes_and_clean_stop(tmp_path: Path) -> None:
    case = copy_case("minimal", tmp_path)
    with served(case, tmp_path) as server:
        assert wait_for(lambda: server.state()["ok"] is not None)
        first = server.state()["generation"]

        status, headers, text = server.request("/")
        assert status == 200
        assert 'id="findings"' in text and "Check: 0 error(s)" in text
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        status, headers, text = server.request("/manuscript")
        assert status == 200 and "Uncomplicated acute appendicitis" in text
        assert "script-src" not in headers["Content-Security-Policy"]  # no scripts at all

        for path in (
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/etc/passwd",
            "/case.yaml",
            "/build/.serve/minimal/minimal.en.html",
            "/manuscript/../case.yaml",
        ):
            assert server.request(path)[0] == 404, path
        assert server.request("/", Host="evil.example:80")[0] == 421
        post = server.request("/settings", "POST", "journal=jmcr", Origin="http://evil.example")
        assert post[0] == 403

        status, headers, _ = server.request("/settings", "POST", "lang=en&journal=jmcr")
        assert status == 303 and headers["Location"] == "/"
        assert wait_for(lambda: server.state()["generation"] != first)
        assert '<option value="jmcr" selected>' in server.request("/")[2]

        # A burst of saves costs at most two builds (one may be running when it starts).
        assert wait_for(lambda: not server.state()["building"])
        before = int(server.state()["generation"].split(".")[1])
        for i in range(10):
            (case / "case.yaml").write_text(
                (CASES / "minimal" / "case.yaml").read_text(encoding="utf-8") + f"# {i}\n"
            )
            time.sleep(0.02)
        time.sleep(1.5)
        assert wait_for(lambda: not server.state()["building"])
        assert 1 <= int(server.state()["generation"].split(".")[1]) - before <= 2

        assert server.stop() == 0
    assert "Traceback" not in server.stderr
    assert "casepub: stopped" in server.stderr
    assert not (case / "build").exists()  # the preview writes under the working directory


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_even_when_started_ignoring_ctrl_c(
    tmp_path: Path, how: signal.Signals
) -> None:
    """Started by a process that ignores SIGINT (nohup, a test runner's worker), the server
    would inherit that; Ctrl+C and SIGTERM must still stop it cleanly."""
    case = copy_case("minimal", tmp_path)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = Served(case, tmp_path)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert wait_for(lambda: server.state()["ok"] is not None)
        server.process.send_signal(how)
        assert server.process.wait(10) == 0
    finally:
        server.stop()
    assert "casepub: stopped" in server.stderr
    assert "Traceback" not in server.stderr


def test_unexpected_error_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[Path]:
        raise RuntimeError("boom in the build")

    monkeypatch.setattr(preview, "build_case", broken)
    result = build_preview(CASES / "minimal", tmp_path, Settings())
    assert result.html is None and result.crash and "boom in the build" in result.crash
    state = preview.State("x.1", False, Settings(), result)
    shown = page.render_page(state, "minimal", ["preprint"])
    assert "RuntimeError: boom in the build" in shown and "Build failed" in shown


# --- in the browser ------------------------------------------------------------------------

TEXT = """
const frame = document.getElementById('manuscript');
const inner = frame && frame.contentDocument && frame.contentDocument.body;
return document.body.innerText + '\\n' + (inner ? inner.innerText : '');
"""
IMAGES = """
const frame = document.getElementById('manuscript');
return [...frame.contentDocument.images].map((image) => image.naturalWidth);
"""


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Headless Debian Chromium through Debian's chromedriver (nothing downloaded)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = (
            f"{', '.join(missing)} not found; install Debian's browser with "
            "`apt-get install chromium chromium-driver` to run the browser test"
        )
        print(reason)
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def test_live_preview_in_chromium(tmp_path: Path, browser: Any) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def text() -> str:
        try:
            return str(browser.execute_script(TEXT))
        except WebDriverException:  # the page is reloading
            return ""

    def shows(*needles: str, timeout: float = 20) -> bool:
        return wait_for(lambda: all(n in text() for n in needles), timeout)

    case = copy_case("ileal-net", tmp_path)
    yaml_file = case / "case.yaml"
    original = yaml_file.read_text(encoding="utf-8")
    with served(case, tmp_path) as server:
        browser.get(server.url)
        assert shows("Комбинированное хирургическое", "Check:", timeout=30), text()
        assert all(width > 0 for width in browser.execute_script(IMAGES))  # embedded figures

        # A save shows up without the test reloading the page.
        edited = original.replace("эстроген-заместительную", "гормонозаместительную")
        assert edited != original
        saved = time.monotonic()
        yaml_file.write_text(edited, encoding="utf-8")
        assert shows("гормонозаместительную"), text()
        print(f"save → page updated in {time.monotonic() - saved:.1f} s")

        # A broken case: the error, with file:line and code, instead of the manuscript.
        broken = edited.replace("running_title:\n  ru: ", "running_title:\n  ru: [")
        assert broken != edited
        yaml_file.write_text(broken, encoding="utf-8")
        assert shows("Build failed", "[yaml-syntax]"), text()
        assert re.search(r"case\.yaml:\d+:\d+: .*\[yaml-syntax\]", text()), text()
        assert "гормонозаместительную" not in text()
        assert server.process.poll() is None

        # Fixed: the manuscript again.
        yaml_file.write_text(edited, encoding="utf-8")
        assert shows("гормонозаместительную"), text()
        assert "Build failed" not in text()

        # Switch to English.
        Select(browser.find_element(By.NAME, "lang")).select_by_value("en")
        assert shows("hot flushes", "Combined Surgical"), text()
        assert wait_for(lambda: "Пациентка" not in text()), text()
        assert server.process.poll() is None
        assert server.stop() == 0
    assert "Traceback" not in server.stderr, server.stderr
