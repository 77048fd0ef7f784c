"""The load benchmark: gunicorn with production settings on PostgreSQL, driven by wrk.

For each public page type it prints one table (requests per second, p50 and p99 latency, the ratio
to the floor, queries per request, worker memory, each against its target) and writes it to
bench/results.md with the machine it ran on. `make bench` runs it; README.md ("Benchmark") says how
to make the data. Standard library only; importing it does nothing (tests/test_bench_parser.py
tests the wrk parser).

    DATABASE_URL=postgres://user:password@127.0.0.1:5432/detentions_bench \\
        .venv/bin/python bench/run.py [--duration 15] [--connections 16] [--workers N]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results.md"
SERVER_LOG = BASE_DIR / "bench" / "gunicorn.log"

# The schemes django-environ reads as PostgreSQL.
POSTGRESQL_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/3"
# A slow page is measured rather than dropped: wrk's default (2 s) leaves late answers out of the
# latency figures and counts them only as socket timeouts.
WRK_TIMEOUT = "30s"
WORKER_MEMORY_TARGET_MB = 200
MAX_QUERIES = 10


class BenchError(Exception):
    """Something the person running the benchmark must fix; said in plain words."""


# --- wrk's output ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0  # wrk counts 3xx as success too; any other status lands here
    socket_errors: int = 0  # connect, read, write and timeout errors together


_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text: str) -> float:
    """A wrk duration ("812.00us", "4.31ms", "1.02s", "2.00m") in milliseconds."""
    match = re.fullmatch(r"([0-9]*\.?[0-9]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _TIME_UNITS_MS[match[2]]


def parse_wrk(output: str) -> WrkResult:
    """Requests per second, p50 and p99 from the output of `wrk --latency`."""
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)\s*$", output, re.MULTILINE)
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if not rate or set(percentiles) != {"50", "99"}:
        raise ValueError("wrk's output has no Requests/sec or no latency distribution (--latency)")
    requests = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", output, re.MULTILINE)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_second=float(rate[1]),
        p50_ms=duration_ms(percentiles["50"]),
        p99_ms=duration_ms(percentiles["99"]),
        requests=int(requests[1]) if requests else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


# --- What is measured, and against what --------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str  # the address it loads, from bench/probe.py's `describe`
    label: str
    cached: bool = False  # run with the public page cache on
    min_ratio: float | None = None  # of the floor's requests per second
    max_p50_ms: float | None = None
    max_p99_ms: float | None = None
    public_page: bool = True  # at most MAX_QUERIES queries, whatever the size

    def targets(self) -> str:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"≥ {self.min_ratio:g} × floor")
        if self.max_p50_ms is not None:
            parts.append(f"p50 < {self.max_p50_ms:g} ms")
        if self.max_p99_ms is not None:
            parts.append(f"p99 < {self.max_p99_ms:g} ms")
        if self.public_page:
            parts.append(f"≤ {MAX_QUERIES} queries")
        parts.append(f"RSS < {WORKER_MEMORY_TARGET_MB} MB")
        return ", ".join(parts)


ROWS = [
    Row("floor", "Floor: /healthz (SELECT 1)", public_page=False),
    Row("home", "Home page (case list)"),
    Row("case", "Case page, longest timeline, no page cache", min_ratio=0.10, max_p99_ms=150),
    Row("case", "Case page, longest timeline, page cache", cached=True, min_ratio=0.6),
    Row("feed", "Case feed (Atom)"),
    Row("json", "Case timeline JSON"),
    Row("search", "Search for a detainee's name, no page cache", max_p50_ms=50),
    # Readers of a case in the news search for the same few names: the cached search answers
    # them; the row above is what each new search costs.
    Row("search", "Search for a detainee's name, page cache", cached=True, max_p50_ms=50),
]


@dataclass
class Measured:
    row: Row
    url: str
    wrk: WrkResult
    status: int
    queries: int | None
    rss_mb: float
    notes: list[str] = field(default_factory=list)

    def failures(self, floor_rps: float) -> list[str]:
        row, wrk, failed = self.row, self.wrk, []
        if self.status != 200:
            failed.append(f"status {self.status}")
        if self.status == 200 and not wrk.requests:
            failed.append("no answer completed within the run")
        if wrk.non_2xx:
            failed.append(f"{wrk.non_2xx} non-2xx")
        if wrk.socket_errors:
            failed.append(f"{wrk.socket_errors} socket errors")
        ratio = wrk.requests_per_second / floor_rps if floor_rps else 0.0
        if row.min_ratio is not None and ratio < row.min_ratio:
            failed.append(f"{ratio:.2f} × floor")
        if row.max_p50_ms is not None and wrk.p50_ms >= row.max_p50_ms:
            failed.append(f"p50 {ms(wrk.p50_ms)}")
        if row.max_p99_ms is not None and wrk.p99_ms >= row.max_p99_ms:
            failed.append(f"p99 {ms(wrk.p99_ms)}")
        if row.public_page and (self.queries is None or self.queries > MAX_QUERIES):
            failed.append(f"{self.queries} queries")
        if self.rss_mb >= WORKER_MEMORY_TARGET_MB:
            failed.append(f"RSS {self.rss_mb:.0f} MB")
        return failed + self.notes


def uncached_queries(measured: list[Measured], cached: Measured) -> int | None:
    """The queries of the same address without the page cache, to tell whether the cache hit."""
    return next((m.queries for m in measured if m.url == cached.url and not m.row.cached), None)


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def table(measured: list[Measured]) -> str:
    floor_rps = next(m.wrk.requests_per_second for m in measured if m.row.key == "floor")
    lines = [
        "| Page | Address | req/s | p50 | p99 | × floor | Queries | Worker RSS | Target | Result |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for m in measured:
        ratio = m.wrk.requests_per_second / floor_rps if floor_rps else 0.0
        failed = m.failures(floor_rps)
        queries = "?" if m.queries is None else str(m.queries)
        if m.row.cached:
            queries = f"{queries} (uncached: {uncached_queries(measured, m)})"
        lines.append(
            f"| {m.row.label} | `{m.url}` | {m.wrk.requests_per_second:,.0f} | {ms(m.wrk.p50_ms)} "
            f"| {ms(m.wrk.p99_ms)} | {ratio:.2f} | {queries} | {m.rss_mb:.0f} MB "
            f"| {m.row.targets()} | {'FAIL: ' + '; '.join(failed) if failed else 'pass'} |"
        )
    return "\n".join(lines)


# --- The machine --------------------------------------------------------------------------------


def meminfo_mb(key: str) -> float:
    text = Path("/proc/meminfo").read_text()
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) * 1024 / 1e6 if match else 0.0


def cores() -> int:
    return len(os.sched_getaffinity(0))


def busy_machine(load_average: float) -> bool:
    return load_average > cores() / 2


def default_workers() -> tuple[int, str]:
    """gunicorn's rule for sync workers, 2 × cores + 1: a sync worker waits on PostgreSQL for part
    of each request, so one more per core keeps the cores busy; more only queue for the CPU. Fewer
    when memory would not hold them at the target size, keeping a gigabyte for PostgreSQL and
    wrk."""
    by_cores = 2 * cores() + 1
    room = meminfo_mb("MemAvailable") - 1000
    by_memory = max(1, int(room // WORKER_MEMORY_TARGET_MB))
    if by_memory < by_cores:
        return by_memory, f"what free memory holds at {WORKER_MEMORY_TARGET_MB} MB each"
    return by_cores, f"2 × {cores()} cores + 1, gunicorn's rule for sync workers"


def first_line(command: list[str]) -> str:
    try:
        done = execute(command, timeout=30)
    except OSError:
        return "unknown"
    output = (done.stdout or done.stderr).strip()
    return output.splitlines()[0] if output else "unknown"


def machine(
    workers: int, workers_note: str, load_average: float, describe: dict[str, Any]
) -> list[tuple[str, str]]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    pretty = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', os_release, re.MULTILINE)
    gunicorn = first_line([sys.executable, "-m", "gunicorn", "--version"])
    gunicorn = re.sub(r"gunicorn \(version (.+)\)", r"\1", gunicorn)
    after = os.getloadavg()[0]
    # Only the figure before counts: the run itself loads the machine.
    busy_note = (
        "; other processes were busy: every figure is low" if busy_machine(load_average) else ""
    )
    return [
        ("CPU", model[1].strip() if model else platform.processor() or "unknown"),
        ("Cores", f"{cores()} usable ({os.cpu_count()} online)"),
        ("Load average", f"{load_average:.2f} before the run, {after:.2f} after{busy_note}"),
        ("RAM", f"{meminfo_mb('MemTotal') / 1000:.1f} GB"),
        ("OS", f"{pretty[1] if pretty else platform.system()}, kernel {platform.release()}"),
        ("Python", platform.python_version()),
        ("PostgreSQL", describe["postgresql"]),
        ("gunicorn", f"{gunicorn}, {workers} sync workers ({workers_note})"),
        ("wrk", first_line(["wrk", "-v"]).split(" Copyright")[0]),
    ]


# --- Running things -----------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in POSTGRESQL_SCHEMES:
        what = "is not set" if not url else f"is a {scheme or 'non-PostgreSQL'} database"
        raise BenchError(
            f"DATABASE_URL {what}. The benchmark runs on PostgreSQL only, as production does "
            "(SQLite's numbers would say nothing about it): set "
            "DATABASE_URL=postgres://user:password@127.0.0.1:5432/detentions_bench"
        )
    return url


def without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":…@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def redis_answers(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def settings_env(
    base: dict[str, str], *, page_cache: bool, cache_url: str | None
) -> dict[str, str]:
    env = dict(base, PUBLIC_PAGE_CACHE="true" if page_cache else "false")
    # Empty means each process's local memory, whatever a local .env says.
    env["CACHE_URL"] = cache_url or ""
    return env


def execute(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own programs, with arguments this script builds)
        command, cwd=BASE_DIR, capture_output=True, text=True, check=False, **options
    )


def manage(env: dict[str, str], *args: str) -> None:
    done = execute([sys.executable, "manage.py", *args], env=env)
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def probe(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = execute([sys.executable, "-m", "bench.probe", *args], env=env)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        raise BenchError(f"bench/probe.py {args[0]} failed:\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1])
    if "error" in result:
        raise BenchError(result["error"])
    return result


class Server:
    """gunicorn in a process group of its own, so that stopping it stops its workers too."""

    def __init__(self, env: dict[str, str], *, port: int, workers: int, name: str) -> None:
        self.env, self.port, self.workers, self.name = env, port, workers, name
        self.process: subprocess.Popen[bytes] | None = None
        self.log: BinaryIO | None = None
        self.command = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--graceful-timeout", "5", "--error-logfile", "-",
        ]  # fmt: skip

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, startup_timeout: float) -> None:
        with socket.socket() as probe_socket:
            if probe_socket.connect_ex(("127.0.0.1", self.port)) == 0:
                raise BenchError(f"Port {self.port} is in use: pass another with --port.")
        self.log = SERVER_LOG.open("ab")
        self.log.write(f"\n=== {datetime.datetime.now().isoformat()} {self.name}\n".encode())
        self.log.flush()
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start-up:\n{log_tail()}")
            try:
                status, _ = get(self.url("/healthz"))
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.2)
        raise BenchError(f"/healthz did not answer 200 in {startup_timeout:g} s:\n{log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        # The whole group, workers too, even if the master has already gone.
        self.send(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.process.wait()
        if self.log:
            self.log.close()

    def send(self, number: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def worker_memory_mb(self) -> float:
        """The largest resident set (VmRSS) among the master's children, the workers."""
        largest = 0.0
        for pid in children(self.process.pid) if self.process else []:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                largest = max(largest, int(match[1]) * 1024 / 1e6)
        return largest


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name is in brackets and may hold spaces: the fields follow its ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def log_tail(lines: int = 40) -> str:
    try:
        return "\n".join(SERVER_LOG.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (http on 127.0.0.1)
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def wrk(url: str, *, duration: int, connections: int, threads: int) -> WrkResult:
    command = wrk_command(url, duration=duration, connections=connections, threads=threads)
    done = execute(command, timeout=duration + 120)
    if done.returncode:
        raise BenchError(f"{shlex.join(command)} failed:\n{done.stderr}")
    return parse_wrk(done.stdout)


def wrk_command(url: str, *, duration: int, connections: int, threads: int) -> list[str]:
    return [
        "wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
        "--timeout", WRK_TIMEOUT, url,
    ]  # fmt: skip


# --- The run ------------------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load-test the public pages with gunicorn and wrk; see bench/run.py.",
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds per address (15)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each (3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads (2)")
    parser.add_argument(
        "--workers", type=int, help="gunicorn sync workers (default: 2 × cores + 1, or fewer if "
        f"memory holds fewer at {WORKER_MEMORY_TARGET_MB} MB each)",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's port (8765)")
    parser.add_argument(
        "--cache-url", default=DEFAULT_CACHE_URL,
        help=f"the shared cache for the page-cache row, if it answers ({DEFAULT_CACHE_URL}); "
        "otherwise each worker's local memory",
    )  # fmt: skip
    parser.add_argument("--startup-timeout", type=float, default=60, help="seconds (60)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="bench/results.md")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.connections < args.threads or args.threads < 1:
        parser.error("need --duration ≥ 1, --warmup ≥ 0 and --connections ≥ --threads ≥ 1")
    return args


def command_line(url: str) -> str:
    python = os.path.relpath(sys.executable, BASE_DIR)
    command = shlex.join([python, "bench/run.py", *sys.argv[1:]])
    command = f"DATABASE_URL={without_password(url)} {command}"
    return f"`make bench`, which ran `{command}`" if "MAKELEVEL" in os.environ else f"`{command}`"


def run(args: argparse.Namespace) -> int:
    url = database_url()
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed: apt-get install wrk (Debian, Ubuntu).")
    started = datetime.datetime.now().astimezone()
    load_average = os.getloadavg()[0]
    if busy_machine(load_average):
        say(f"load average {load_average:.2f} on {cores()} cores: other processes are busy, "
            "and every figure will be low")  # fmt: skip
    if args.workers:
        workers, workers_note = args.workers, "as asked, --workers"
    else:
        workers, workers_note = default_workers()

    # Production settings; only the redirect to https is off, since wrk speaks plain http.
    base = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )
    cache_url, cache_note = None, f"nothing answered at {args.cache_url}"
    if urllib.parse.urlsplit(args.cache_url).scheme.startswith("redis"):
        if not redis_answers(args.cache_url):
            pass
        elif not redis_package():
            cache_note = f"{args.cache_url} answers, but the redis package is not installed"
        else:
            cache_url, cache_note = args.cache_url, f"Redis at {args.cache_url}"
    configurations = {
        False: settings_env(base, page_cache=False, cache_url=cache_url),
        True: settings_env(base, page_cache=True, cache_url=cache_url),
    }

    # Not migrated here: the database may be someone else's; say so instead.
    done = execute([sys.executable, "manage.py", "showmigrations", "--plan"], env=base)
    unapplied = [line for line in done.stdout.splitlines() if line.startswith("[ ]")]
    if done.returncode or unapplied:
        raise BenchError(
            "The database is not migrated: run `python manage.py migrate` on it first.\n"
            + "\n".join(unapplied)
            + done.stderr[-2000:]
        )
    say("collectstatic (the production settings serve files from its manifest)")
    manage(base, "collectstatic", "--noinput", "-v0")
    SERVER_LOG.write_bytes(b"")
    say("finding the longest public timeline and a name to search for")
    describe = probe(configurations[False], "describe")
    urls = describe["urls"]
    say(f"case {urls['case']}: {describe['case']['public_events']} public events; "
        f"search: {describe['search_term']!r}")  # fmt: skip

    say("counting queries per request (Django's test client, an anonymous reader)")
    queries, backends = {}, {}
    for cached in (False, True):
        rows = [row for row in ROWS if row.cached == cached]
        env = dict(configurations[cached], ALLOWED_HOSTS="127.0.0.1,testserver")
        second = ["--second"] if cached else []
        counted = probe(env, "queries", *second, *(urls[row.key] for row in rows))
        backends[cached] = counted["cache_backend"]
        queries.update({(cached, url): value for url, value in counted["urls"].items()})

    measured: list[Measured] = []
    for cached in (False, True):
        name = "public page cache on" if cached else "public page cache off"
        server = Server(configurations[cached], port=args.port, workers=workers, name=name)
        say(f"gunicorn, {workers} workers, {name}")
        try:
            server.start(args.startup_timeout)
            for row in (row for row in ROWS if row.cached == cached):
                counted = queries.get((cached, urls[row.key]), {})
                measured.append(measure_row(server, row, urls, counted, args))
        finally:
            server.stop()
    measured.sort(key=lambda m: ROWS.index(m.row))

    report = results(
        args=args,
        url=url,
        started=started,
        measured=measured,
        describe=describe,
        machine_rows=machine(workers, workers_note, load_average, describe),
        cache_note=f"{cache_note}; Django's cache backend: {backends[True]}",
        gunicorn=shlex.join(["gunicorn", *server.command[3:]]),
    )
    print("\n" + table(measured) + "\n")
    args.output.write_text(report)
    say(f"written to {os.path.relpath(args.output, Path.cwd())}")
    floor_rps = measured[0].wrk.requests_per_second
    return 1 if any(m.failures(floor_rps) for m in measured) else 0


def measure_row(
    server: Server,
    row: Row,
    urls: dict[str, str],
    counted: dict[str, int],
    args: argparse.Namespace,
) -> Measured:
    """One row: a first request to check the answer, a warm-up, then the measured run."""
    path = urls[row.key]
    status, body = get(server.url(path))
    notes = []
    if counted.get("status") != 200:
        notes.append(f"the test client got status {counted.get('status')}")
    if row.key == "search" and f'href="{urls["found"]}"' not in body:
        notes.append("the search did not find the name")
    concurrency = {"connections": args.connections, "threads": args.threads}
    if status != 200:
        # An error page's speed says nothing; the log says what went wrong.
        say(f"{row.label}: status {status}, not loaded; see {SERVER_LOG.name}")
        result = WrkResult(0.0, 0.0, 0.0, 0)
    else:
        if args.warmup:
            wrk(server.url(path), duration=args.warmup, **concurrency)
        say(f"{row.label}: {args.duration} s at {args.connections} connections")
        result = wrk(server.url(path), duration=args.duration, **concurrency)
    return Measured(
        row=row,
        url=path,
        wrk=result,
        status=status,
        queries=counted.get("queries"),
        rss_mb=server.worker_memory_mb(),
        notes=notes,
    )


def redis_package() -> bool:
    return importlib.util.find_spec("redis") is not None


def results(
    *,
    args: argparse.Namespace,
    url: str,
    started: datetime.datetime,
    measured: list[Measured],
    describe: dict[str, Any],
    machine_rows: list[tuple[str, str]],
    cache_note: str,
    gunicorn: str,
) -> str:
    counts, case = describe["counts"], describe["case"]
    floor_rps = measured[0].wrk.requests_per_second
    failed = [m for m in measured if m.failures(floor_rps)]
    cached = next(m for m in measured if m.row.cached)
    without = uncached_queries(measured, cached)
    cache_answered = None not in (cached.queries, without) and cached.queries < without
    elapsed = datetime.datetime.now().astimezone() - started
    load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    wrk_line = shlex.join(wrk_command("URL", **load))
    search_kind = "a public detainee's name" if describe["search_is_a_person"] else "the case title"
    lines = [
        "# Benchmark results",
        "",
        f"Run {started:%Y-%m-%d %H:%M %Z}, in {elapsed.seconds // 60} min "
        f"{elapsed.seconds % 60} s: {len(measured) - len(failed)} of {len(measured)} rows meet "
        "every target.",
        "",
        table(measured),
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine_rows),
        "",
        "## Data",
        "",
        f"- Cases: {counts['cases']:,} ({counts['published_cases']:,} published); detainees: "
        f"{counts['detainees']:,}; events: {counts['events']:,} ({counts['public_events']:,} "
        "public).",
        f"- The case page is the published case with the most public events: "
        f"`{case['slug']}`, {case['public_events']:,} public events.",
        f"- The search is for {search_kind}: “{describe['search_term']}”.",
        "",
        "## How it ran",
        "",
        f"- Command: {command_line(url)}",
        f"- Server: `{gunicorn}` on 127.0.0.1; static files from `collectstatic`'s manifest.",
        "- Settings: production (`DEBUG=false`, a generated `SECRET_KEY`, "
        "`ALLOWED_HOSTS=127.0.0.1`), except `SECURE_SSL_REDIRECT=false`: wrk speaks plain http, "
        "which production answers with a redirect to https.",
        f"- Load: `{wrk_line}` per address, after {args.warmup} s of the same load to warm every "
        f"worker. `--timeout {WRK_TIMEOUT}` so that a slow answer counts in the latency instead "
        "of being dropped as a timeout. wrk, gunicorn and PostgreSQL share this machine's cores. "
        "gunicorn's sync workers close the connection after each answer, so every request "
        "includes a TCP connect.",
        "- The floor is `/healthz`: our whole middleware stack and one `SELECT 1`; "
        "“× floor” is a row's requests per second over the floor's.",
        "- Page cache: every row runs with `PUBLIC_PAGE_CACHE=false` but the ones marked "
        "“page cache”, which run with `PUBLIC_PAGE_CACHE=true` on a restarted server. Cache: "
        f"{cache_note}. "
        + (
            "With the page cache, the case page made fewer queries than without: the cache "
            "answered."
            if cache_answered
            else "With the page cache, the case page made as many queries as without: the page "
            "cache did not answer."
        ),
        "- Queries: each address requested through Django's test client, in a process of its own "
        "with the same settings, as an anonymous reader with no cookies; the first request after "
        "one to `/healthz` (the cached rows: the second, a cache hit, and beside it the same "
        "address without the cache).",
        "- Worker RSS: the largest `VmRSS` among gunicorn's workers (`/proc/<pid>/status` of the "
        "master's children), read right after each row's run.",
        "",
    ]
    return "\n".join(lines)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def interrupted(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    # Stopped from outside (`timeout`, a CI job cancelled): still stop gunicorn on the way out.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        return run(args)
    except BenchError as error:
        say(str(error))
        return 2
    except KeyboardInterrupt:  # the server was stopped on the way out
        say("interrupted; no results written")
        return 130


if __name__ == "__main__":
    sys.exit(main())
