#!/usr/bin/python3
"""Record a golden case: the real tools' output over a snapshot.

    record_golden.py CASE_DIR              record CASE_DIR/commands over CASE_DIR/root
    record_golden.py --scenario CASE_DIR   build the live scenario in a fresh
                                           namespace, snapshot it into
                                           CASE_DIR/root, then record
    record_golden.py --live CASE_DIR       the same scenario and snapshot, but
                                           the real tool runs on the live
                                           system right before and after the
                                           snapshot; kept only when both runs
                                           agree (lsof: it stat()s each fd
                                           link, which a copied proc tree
                                           cannot answer)

The real tool runs over the snapshot itself, so its output and the inputs
belong to the same moment by construction: in a private mount and network
namespace the snapshot's proc tree is copied into a tmpfs (tmpfs lists the
newest entry first, so pids and fds are created in descending order to be
listed ascending, as /proc lists them) and bind-mounted over /proc, and the
snapshot's etc files over /etc (with an /etc/resolv.conf pointing at
127.0.0.1 so DNS fails at once, as it does for sockbox on a snapshot).

For --scenario, each command is also run live before the scenario stops and
any difference from the snapshot run is reported (not failed): it shows the
snapshot is faithful. Commands with timers (-o) are not compared, as time
moves.

Writes CASE_DIR/expected/NNN.{cmd,out,err,rc}.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import snapshot  # noqa: E402

TOOLS = {"netstat": "/usr/bin/netstat", "ss": "/usr/bin/ss", "lsof": "/usr/bin/lsof"}
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}


def commands(case):
    with open(os.path.join(case, "commands")) as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def split_command(line):
    """`[VAR=value …] tool args…` → (environment additions, argv)."""
    words = shlex.split(line)
    env = {}
    while words and "=" in words[0] and not words[0].startswith("-"):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    return env, words


def run_tool(line):
    extra, argv = split_command(line)
    p = subprocess.run(argv, executable=TOOLS[argv[0]], env=dict(ENV, **extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.stdout, p.stderr, p.returncode


def copy_sorted(src, dst):
    """Copy a tree so that tmpfs lists it in ascending (numeric first) order."""
    os.makedirs(dst, exist_ok=True)
    names = os.listdir(src)
    names.sort(key=lambda n: (0, int(n), "") if n.isdigit() else (1, 0, n), reverse=True)
    for name in names:
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if os.path.islink(s):
            os.symlink(os.readlink(s.encode()), d.encode())
        elif os.path.isdir(s):
            copy_sorted(s, d)
        else:
            shutil.copyfile(s, d)


def record_inside(case):
    """Runs in the private namespaces: mount the snapshot, run every command."""
    mount_snapshot(os.path.abspath(os.path.join(case, "root")))
    write_expected(case, [run_tool(line) for line in commands(case)])


def mount_snapshot(root, modes=None):
    """In a private mount namespace: a tmpfs copy of root's proc tree over
    /proc, root's etc files over /etc, DNS that fails at once. `modes`
    ({path under proc: mode}) is applied to the copy (copies are 0644)."""
    work = tempfile.mkdtemp(prefix="sockbox-rec-")
    subprocess.run(["mount", "-t", "tmpfs", "none", work], check=True)
    copy_sorted(os.path.join(root, "proc"), os.path.join(work, "proc"))
    for rel, mode in (modes or {}).items():
        os.chmod(os.path.join(work, "proc", rel), mode)
    with open(os.path.join(work, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1\n")
    mounts = [(os.path.join(work, "resolv.conf"), "/etc/resolv.conf")]
    for name in snapshot.ETC_FILES:
        src = os.path.join(root, "etc", name)
        if os.path.exists(src):
            mounts.append((src, "/etc/" + name))
    mounts.append((os.path.join(work, "proc"), "/proc"))
    for src, dst in mounts:
        subprocess.run(["mount", "--bind", src, dst], check=True)


def write_expected(case, results):
    """CASE/expected/NNN.{cmd,out,err,rc} for each command's (out, err, rc)."""
    out_dir = os.path.join(case, "expected")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    for i, (line, (out, err, rc)) in enumerate(zip(commands(case), results)):
        stem = os.path.join(out_dir, "%03d" % i)
        for ext, data in (("cmd", (line + "\n").encode()), ("out", out), ("err", err), ("rc", b"%d\n" % rc)):
            with open(stem + "." + ext, "wb") as f:
                f.write(data)


def start_scenario():
    """scenario.py in this namespace, once it reports ready."""
    ready = tempfile.mktemp(prefix="sockbox-scenario-ready-")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "scenario.py"), "--ready-file", ready])
    deadline = time.time() + 30
    while not os.path.exists(ready):
        if proc.poll() is not None or time.time() > deadline:
            proc.terminate()
            sys.exit("record_golden: the scenario did not start")
        time.sleep(0.05)
    return proc


def record(case):
    rc = subprocess.run(["unshare", "-m", "-n", sys.executable, os.path.abspath(__file__), "--inside", case]).returncode
    if rc != 0:
        sys.exit("record_golden: recording %s failed" % case)
    print("record_golden: %s: %d commands recorded" % (case, len(commands(case))))


def scenario_inside(case):
    """Runs in a fresh network namespace: scenario, live runs, snapshot."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    proc = start_scenario()
    try:
        live = {line: run_tool(line) for line in commands(case) if not has_timers(line)}
        snapshot.snapshot(os.path.join(case, "root"))
        live2 = {line: run_tool(line) for line in live}
    finally:
        proc.terminate()
        proc.wait()
    return {k: v for k, v in live.items() if live2[k] == v}


def live_inside(case):
    """Runs in a fresh network namespace: scenario, live runs around the
    snapshot, expected files from them (up to 5 tries for a still moment).
    A CASE_DIR/setup shell script, if any, prepares the namespace first."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # A sysfs of this namespace (the inherited one shows the parent's links).
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "sysfs", "none", "/sys"], check=True)
    if os.path.exists(os.path.join(case, "setup")):
        subprocess.run(["sh", os.path.join(case, "setup")], check=True)
    proc = start_scenario()
    try:
        for _ in range(5):
            before = [run_tool(line) for line in commands(case)]
            snapshot.snapshot(os.path.join(case, "root"))
            after = [run_tool(line) for line in commands(case)]
            if before == after:
                break
        else:
            sys.exit("record_golden: %s: the live runs kept changing" % case)
    finally:
        proc.terminate()
        proc.wait()
    write_expected(case, before)
    print("record_golden: %s: %d commands recorded live" % (case, len(before)))


def has_timers(line):
    _, argv = split_command(line)
    return any(a in ("--timers", "--options", "--extended", "--info") or
               (a.startswith("-") and not a.startswith("--") and any(c in a for c in "oei"))
               for a in argv[1:])


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--inside":
        record_inside(args[1])
        return
    if len(args) == 2 and args[0] == "--scenario-inside":
        import pickle
        stable = scenario_inside(args[1])
        with open(os.path.join(args[1], ".live.pickle"), "wb") as f:
            pickle.dump(stable, f)
        return
    if len(args) == 2 and args[0] == "--live-inside":
        live_inside(args[1])
        return
    if os.geteuid() != 0:
        sys.exit("record_golden: needs root (mount and network namespaces)")
    if len(args) == 2 and args[0] == "--live":
        subprocess.run(["unshare", "-m", "-n", sys.executable, os.path.abspath(__file__), "--live-inside", args[1]],
                       check=True)
        return
    if len(args) == 2 and args[0] == "--scenario":
        import pickle
        case = args[1]
        subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), "--scenario-inside", case],
                       check=True)
        with open(os.path.join(case, ".live.pickle"), "rb") as f:
            live = pickle.load(f)
        os.unlink(os.path.join(case, ".live.pickle"))
        record(case)
        for i, line in enumerate(commands(case)):
            if line not in live:
                continue
            stem = os.path.join(case, "expected", "%03d" % i)
            got = tuple(open(stem + ext, "rb").read() for ext in (".out", ".err"))
            if got != live[line][:2]:
                print("record_golden: note: %s: the snapshot run differs from the live run" % line)
        return
    if len(args) == 1:
        record(args[0])
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
