"""Child processes (eflomal, Apertium) that die with annoproj, and temp folders that go.

A child started with `spawn` gets ``PR_SET_PDEATHSIG`` (Linux): the kernel kills it when
annoproj dies, however it dies (SIGKILL included). It runs in its own process group, which
`stop` kills whole (a shell pipeline's stages too) when annoproj leaves the block that
started it: on an error, on Ctrl-C, or on SIGTERM, which the command line turns into a
normal exit (`terminate_on_sigterm`) so that every ``finally`` runs and temp folders are
removed. Temp folders carry the pid of their run (`pid_tempdir`); one whose run is gone
(a SIGKILL leaves it) is swept by the next run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


#: Signals held back while a child is forked: one that arrived inside the fork's callbacks
#: (logging's locks) would be printed as "Exception ignored" and lost.
_HELD = (signal.SIGTERM, signal.SIGINT)


def _child_setup() -> None:  # pragma: no cover - runs in the child, between fork and exec
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    die_with_parent()


def spawn(args: list[str], **popen) -> subprocess.Popen:
    """`subprocess.Popen` of a child that dies with this process, in its own group.

    SIGTERM and SIGINT are held while it forks and delivered right after, so that a signal
    never lands in the fork's callbacks, where it would be swallowed."""
    if sys.platform.startswith("linux"):
        popen.setdefault("preexec_fn", _child_setup)
    if os.name == "posix":
        popen.setdefault("start_new_session", True)
    held = os.name == "posix" and threading.current_thread() is threading.main_thread()
    if held:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        return subprocess.Popen(args, **popen)
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def stop(proc: subprocess.Popen) -> None:
    """Kill `proc` and its process group if it still runs, and reap it."""
    if proc.poll() is None:
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def run(args: list[str], *, input: bytes | None = None, timeout: float | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """`subprocess.run(args, capture_output=True)` with a child (and its group) that
    never outlives this process nor the call; TimeoutExpired as subprocess.run raises it."""
    proc = spawn(args, stdin=subprocess.PIPE if input is not None else None,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc)
        raise
    finally:
        stop(proc)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_tempdirs(prefix: str, root: str | Path | None = None) -> int:
    """Remove ``<prefix><pid>-*`` folders of runs that are gone; returns how many."""
    root = Path(root or tempfile.gettempdir())
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    n = 0
    try:
        entries = list(root.glob(prefix + "*"))
    except OSError:
        return 0
    for d in entries:
        m = pattern.match(d.name)
        if m and d.is_dir() and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            shutil.rmtree(d, ignore_errors=True)
            n += 1
    return n


@contextlib.contextmanager
def pid_tempdir(prefix: str) -> Iterator[Path]:
    """A temp folder ``<prefix><pid>-XXXX``, removed on leaving; first sweeps the folders
    that killed runs left."""
    sweep_tempdirs(prefix)
    with tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-") as tmp:
        yield Path(tmp)


class Terminated(SystemExit):
    """SIGTERM, raised in the main thread so that cleanups run; exits 143 (128 + 15)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _on_sigterm(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` for the block (main thread only; else a no-op)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        old = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
