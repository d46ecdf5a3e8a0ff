"""Every HTTP figure of bench/ comes from here: wrk, keep-alive connections, bounded in time.

wrk keeps each connection open (as a browser does), so a figure measures answering, not
TCP set-up, and reports latency in microseconds. Requests that vary (each shopper's token,
a fresh Idempotency-Key per checkout) come from a Lua script built by the caller.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

THREADS = 2
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Load:
    requests: int
    requests_per_s: float
    # What a user gets: error pages served fast are not throughput.
    ok_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"not a wrk latency: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(output: str) -> Load:
    """wrk's `--latency` report as numbers; fails loudly on anything else."""
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", output, re.MULTILINE))
    total = re.search(r"^\s+(\d+) requests in ", output, re.MULTILINE)
    per_s = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if set(latency) != {"50", "99"} or total is None or per_s is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests = int(total.group(1))
    non_2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    requests_per_s = float(per_s.group(1))
    ok = max(requests - non_2xx - socket_errors, 0)
    return Load(
        requests=requests,
        requests_per_s=requests_per_s,
        ok_per_s=round(requests_per_s * ok / requests, 1) if requests else 0.0,
        p50_ms=round(_ms(latency["50"]), 2),
        p99_ms=round(_ms(latency["99"]), 2),
        non_2xx=non_2xx,
        socket_errors=socket_errors,
    )


def run(url: str, connections: int, seconds: int, script: str | None = None) -> Load:
    """wrk on `url` for `seconds` with `connections` kept-alive connections (2 threads)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: run `make setup` (scripts/setup-packages.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s",
                   "--timeout", "10s", "--latency"]  # fmt: skip
        if script is not None:
            path = Path(tmp) / "requests.lua"
            path.write_text(script)
            command += ["-s", str(path)]
        done = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        )
    return parse(done.stdout)


def lua_string(value: str) -> str:
    """A Lua string literal of a token or id: nothing in them needs escaping."""
    if not re.fullmatch(r"[\w.\-:/ ]*", value):
        raise ValueError(f"not a plain string for a wrk script: {value!r}")
    return f'"{value}"'


def lua_strings(values: list[str]) -> str:
    """A Lua table literal of such strings."""
    return "{" + ", ".join(lua_string(v) for v in values) + "}"


def bearer_tokens(tokens: list[str]) -> str:
    """A script giving each request the `Authorization: Bearer` of the next token in turn."""
    return (
        f"local tokens = {lua_strings(tokens)}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n % #tokens + 1\n"
        '  return wrk.format(nil, nil, {["Authorization"] = "Bearer " .. tokens[n]})\n'
        "end\n"
    )


def alternate(
    runs: dict[str, tuple[str, str | None]], connections: int, seconds: int, rounds: int
) -> dict[str, Load]:
    """Each named (url, script) once per round, in turn, so load from other jobs hits all
    alike; after a 3 s warm-up each (connections, caches, lazy imports). Medians."""
    for url, script in runs.values():
        run(url, connections, 3, script)
    samples: dict[str, list[Load]] = {name: [] for name in runs}
    for round_no in range(1, rounds + 1):
        for name, (url, script) in runs.items():
            result = run(url, connections, seconds, script)
            samples[name].append(result)
            print(
                f"round {round_no} {name}: {result.ok_per_s:.0f} 2xx/s, p99 "
                f"{result.p99_ms:.1f} ms (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    return {name: median(results) for name, results in samples.items()}


def median(samples: list[Load]) -> Load:
    """The median of each figure over rounds; counts are summed."""
    return Load(
        requests=sum(s.requests for s in samples),
        requests_per_s=round(statistics.median(s.requests_per_s for s in samples), 1),
        ok_per_s=round(statistics.median(s.ok_per_s for s in samples), 1),
        p50_ms=round(statistics.median(s.p50_ms for s in samples), 2),
        p99_ms=round(statistics.median(s.p99_ms for s in samples), 2),
        non_2xx=sum(s.non_2xx for s in samples),
        socket_errors=sum(s.socket_errors for s in samples),
    )
