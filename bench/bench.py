#!/usr/bin/env python3
"""Measurement and report helpers of bench/run.sh (which starts and stops every process).

  bench.py ports N                         N free loopback TCP ports, one a line
  bench.py startup ...                     fpgw's start-to-SERVING time and idle RSS, over several starts
  bench.py measure ... -- COMMAND...       one load scenario: runs COMMAND (ghz or wrk) and records
                                           throughput, latency, CPU per request of every process,
                                           vendor calls and fpgw's peak RSS as one JSON line
  bench.py overload ...                    scenario (h): integration A overloaded, B timed beside it
  bench.py report ...                      the generated section of docs/benchmarks.md and the plot

CPU time is utime+stime (+ those of waited-for children) from /proc/<pid>/stat, summed over the
process and all its descendants (an nginx master and its workers), in clock ticks. fpgw's peak RSS
is VmHWM from /proc/<pid>/status, reset before each scenario through /proc/<pid>/clear_refs.
Vendor calls are the lines the stand-in vendor's access log gained during the scenario.
"""

import argparse
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


# The load tools running now: stopped with this process (bench/run.sh stops it on exit).
RUNNING = []


def _stop_running(signum, _frame):
    for proc in RUNNING:
        if proc.poll() is None:
            proc.terminate()
    for proc in RUNNING:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _stop_running)
signal.signal(signal.SIGINT, _stop_running)


# --- /proc ------------------------------------------------------------------------------------

def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    return data[data.rindex(")") + 2:].split()


def _children():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(_stat_fields(entry)[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_cpu_ticks(pid, kids):
    """utime+stime+cutime+cstime of pid and every descendant still alive."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            fields = _stat_fields(p)
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])
        stack.extend(kids.get(p, []))
    return total


def cpu_snapshot(procs):
    kids = _children()
    return {name: tree_cpu_ticks(pid, kids) for name, pid in procs.items()}


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def reset_peak_rss(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def parse_procs(text):
    procs = {}
    for item in filter(None, (text or "").split(",")):
        name, pid = item.split("=")
        procs[name] = int(pid)
    return procs


# --- the stand-in vendor's access log -----------------------------------------------------------

class AccessLog:
    """Counts the lines (vendor calls) appended to an access log since a mark."""

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path) if path else 0

    def calls(self):
        """Calls since the mark: in all, by path, the connections they came on, and the most calls
        to the slow path in flight at once (from each call's end time and duration)."""
        counts = {"all": 0, "slow": 0, "fast": 0, "other": 0, "connections": 0, "slow_peak_in_flight": 0}
        if not self.path:
            return counts
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            lines = f.read().decode(errors="replace").splitlines()
        connections, slow_events = set(), []
        for line in lines:
            parts = line.split()
            if len(parts) < 6:
                continue
            uri, end, took, connection = parts[1], float(parts[3]), float(parts[4]), parts[5]
            counts["all"] += 1
            connections.add(connection)
            if uri.startswith("/slow/v4/events/"):
                counts["slow"] += 1
                slow_events += [(end - took, 1), (end, -1)]
            elif uri.startswith("/v4/events/"):
                counts["fast"] += 1
            else:
                counts["other"] += 1
        counts["connections"] = len(connections)
        current = 0
        for _, step in sorted(slow_events, key=lambda e: (e[0], e[1])):
            current += step
            counts["slow_peak_in_flight"] = max(counts["slow_peak_in_flight"], current)
        return counts


# --- load tool output ----------------------------------------------------------------------------

def percentile(values, pct):
    if not values:
        return None
    values = sorted(values)
    # Nearest rank.
    return values[max(0, math.ceil(pct / 100.0 * len(values)) - 1)]


def parse_ghz(path):
    with open(path) as f:
        report = json.load(f)
    details = report.get("details") or []
    statuses = {}
    for d in details:
        statuses[d.get("status", "?")] = statuses.get(d.get("status", "?"), 0) + 1
    if not details:
        statuses = dict(report.get("statusCodeDistribution") or {})
    ok_ms = [d["latency"] / 1e6 for d in details if d.get("status") == "OK"]
    all_ms = [d["latency"] / 1e6 for d in details]
    count = report.get("count", len(details))
    total_s = report.get("total", 0) / 1e9
    out = {
        "requests": count,
        "ok": statuses.get("OK", 0),
        "errors": count - statuses.get("OK", 0),
        "statuses": statuses,
        "seconds": total_s,
        "rps": report.get("rps") or (count / total_s if total_s else 0),
        "p50_ms": percentile(all_ms, 50),
        "p99_ms": percentile(all_ms, 99),
        "max_ms": max(all_ms) if all_ms else None,
        "ok_p50_ms": percentile(ok_ms, 50),
        "ok_p99_ms": percentile(ok_ms, 99),
        "error_sample": sorted({d.get("error", "") for d in details if d.get("status") != "OK"})[:3],
    }
    if not all_ms:  # no per-call details: ghz's own distribution
        dist = {int(x["percentage"]): x["latency"] / 1e6 for x in report.get("latencyDistribution") or []}
        out["p50_ms"], out["p99_ms"] = dist.get(50), dist.get(99)
    return out, details


def parse_wrk(text):
    line = [l for l in text.splitlines() if l.startswith("{")][-1]
    r = json.loads(line)
    seconds = r["duration_us"] / 1e6
    return {
        "requests": r["requests"],
        "ok": r["requests"] - r["status_errors"],
        "errors": r["errors"],
        "statuses": {},
        "seconds": seconds,
        "rps": r["requests"] / seconds if seconds else 0,
        "p50_ms": r["p50_us"] / 1000.0,
        "p99_ms": r["p99_us"] / 1000.0,
        "max_ms": r["max_us"] / 1000.0,
        "error_sample": [],
    }


# --- commands ------------------------------------------------------------------------------------

def cmd_ports(args):
    socks = []
    for _ in range(args.n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    for s in socks:
        print(s.getsockname()[1])
        s.close()


def _health_serving(addr):
    import grpc  # from the benchmark's venv
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    channel = grpc.insecure_channel(addr)
    try:
        response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=0.5)
        return response.status == health_pb2.HealthCheckResponse.SERVING
    except grpc.RpcError:
        return False
    finally:
        channel.close()


def cmd_wait_serving(args):
    deadline = time.monotonic() + args.timeout
    while not _health_serving(args.addr):
        if time.monotonic() > deadline:
            sys.exit(f"{args.addr} is not SERVING after {args.timeout} s")
        time.sleep(0.01)


def cmd_startup(args):
    """Starts fpgw `runs` times: time from exec to the first SERVING health answer, then VmRSS after
    it has sat idle for a second. Each start is stopped with SIGTERM before the next."""
    _health_serving("127.0.0.1:1")  # loads the gRPC modules before the clock starts
    times_ms, rss_kb = [], []
    for _ in range(args.runs):
        with open(args.log, "ab") as log:
            t0 = time.monotonic()
            proc = subprocess.Popen([args.fpgw, f"--config={args.config}"], stdout=log, stderr=log)
            RUNNING.append(proc)
            try:
                while not _health_serving(args.addr):
                    if proc.poll() is not None:
                        sys.exit(f"fpgw exited with {proc.returncode} during start; see {args.log}")
                    if time.monotonic() - t0 > 10:
                        sys.exit(f"fpgw not SERVING after 10 s; see {args.log}")
                    time.sleep(0.001)
                times_ms.append((time.monotonic() - t0) * 1000.0)
                time.sleep(1.0)
                rss_kb.append(status_kb(proc.pid, "VmRSS"))
            finally:
                proc.terminate()
                proc.wait(timeout=15)
                RUNNING.remove(proc)
    record = {
        "name": "startup",
        "runs": args.runs,
        "serving_ms": times_ms,
        "serving_ms_median": statistics.median(times_ms),
        "idle_rss_kb": rss_kb,
        "idle_rss_kb_median": statistics.median(rss_kb),
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"[bench] start to SERVING {record['serving_ms_median']:.1f} ms (median of {args.runs}), "
          f"idle RSS {record['idle_rss_kb_median'] * 1024 / 1e6:.1f} MB", file=sys.stderr)


def _start(command, stdout):
    proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
    RUNNING.append(proc)
    return proc


def _run(command, stdout_path):
    with open(stdout_path, "wb") as out:
        proc = _start(command, out)
        _, err = proc.communicate()
    RUNNING.remove(proc)
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        sys.exit(f"load command failed ({proc.returncode}): {' '.join(command)}")


def cmd_measure(args):
    procs = parse_procs(args.procs)
    if args.fpgw_pid:
        reset_peak_rss(args.fpgw_pid)
    access = AccessLog(args.access_log)
    before = cpu_snapshot(procs)
    t0 = time.monotonic()
    out_path = os.path.join(args.workdir, f"{args.name}.out")
    _run(args.command, out_path)
    wall = time.monotonic() - t0
    after = cpu_snapshot(procs)
    calls = access.calls()
    if args.tool == "ghz":
        result, _ = parse_ghz(out_path)
    else:
        with open(out_path) as f:
            result = parse_wrk(f.read())
    n = max(result["requests"], 1)
    record = {
        "name": args.name,
        "tool": args.tool,
        "involved": [p for p in args.involved.split(",") if p],
        "wall_s": wall,
        "cpu_us_per_req": {k: (after[k] - before[k]) * 1e6 / CLK_TCK / n for k in procs},
        "cpu_s": {k: (after[k] - before[k]) / CLK_TCK for k in procs},
        "vendor_calls": calls["all"],
        "vendor_calls_per_req": calls["all"] / n,
        "vendor_connections": calls["connections"],
        "fpgw_peak_rss_kb": status_kb(args.fpgw_pid, "VmHWM") if args.fpgw_pid else None,
        **result,
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"[bench] ({args.name}) {record['rps']:.0f} req/s, p50 {record['p50_ms']:.2f} ms, "
          f"p99 {record['p99_ms']:.2f} ms, {record['requests']} requests, {record['errors']} errors, "
          f"vendor calls {record['vendor_calls']}", file=sys.stderr)
    if result["errors"]:
        print(f"[bench] ({args.name}) errors: {result['statuses']} {result['error_sample']}",
              file=sys.stderr)


def _ghz(args, integration, token_suffix, extra):
    data = json.dumps({"integration": integration,
                       "token": "17{{printf `%011d` .RequestNumber}}." + token_suffix})
    return [args.ghz, "--insecure", "--call", "fpgw.v1.EvaluationService/Evaluate", "-d", data,
            "--format", "json", "--duration-stop", "wait", *extra, args.addr]


def cmd_overload(args):
    """Scenario (h): B alone at a low rate; then A offered `a_rate` calls/s (each held 1 s by the
    vendor, so a_rate in flight if none were refused) with B at the same low rate beside it."""
    wd = args.workdir
    d = args.duration
    b_flags = ["--rps", str(args.b_rate), "-c", "4", "-z", f"{d}s"]
    _run(_ghz(args, args.b_integration, "hbidle", b_flags), os.path.join(wd, "h_b_idle.out"))
    b_idle, _ = parse_ghz(os.path.join(wd, "h_b_idle.out"))

    procs = parse_procs(args.procs)
    reset_peak_rss(args.fpgw_pid)
    access = AccessLog(args.access_log)
    before = cpu_snapshot(procs)
    a_out = open(os.path.join(wd, "h_a.out"), "wb")
    a_cmd = _ghz(args, args.a_integration, "haslow",
                 ["--rps", str(args.a_rate), "-c", str(args.a_concurrency), "--connections", "10",
                  "-z", f"{d}s", "--timeout", "20s"])
    a = _start(a_cmd, a_out)
    time.sleep(1.0)  # A fills its limit first; B then runs while A is at its limit
    b_load_s = max(1, d - 1)
    _run(_ghz(args, args.b_integration, "hbload",
              ["--rps", str(args.b_rate), "-c", "4", "-z", f"{b_load_s}s"]),
         os.path.join(wd, "h_b_load.out"))
    _, a_err = a.communicate()
    a_out.close()
    if a.returncode != 0:
        sys.stderr.write(a_err.decode(errors="replace"))
        sys.exit("ghz (integration A) failed")
    after = cpu_snapshot(procs)
    peak_rss = status_kb(args.fpgw_pid, "VmHWM")
    calls = access.calls()
    a_res, a_details = parse_ghz(os.path.join(wd, "h_a.out"))
    b_load, _ = parse_ghz(os.path.join(wd, "h_b_load.out"))

    def latencies(status):
        return [x["latency"] / 1e6 for x in a_details if x.get("status") == status]

    answered = latencies("OK")
    refused = latencies("ResourceExhausted")
    n = max(a_res["requests"] + b_load["requests"], 1)
    record = {
        "name": "h",
        "tool": "ghz",
        "involved": ["fpgw", "upstream"],
        "a_limits": {"max_concurrent_calls": args.a_limit, "max_queued_calls": args.a_queue},
        "a_rate": args.a_rate,
        "a_seconds": d,
        "a_requests": a_res["requests"],
        "a_statuses": a_res["statuses"],
        "a_error_sample": a_res["error_sample"],
        "a_answered": len(answered),
        "a_answered_late": sum(1 for x in answered if x > args.vendor_ms + 10.0),
        "a_refused": len(refused),
        "a_other": a_res["requests"] - len(answered) - len(refused),
        "a_answered_ms": {"p50": percentile(answered, 50), "p99": percentile(answered, 99),
                          "max": max(answered) if answered else None},
        "a_refused_ms": {"p50": percentile(refused, 50), "p99": percentile(refused, 99),
                         "max": max(refused) if refused else None},
        "a_peak_in_flight_at_vendor": calls["slow_peak_in_flight"],
        "a_rps": a_res["rps"],
        "b_rate": args.b_rate,
        "b_idle": {k: b_idle[k] for k in ("requests", "errors", "p50_ms", "p99_ms", "max_ms", "statuses")},
        "b_load": {k: b_load[k] for k in ("requests", "errors", "p50_ms", "p99_ms", "max_ms", "statuses")},
        "requests": n,
        "rps": a_res["rps"],
        "p50_ms": a_res["p50_ms"],
        "p99_ms": a_res["p99_ms"],
        "errors": a_res["requests"] - len(answered) - len(refused) + b_load["errors"],
        "cpu_us_per_req": {k: (after[k] - before[k]) * 1e6 / CLK_TCK / n for k in procs},
        "cpu_s": {k: (after[k] - before[k]) / CLK_TCK for k in procs},
        "vendor_calls": calls["all"],
        "vendor_calls_slow": calls["slow"],
        "vendor_calls_fast": calls["fast"],
        "vendor_connections": calls["connections"],
        "vendor_calls_per_req": calls["all"] / n,
        "fpgw_peak_rss_kb": peak_rss,
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(f"[bench] (h) A: {len(answered)} answered (p99 {record['a_answered_ms']['p99']} ms), "
          f"{len(refused)} refused (p99 {record['a_refused_ms']['p99']} ms), "
          f"{record['a_other']} other {a_res['statuses']}; B p99 {b_idle['p99_ms']:.2f} ms idle, "
          f"{b_load['p99_ms']:.2f} ms under load; peak RSS {peak_rss * 1024 / 1e6:.1f} MB", file=sys.stderr)


def cmd_report(args):
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import report  # bench/report.py, beside this file

    report.write_report(args)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("ports")
    p.add_argument("n", type=int)
    p.set_defaults(func=cmd_ports)

    p = sub.add_parser("wait-serving")
    p.add_argument("addr")
    p.add_argument("--timeout", type=float, default=10.0)
    p.set_defaults(func=cmd_wait_serving)

    p = sub.add_parser("startup")
    p.add_argument("--fpgw", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--addr", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--log", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_startup)

    p = sub.add_parser("measure")
    p.add_argument("--name", required=True)
    p.add_argument("--tool", choices=["ghz", "wrk"], required=True)
    p.add_argument("--procs", required=True, help="name=pid,... whose CPU is measured")
    p.add_argument("--involved", default="", help="the processes this scenario exercises")
    p.add_argument("--fpgw-pid", type=int)
    p.add_argument("--access-log")
    p.add_argument("--workdir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_measure)

    p = sub.add_parser("overload")
    p.add_argument("--ghz", required=True)
    p.add_argument("--addr", required=True)
    p.add_argument("--duration", type=int, required=True)
    p.add_argument("--a-integration", required=True)
    p.add_argument("--b-integration", required=True)
    p.add_argument("--a-rate", type=int, default=1000)
    p.add_argument("--a-concurrency", type=int, default=1000)
    p.add_argument("--a-limit", type=int, required=True)
    p.add_argument("--a-queue", type=int, required=True)
    p.add_argument("--b-rate", type=int, default=20)
    p.add_argument("--vendor-ms", type=float, default=1000.0, help="the slow path's latency")
    p.add_argument("--procs", required=True)
    p.add_argument("--fpgw-pid", type=int, required=True)
    p.add_argument("--access-log", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_overload)

    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--doc", required=True)
    p.add_argument("--plot", required=True)
    p.add_argument("--command", required=True, help="the command line that made the results")
    p.add_argument("--duration", type=int, required=True)
    p.add_argument("--concurrency", type=int, required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--loadavg", required=True)
    p.add_argument("--versions", required=True)
    p.add_argument("--sdk-version", required=True)
    p.add_argument("--ghz-version", required=True)
    p.set_defaults(func=cmd_report)

    args = parser.parse_args()
    if getattr(args, "command", None) and args.command[:1] == ["--"]:
        args.command = args.command[1:]
    args.func(args)


if __name__ == "__main__":
    main()
