"""Load on a real JupyterHub: N learners sign in, start their servers, fetch and submit at the same time.

    sudo .venv/bin/python benchmarks/hub_load.py --learners 20

Sets up the same site as tests/hub (PostgreSQL gradebook, Unix accounts, setup_hub.py, JupyterHub with
configurable-http-proxy, one server per learner), then runs every learner in a thread of its own, all at
once: sign in (PAM), start the server, fetch the smallest module, submit. The trainer then grades with the
course's own grader. It checks that no submission is lost or mixed up (each learner's submission is theirs,
every one is collected and graded) and prints the time each step took (median and maximum over learners)
and the memory the machine used at its peak above what it used before the hub started. A script that
prints figures, not a test; it removes its accounts and folders when it ends.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hub.site import HUB_ENV, Site, missing_prerequisites  # noqa: E402

MODULE = "01-co-occurring-disorders"
STEPS = ("sign in", "start server", "fetch", "submit")


def used_memory() -> int:
    """Bytes in use on the machine (MemTotal - MemAvailable)."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    kib = lambda key: int(info[key].split()[0])  # noqa: E731
    return (kib("MemTotal") - kib("MemAvailable")) * 1024


def site_rss(uids: set[int], session: int | None) -> int:
    """Bytes resident in the site's processes: every process of its accounts (servers, kernels, grading)
    and the hub's own session (JupyterHub and its proxy)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines() if ":" in line)
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        uid, sid = int(status["Uid"].split()[0]), int(stat[3])
        if (uid in uids or (session is not None and sid == session)) and "VmRSS" in status:
            total += int(status["VmRSS"].split()[0]) * 1024
    return total


class MemoryPeak(threading.Thread):
    """The peak, sampled every 0.2 s, of the machine's used memory and of the site's own processes."""

    def __init__(self, uids: set[int], session: int | None):
        super().__init__(daemon=True)
        self.uids, self.session = uids, session
        self.baseline, self.peak, self.site_peak, self.running = used_memory(), 0, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, used_memory())
            self.site_peak = max(self.site_peak, site_rss(self.uids, self.session))
            time.sleep(0.2)


def learner_run(site: Site, name: str) -> dict[str, float]:
    times = {}
    start = time.monotonic()
    user = site.person(name)
    times["sign in"] = time.monotonic() - start
    for step, action in (("start server", user.start_server),
                         ("fetch", lambda: user.nbgrader("fetch", site.course_id, MODULE)),
                         ("submit", lambda: user.nbgrader("submit", site.course_id, MODULE))):
        start = time.monotonic()
        result = action()
        if isinstance(result, dict) and not result.get("success"):
            raise RuntimeError(f"{name}: {step} failed: {result}")
        times[step] = time.monotonic() - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20)
    args = parser.parse_args()
    missing = missing_prerequisites()
    if missing:
        print("Cannot run a real hub here; missing: " + "; ".join(missing), file=sys.stderr)
        return 2
    site = Site()
    try:
        learners = [site.account("learner", n) for n in range(1, args.learners + 1)]
        trainer = site.account("trainer")
        started = time.monotonic()
        site.setup([trainer], learners, [MODULE])
        print(f"set-up (PostgreSQL, accounts, setup_hub.py env and course): {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        site.start()
        memory = MemoryPeak({site.uid(n) for n in site.accounts}, site.hub.pid)
        memory.start()
        print(f"JupyterHub up: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(learners)) as pool:
            results = dict(zip(learners, pool.map(lambda n: learner_run(site, n), learners), strict=True))
        wall = time.monotonic() - started
        print(f"\n{len(learners)} learners at once, sign in to submitted: {wall:.1f} s wall clock")
        print(f"{'step':<14}{'median s':>10}{'max s':>10}")
        for step in STEPS:
            values = [r[step] for r in results.values()]
            print(f"{step:<14}{statistics.median(values):>10.2f}{max(values):>10.2f}")

        inbound = site.exchange / site.course_id / "inbound"
        owners = sorted(p.name.split("+", 1)[0] for p in inbound.iterdir())
        lost = sorted(set(learners) - set(owners))
        mixed = [p.name for p in inbound.iterdir() if p.stat().st_uid != site.uid(p.name.split("+", 1)[0])]
        print(f"\nsubmissions in the exchange: {len(owners)} (lost: {len(lost)} {lost or ''}; "
              f"not owned by their learner: {len(mixed)} {mixed or ''})")
        started = time.monotonic()
        out = site.grade(MODULE)
        grading = time.monotonic() - started
        collected = sorted(p.name for p in (site.course_root / "submitted").iterdir())
        autograded = sorted(p.name for p in (site.course_root / "autograded").iterdir())
        memory.running = False
        memory.join()
        print(out.strip().splitlines()[-1])
        print(f"collected: {len(collected)}, autograded: {len(autograded)}, "
              f"missing: {sorted(set(learners) - set(autograded)) or 'none'}; grading took {grading:.1f} s "
              f"({grading / len(learners):.1f} s per learner)")
        peak, site_peak = (memory.peak - memory.baseline) / 2**30, memory.site_peak / 2**30
        print(f"peak memory of the hub's processes (hub, proxy, {len(learners)} servers, the formgrader, "
              f"grading): {site_peak:.2f} GiB ({site_peak * 1024 / len(learners):.0f} MiB per learner)")
        print(f"peak memory used on the machine above its level before the hub started: {peak:.2f} GiB "
              "(includes anything else the machine ran meanwhile)")
        ok = not lost and not mixed and collected == sorted(learners) and autograded == sorted(learners)
        print("RESULT: " + ("0 lost or mixed-up submissions; every one collected and graded" if ok
                            else "PROBLEM: see above"))
        return 0 if ok else 1
    finally:
        site.stop()
        print(f"(servers ran from {HUB_ENV})")


if __name__ == "__main__":
    sys.exit(main())
