"""``jupyter lab`` on 127.0.0.1 serving a temporary copy of a notebook folder."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tools.kernel_env import kernel_env

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "JupyterLabServer",
    "Closing",
    "LabCheckError",
    "free_port",
    "timeout_from_env",
]

# Generous enough for the longest notebook; override with BROWSER_CHECK_TIMEOUT_S.
DEFAULT_TIMEOUT_S = 240.0
SERVER_START_TIMEOUT_S = 60.0

# JupyterLab settings for the check: render every cell (no windowing, so the
# page holds all of them) and no pop-ups asking about news or updates.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class LabCheckError(RuntimeError):
    """The check itself could not run (server did not start, page did not load)."""


class Closing:
    """A context manager whose exit calls ``close()``, however the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __exit__(self, *exc_info) -> None:
        self.close()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timeout_from_env(default: float = DEFAULT_TIMEOUT_S) -> float:
    """Return the per-notebook time limit: BROWSER_CHECK_TIMEOUT_S or the default."""
    value = os.environ.get("BROWSER_CHECK_TIMEOUT_S")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(
            f"BROWSER_CHECK_TIMEOUT_S must be a number of seconds, got {value!r}"
        ) from None
    if seconds <= 0:
        raise ValueError(f"BROWSER_CHECK_TIMEOUT_S must be positive, got {value!r}")
    return seconds


class JupyterLabServer(Closing):
    """``jupyter lab`` on 127.0.0.1 serving a temporary copy of a notebook folder."""

    def __init__(self, notebooks_dir: str | os.PathLike) -> None:
        self.source_dir = Path(notebooks_dir)
        if not self.source_dir.is_dir():
            raise ValueError(f"expected a folder of notebooks, got {self.source_dir}")
        self.port = 0
        self.token = ""
        self.root_dir: Path | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None

    def url(self, path: str = "lab") -> str:
        """Return the URL of a path on this server, with the token."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def __enter__(self) -> JupyterLabServer:
        self._tmp = tempfile.TemporaryDirectory(prefix="lab-browser-check-")
        tmp = Path(self._tmp.name)
        self.root_dir = tmp / "notebooks"
        shutil.copytree(
            self.source_dir,
            self.root_dir,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        settings_dir = tmp / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            target = settings_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        env = kernel_env()  # the one nbval uses
        # Keep the user's Jupyter config and runtime files out of the check.
        for var, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
        ):
            env[var] = str(tmp / sub)
        self.port, self.token = free_port(), secrets.token_hex(24)
        cmd = self._command(settings_dir, tmp)
        self.log_path = tmp / "jupyter-lab.log"
        self._log = open(self.log_path, "w")  # closed in close()
        self._proc = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.close()
            raise
        return self

    def _command(self, settings_dir: Path, tmp: Path) -> list[str]:
        """The `jupyter lab` command: loopback, a token, no news, no terminals."""
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings_dir}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LabCheckError(
                    f"jupyter lab exited with code {self._proc.returncode}:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise LabCheckError(
            f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S:.0f} s:\n"
            + self.log_tail()
        )

    def shutdown_kernels(self) -> None:
        """Shut down every kernel the server runs (left over from a failed check)."""
        with urllib.request.urlopen(self.url("api/kernels"), timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(
                self.url(f"api/kernels/{kernel['id']}"), method="DELETE"
            )
            urllib.request.urlopen(request, timeout=30).close()

    def log_tail(self, lines: int = 30) -> str:
        """Return the last lines of the server's log (with its kernels' stderr)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except (AttributeError, OSError):
            return ""
        return "\n".join(text.splitlines()[-lines:]).replace(self.token, "TOKEN")

    def close(self) -> None:
        """Stop the server and its kernels, and delete the temporary copy."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            # A clean shutdown also stops the kernels; signals are the fallback.
            request = urllib.request.Request(self.url("api/shutdown"), method="POST")
            try:
                urllib.request.urlopen(request, timeout=5).close()
            except (urllib.error.URLError, OSError):
                pass
            for sig, wait in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                if sig is not None and proc.poll() is None:
                    try:
                        os.killpg(proc.pid, sig)
                    except ProcessLookupError:
                        break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
