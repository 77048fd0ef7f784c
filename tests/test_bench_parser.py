"""bench/run.py reads wrk's output: requests per second, p50 and p99 in any unit wrk prints."""

import pytest

from bench.run import duration_ms, parse_wrk

WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:8765/cases/nukus-27/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    48.20ms   20.11ms   1.02s    91.02%
    Req/Sec   166.12     20.30   210.00     70.00%
  Latency Distribution
     50%  812.00us
     75%   52.00ms
     90%   70.00ms
     99%    1.25s
  4984 requests in 15.02s, 191.03MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:    331.84
Transfer/sec:     12.72MB
"""


def test_reads_rate_percentiles_and_errors():
    result = parse_wrk(WRK_OUTPUT)

    assert result.requests_per_second == 331.84
    assert result.p50_ms == pytest.approx(0.812)
    assert result.p99_ms == 1250.0
    assert (result.requests, result.non_2xx, result.socket_errors) == (4984, 7, 3)


def test_units():
    assert [duration_ms(text) for text in ("250us", "4.31ms", "2s", "1.50m")] == [
        0.25,
        4.31,
        2000.0,
        90_000.0,
    ]


def test_output_without_latency_distribution_is_refused():
    without = "\n".join(line for line in WRK_OUTPUT.splitlines() if "%  " not in line)

    with pytest.raises(ValueError, match="--latency"):
        parse_wrk(without)
