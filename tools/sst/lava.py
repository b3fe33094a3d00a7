# SPDX-License-Identifier: GPL-2.0
"""LAVA jobs for the boots of a tools/run.sh run (or of a tools/matrix.sh
matrix), and their results read back into the same report.

  python3 -m sst lava jobs [--out DIR] [--url BASE] [--smp N] [--images DIR]
                          RUN[=IMAGE]...
        one LAVA job per (kernel, boot) of each RUN (a tools/run.sh result
        folder, or a tools/matrix.sh folder: its k1, k2, ...): DIR/JOB/
        job.yaml (device_type qemu, deploy to tmpfs, boot qemu, a test
        'monitors' action on the guest's SST-RESULT lines), initramfs.cpio.gz
        (the run's, with this boot's /sst/env) and device.yaml (the qemu
        device as lava-server's qemu.jinja2 renders it for the job's context,
        for lava-run with no server). IMAGE: the kernel image (default
        IMAGES/vmlinuz-KVER, --images IMAGES, default /boot). --url BASE:
        the jobs fetch BASE/JOB/initramfs.cpio.gz and BASE/JOB/vmlinuz
        (copied there) instead of file:// paths. --smp N: QEMU's -smp (2,
        as tools/run.sh's).
        DIR/jobs.tsv lists them: job, run folder, boot, kernel, scenarios,
        sha256 of the job's initramfs.
  python3 -m sst lava collect DIR JOB...
        each JOB's LAVA log (DIR/JOB/lava/output.yaml, as lava-run prints it)
        -> DIR/JOB/run/: console-1.log, boots.tsv, then the files, report and
        exit code of `python3 -m sst collect` (0, 1, 2; 3: bad input); a run
        all of whose boots' jobs were collected, again as one run folder:
        DIR/runs/KVER/ (console-N.log, boots.tsv, results.txt, report, KTAP,
        JSON), which tools/matrix.sh --compare takes.

The guest prints "SST-RESULT <scenario> <check> <verdict> <reason>" (one LAVA
test case "<scenario> <check>", result pass, fail or skip) between
"SST-GUEST-START" and "SST-GUEST-END rc=N". LAVA keeps no reason for a
monitor's test case: the reasons, the kernel-log checks the host makes from
the dmesg sections, and a boot that never ended are the collect step's,
from the console in LAVA's log.

Standard library only: the YAML is written by hand (every string quoted
when it is not plainly a word), the LAVA log read line by line.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import sys

from . import model

# What vm_boot (tools/lib/vm.sh) gives every guest.
BASE_APPEND = "console=ttyS0 panic=5 loglevel=7 printk.time=1"
QEMU_OPTIONS = ["-machine q35", "-accel tcg", "-cpu max", "-no-reboot"]
# The monitor: every SST-RESULT line, its verdict followed by the blank that
# scn_result always prints (so a verdict is never matched half-read).
START = "SST-GUEST-START"
# A regex (pexpect's): the whole rc, so LAVA has read the line's end.
END = r"SST-GUEST-END rc=[0-9]+\s"
PATTERN = r"SST-RESULT (?P<test_case_id>\S+ \S+) (?P<result>[a-z]+) "
SUITE = "swiotlb-stress"
# Deploy (a local copy or a download) and the qemu start: not the guest's.
DEPLOY_S = 300
BOOT_S = 120


class BadInput(Exception):
    """One line saying what is wrong (exit 3)."""


# ---- YAML, by hand ----

_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./+-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED:
        return s
    # A JSON string is a YAML double-quoted scalar.
    return json.dumps(s)


def to_yaml(obj, indent=0):
    """dicts, lists, str, int, bool, None -> block YAML."""
    pad = " " * indent
    out = []
    if isinstance(obj, dict):
        if not obj:
            return pad + "{}\n"
        for k, v in obj.items():
            key = _scalar(k)
            if isinstance(v, (dict, list)) and v:
                out.append("%s%s:\n%s" % (pad, key, to_yaml(v, indent + 2)))
            elif isinstance(v, (dict, list)):
                out.append("%s%s: %s\n" % (pad, key, "{}" if isinstance(v, dict) else "[]"))
            else:
                out.append("%s%s: %s\n" % (pad, key, _scalar(v)))
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, (dict, list)) and v:
                inner = to_yaml(v, indent + 2)
                out.append("%s- %s" % (pad, inner[indent + 2:]))
            else:
                out.append("%s- %s\n" % (pad, _scalar(v) if not isinstance(v, (dict, list))
                                         else ("{}" if isinstance(v, dict) else "[]")))
    else:
        out.append(pad + _scalar(obj) + "\n")
    return "".join(out)


# ---- initramfs: the run's, with one boot's /sst/env appended ----

def cpio_newc(files):
    """[(path, bytes)] -> a newc archive of regular files (mode 0644) with its
    trailer. The kernel unpacks concatenated archives in order, a later file
    replacing an earlier one of the same name."""
    out = bytearray()
    ino = 1000

    def entry(name, data, mode):
        nonlocal ino
        ino += 1
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % x for x in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))
    for name, data in files:
        entry(name, data, 0o100644)
    entry("TRAILER!!!", b"", 0)
    out.extend(b"\0" * (-len(out) % 512))
    return bytes(out)


def boot_initramfs(base, env, dest):
    """DEST = BASE (gzip'ed newc) + a gzip'ed archive holding sst/env = ENV."""
    with open(base, "rb") as f:
        data = f.read()
    if data[:2] != b"\x1f\x8b":
        raise BadInput("%s is not a gzip'ed initramfs" % base)
    with open(dest, "wb") as f:
        f.write(data)
        f.write(gzip.compress(cpio_newc([("sst/env", env)]), mtime=0))


# ---- the run's boots ----

def mem_mib(mem):
    m = re.match(r"^([1-9][0-9]*)([MG])$", mem or "")
    if not m:
        raise BadInput("boot memory '%s' is not a size like 2G or 6144M" % mem)
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def safe_name(s):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s)


def run_dirs(arg):
    """RUN[=IMAGE] -> [(run folder, image or None)]; a matrix folder gives its
    kernels' folders k1, k2, ... in order."""
    path, _, image = arg.partition("=")
    if os.path.isfile(os.path.join(path, "boots.tsv")):
        return [(path, image or None)]
    ks = sorted((d for d in os.listdir(path) if re.match(r"^k[0-9]+$", d)
                 and os.path.isfile(os.path.join(path, d, "boots.tsv"))),
                key=lambda d: int(d[1:])) if os.path.isdir(path) else []
    if not ks:
        raise BadInput("%s is neither a tools/run.sh result folder (no boots.tsv) "
                       "nor a tools/matrix.sh folder (no k1/boots.tsv)" % path)
    if image:
        raise BadInput("%s: a matrix folder takes no =IMAGE; name its kernels' "
                       "folders one by one" % path)
    return [(os.path.join(path, d), None) for d in ks]


def read_run(path, image=None, images="/boot"):
    """A run folder -> (kernel name, image, [(Boot, env bytes)], initramfs)."""
    try:
        with open(os.path.join(path, "summary.json"), encoding="utf-8") as f:
            kver = json.load(f)["kernel"]
        boots = model.read_boots(path)
    except (OSError, ValueError, KeyError) as e:
        raise BadInput("%s: not a finished tools/run.sh run: %s" % (path, e))
    if not boots:
        raise BadInput("%s: boots.tsv lists no boot" % path)
    # run.sh --host writes its one run as mem "host"; --xen names the kernel
    # KVER@xen-dom0.
    if kver.endswith("@xen-dom0") or any(b.mem == "host" for b in boots):
        raise BadInput("%s: a --xen or --host run has no QEMU job" % path)
    image = image or os.path.join(images, "vmlinuz-%s" % kver)
    if not os.path.isfile(image):
        raise BadInput("%s: no kernel image %s: give RUN=IMAGE" % (path, image))
    initrd = os.path.join(path, "initramfs.cpio.gz")
    if not os.path.isfile(initrd):
        raise BadInput("%s: no initramfs.cpio.gz" % path)
    out = []
    for b in boots:
        try:
            with open(os.path.join(path, "env-%d" % b.n), "rb") as f:
                env = f.read()
        except OSError as e:
            raise BadInput("%s: boot %d: %s" % (path, b.n, e))
        out.append((b, env))
    return kver, image, out, initrd


# ---- the job and the device ----

def context(boot, smp=2):
    """The job context: what lava-server's qemu.jinja2 turns into QEMU's
    options (memory, and extra_options verbatim; no_kvm: TCG, no -cpu host)."""
    extra = list(QEMU_OPTIONS) + ["-smp %d" % smp]
    if boot.qemu:
        extra.append(boot.qemu)
    return {"arch": "amd64", "no_kvm": True, "memory": mem_mib(boot.mem),
            "extra_options": extra}


def job(kver, boot, kernel_url, initrd_url, smp=2):
    timeout = boot.timeout or 300
    append = " ".join((BASE_APPEND + " " + (boot.append or "")).split())
    return {
        "device_type": "qemu",
        "job_name": "swiotlb-stress %s boot %d: %s" % (kver, boot.n, " ".join(boot.scenarios)),
        "timeouts": {
            "job": {"seconds": timeout + DEPLOY_S + BOOT_S + 60},
            "connection": {"minutes": 2},
        },
        "priority": "medium",
        "visibility": "public",
        "metadata": {"sst.kernel": kver, "sst.boot": boot.n,
                     "sst.scenarios": " ".join(boot.scenarios),
                     "sst.append": boot.append or "", "sst.mem": boot.mem},
        "context": context(boot, smp),
        "actions": [
            {"deploy": {
                "to": "tmpfs",
                "timeout": {"seconds": DEPLOY_S},
                "images": {
                    "kernel": {"url": kernel_url,
                               "image_arg": "-kernel {kernel} -append \"%s\"" % append},
                    "initrd": {"url": initrd_url, "image_arg": "-initrd {initrd}"},
                },
            }},
            {"boot": {"method": "qemu", "media": "tmpfs",
                      "timeout": {"seconds": BOOT_S}}},
            {"test": {
                "timeout": {"seconds": timeout},
                "monitors": [{"name": SUITE, "start": START, "end": END,
                              "pattern": PATTERN}],
            }},
        ],
    }


def device(ctx, hostname="sst-qemu01"):
    """The qemu device a lava-server renders from qemu.jinja2 (2023.01) for
    CTX, for lava-run: amd64, no_kvm, so no -cpu host -enable-kvm."""
    return {
        "hostname": hostname,
        "device_type": "qemu",
        "available_architectures": ["amd64", "x86_64"],
        # base.jinja2's; one attempt only: a boot retried after a failure
        # would hide what failed.
        "constants": {"posix": {"lava_test_sh_cmd": "/bin/sh",
                                "lava_test_results_dir": "/lava-%s",
                                "lava_test_shell_file": "~/.bashrc"},
                      "shutdown-message": "The system is going down for reboot NOW",
                      "kernel-start-message": "Linux version [0-9]",
                      "default-shell-prompt": "lava-test: # ",
                      "spawn_maxread": "4092",
                      "failure_retry": 1, "boot_retry": 1},
        "parameters": {},
        "actions": {
            "deploy": {"connections": {"serial": None},
                       "methods": {"tmpfs": None,
                                   "image": {"parameters": {"guest": {
                                       "size": 512, "interface": "ide",
                                       "driveid": "lavatest"}}}}},
            "boot": {"connections": {"serial": None},
                     "methods": {"qemu": {"parameters": {
                         "command": "qemu-system-x86_64",
                         "options": ["-nographic",
                                     "-net nic,model=virtio,macaddr=52:54:00:12:34:58 -net user",
                                     "-m %d" % ctx["memory"], "-monitor none"],
                         "extra": list(ctx["extra_options"]),
                     }}}},
        },
        # base.jinja2's for the actions of these jobs; none for the
        # monitor: its timeout is the job's (a device's longer one made
        # lava-run warn that it exceeds the job's).
        "timeouts": {
            "actions": {"apply-overlay-image": {"minutes": 2},
                        "download-retry": {"minutes": 5},
                        "http-download": {"minutes": 5},
                        "power-off": {"seconds": 10},
                        "boot-qemu-image": {"minutes": 2},
                        "boot-image-retry": {"minutes": 2}},
            "connections": {"lava-test-shell": {"seconds": 10}},
        },
    }


def cmd_jobs(a):
    out = os.path.abspath(a.out)
    runs = []
    for arg in a.runs:
        for path, image in run_dirs(arg):
            runs.append((path,) + read_run(path, image, a.images))
    os.makedirs(out, exist_ok=True)
    index = []
    names = set()
    for r, (path, kver, image, boots, initrd) in enumerate(runs):
        for boot, env in boots:
            name = safe_name("%s-boot%d" % (kver, boot.n))
            if name in names:   # the same kernel twice in the runs named
                name = safe_name("%s-run%d-boot%d" % (kver, r + 1, boot.n))
            names.add(name)
            d = os.path.join(out, name)
            os.makedirs(d, exist_ok=True)
            boot_initramfs(initrd, env, os.path.join(d, "initramfs.cpio.gz"))
            if a.url:
                shutil.copyfile(image, os.path.join(d, "vmlinuz"))
                base = a.url.rstrip("/") + "/" + name + "/"
                kurl, iurl = base + "vmlinuz", base + "initramfs.cpio.gz"
            else:
                kurl = "file://" + os.path.abspath(image)
                iurl = "file://" + os.path.join(d, "initramfs.cpio.gz")
            j = job(kver, boot, kurl, iurl, a.smp)
            with open(os.path.join(d, "job.yaml"), "w", encoding="utf-8") as f:
                f.write(to_yaml(j))
            with open(os.path.join(d, "device.yaml"), "w", encoding="utf-8") as f:
                f.write(to_yaml(device(j["context"])))
            index.append((name, os.path.abspath(path), str(boot.n), kver,
                          " ".join(boot.scenarios),
                          sha256_of(os.path.join(d, "initramfs.cpio.gz"))))
            print("%s/job.yaml: %s boot %d (mem %s, append '%s', timeout %ss): %s" % (
                d, kver, boot.n, boot.mem, boot.append, boot.timeout or 300,
                " ".join(boot.scenarios)))
    with open(os.path.join(out, "jobs.tsv"), "w", encoding="utf-8") as f:
        for row in index:
            f.write("\t".join(row) + "\n")
    return 0


# ---- results back: LAVA's log -> a run folder for sst collect ----

def read_log(path):
    """lava-run's log (what it prints on stderr: one YAML flow map a line,
    {dt, lvl, msg}; a server's output.yaml has the same lines as a YAML
    list, "- {...}") -> Log. A line that does not parse, or a log without LAVA's
    final 'job' result, is a truncated log (BadInput)."""
    log = Log()
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("- {"):
            line = line[2:]
        if not line.strip():
            continue
        try:
            entry = flow_map(line)
        except ValueError as e:
            raise BadInput("%s:%d: not a LAVA log line (%s): truncated?" % (path, n + 1, e))
        if not isinstance(entry, dict):
            raise BadInput("%s:%d: not a LAVA log line" % (path, n + 1))
        lvl, msg = entry.get("lvl"), entry.get("msg")
        # What LAVA read from the DUT after the monitor's end string is
        # "feedback" (its finalize step): SST-GUEST-END's rc can be there.
        if lvl in ("target", "feedback") and isinstance(msg, str):
            log.console.append(msg)
        elif lvl in ("error", "exception") and isinstance(msg, str):
            log.errors.append(msg)
        elif lvl == "results" and isinstance(msg, dict):
            log.results.append(msg)
            if msg.get("definition") == "lava" and msg.get("case") == "job":
                log.job = msg.get("result")
                log.job_error = msg.get("error_msg") or ""
            if msg.get("case") == "execute-qemu" and msg.get("result") == "pass":
                log.qemu_started = True
            if msg.get("case") == "file-download":
                ex = msg.get("extra") or {}
                log.sha256[ex.get("label")] = ex.get("sha256sum")
            if msg.get("case") == "lava-test-monitor":
                log.monitor = msg.get("result")
    if log.job is None:
        raise BadInput("%s: no final 'job' result: the log is truncated or the job "
                       "still runs" % path)
    return log


# PyYAML's double-quoted escapes (lava_common.log.dump: flow style, every
# scalar double-quoted, one line).
_ESC = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
        "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
        "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def flow_map(s):
    """One line of LAVA's log, as lava_common.log.dump writes it: a YAML flow
    mapping whose scalars are all double-quoted, some with a tag ('!' keeps
    a string, '!!int' and the like make it an int, a float, a bool, null)
    -> dict. ValueError when the line is not one."""
    pos = 0

    def ws():
        nonlocal pos
        while pos < len(s) and s[pos] == " ":
            pos += 1

    def quoted():
        nonlocal pos
        if s[pos:pos + 1] != '"':
            raise ValueError("a scalar without quotes at %d" % pos)
        pos += 1
        buf = []
        while True:
            if pos >= len(s):
                raise ValueError("an unterminated string")
            c = s[pos]
            if c == '"':
                pos += 1
                return "".join(buf)
            if c == "\\":
                d = s[pos + 1:pos + 2]
                if d in _HEX:
                    w = _HEX[d]
                    digits = s[pos + 2:pos + 2 + w]
                    if len(digits) != w:
                        raise ValueError("a truncated escape")
                    buf.append(chr(int(digits, 16)))
                    pos += 2 + w
                elif d in _ESC:
                    buf.append(_ESC[d])
                    pos += 2
                else:
                    raise ValueError("a bad escape")
                continue
            buf.append(c)
            pos += 1

    def value():
        nonlocal pos
        ws()
        if s[pos:pos + 1] == "{":
            return mapping()
        if s[pos:pos + 1] == "[":
            pos += 1
            items = []
            while True:
                ws()
                if s[pos:pos + 1] == "]":
                    pos += 1
                    return items
                items.append(value())
                ws()
                if s[pos:pos + 1] == ",":
                    pos += 1
                elif s[pos:pos + 1] != "]":
                    raise ValueError("a list without ']'")
        tag = None
        if s[pos:pos + 1] == "!":
            end = s.find(" ", pos)
            if end < 0:
                raise ValueError("a tag without a value")
            tag, pos = s[pos:end], end + 1
        v = quoted()
        if tag == "!":
            # PyYAML reads a quoted scalar under the non-specific tag as if
            # it were plain: LAVA writes an int so ('"size": ! "12085184"').
            if re.match(r"^[-+]?[0-9]+$", v):
                return int(v)
            if re.match(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$", v):
                return float(v)
            return v
        if tag in (None, "!!str"):
            return v
        conv = {"!!int": int, "!!float": float,
                "!!bool": lambda x: x.lower() == "true", "!!null": lambda x: None}
        if tag not in conv:
            raise ValueError("an unknown tag %s" % tag)
        return conv[tag](v)

    def mapping():
        nonlocal pos
        pos += 1
        d = {}
        while True:
            ws()
            if s[pos:pos + 1] == "}":
                pos += 1
                return d
            k = value()
            ws()
            if s[pos:pos + 1] != ":":
                raise ValueError("a key without ':'")
            pos += 1
            d[k] = value()
            ws()
            if s[pos:pos + 1] == ",":
                pos += 1
            elif s[pos:pos + 1] != "}":
                raise ValueError("a map without '}'")

    ws()
    if s[pos:pos + 1] != "{":
        raise ValueError("not a map")
    try:
        out = mapping()
    except (IndexError, ValueError) as e:
        raise ValueError(str(e) or "truncated")
    if s[pos:].strip():
        raise ValueError("text after the map")
    return out


class Log:
    def __init__(self):
        self.console = []       # the guest's console, a line each
        self.errors = []
        self.results = []       # every 'results' map, in order
        self.sha256 = {}        # deployed image label -> sha256
        self.job = None         # LAVA's verdict of the job (pass, fail)
        self.monitor = None     # the monitor action's result
        self.job_error = ""     # LAVA's error_msg of a failed job
        self.qemu_started = False

    def text(self):
        return "".join(line + "\n" for line in self.console)

    def cases(self):
        """[(test case id, result)] of our monitor, in order."""
        return [((r.get("extra") or {}).get("test_case_id", r.get("case")), r.get("result"))
                for r in self.results if r.get("definition") == SUITE]


def verdict_of(con, log):
    """vm_boot's verdict (tools/lib/vm.sh) from what LAVA kept: ok or fail
    from SST-GUEST-END rc=N; without it, a timeout when LAVA's monitor timed
    out, else a panic (the guest died: QEMU ended on -no-reboot)."""
    if con.guest_rc is not None:
        return "ok" if con.guest_rc == 0 else "fail"
    if any("lava-test-monitor timed out" in e for e in log.errors):
        return "timeout"
    return "panic"


def sha256_of(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cmd_collect(a):
    from . import console as cons, views
    try:
        with open(os.path.join(a.dir, "jobs.tsv"), encoding="utf-8") as f:
            rows = {r[0]: r for r in (ln.rstrip("\n").split("\t") for ln in f) if len(r) == 6}
    except OSError as e:
        raise BadInput("%s: no jobs.tsv (write the jobs with 'sst lava jobs'): %s" % (a.dir, e))
    done = []
    for name in a.jobs:
        name = name.rstrip("/").split("/")[-1]
        if name not in rows:
            raise BadInput("%s is not a job of %s/jobs.tsv" % (name, a.dir))
        _, runpath, n, kver, scns, want = rows[name]
        d = os.path.join(a.dir, name)
        path = os.path.join(d, "lava", "output.yaml")
        if not os.path.isfile(path):
            raise BadInput("%s: no LAVA log %s" % (name, path))
        log = read_log(path)
        # The log must be this job's: LAVA's checksum of the initramfs it
        # deployed is that of the job's (its /sst/env names the scenarios).
        got = log.sha256.get("initrd")
        if got != want:
            raise BadInput("%s: the LAVA log deployed another initramfs (sha256 %s, "
                           "this job's is %s): a log of another job or run" % (name, got, want))
        if not log.qemu_started:
            # Deploy or the lab failed: no kernel ran, nothing to say of it.
            raise BadInput("%s: LAVA never started QEMU (job %s: %s)" % (
                name, log.job, log.job_error or "no error given"))
        con = cons.parse(log.text().encode("utf-8", "surrogateescape"))
        info = con.info.get("kernel")
        if info is not None and info != kver.split("@")[0]:
            raise BadInput("%s: the LAVA log is of kernel %s, not %s" % (name, info, kver))
        src = {b.n: b for b in model.read_boots(runpath)}.get(int(n))
        if src is None:
            raise BadInput("%s: %s has no boot %s" % (name, runpath, n))
        done.append((name, d, kver, scns, log, con, src, runpath))
    # Each run folder's name under DIR/runs: its kernel, its number when the
    # same kernel ran twice (as the jobs' names).
    runnames = {}
    for r in rows.values():
        if r[1] not in runnames:
            base = safe_name(r[3])
            taken = set(runnames.values())
            runnames[r[1]] = base if base not in taken else "%s-run%d" % (base, len(runnames) + 1)
    # 4 (nothing tested) only if every job's checks all skipped.
    status = 4 if done else 0
    merged = {}
    for name, d, kver, scns, log, con, src, runpath in done:
        out = os.path.join(d, "run")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "console-1.log"), "w", encoding="utf-8",
                  errors="surrogateescape") as f:
            f.write(log.text())
        v = verdict_of(con, log)
        with open(os.path.join(out, "boots.tsv"), "w", encoding="utf-8") as f:
            f.write("\t".join(["1", v, "", str(src.timeout or ""), src.mem, src.append,
                               src.qemu, " ".join(src.scenarios), "", ""]) + "\n")
        try:
            with open(os.path.join(runpath, "summary.json"), encoding="utf-8") as f:
                kdir = json.load(f).get("kdir", "")
        except (OSError, ValueError, AttributeError):
            kdir = ""
        run = model.build_run(kver, model.read_boots(out), scns.split(), kdir=kdir, out=out)
        model.write_files(run)
        views.write_all(run)
        # What LAVA itself recorded, beside ours.
        cases = log.cases()
        with open(os.path.join(out, "lava-results.tsv"), "w", encoding="utf-8") as f:
            for case, result in cases:
                f.write("%s\t%s\n" % (case, result))
        print("# %s: LAVA job %s, monitor %s, %d test cases; boot verdict %s; results: %s" % (
            name, log.job, log.monitor, len(cases), v, os.path.join(out, "results.txt")))
        sys.stdout.write(views.screen(run))
        status = model.worse_status(status, run.status)
        merged.setdefault(runpath, {})[src.n] = (name, v, kver, kdir)
    # A run whose every boot's job was collected: the whole run again, in
    # DIR/runs/, as tools/run.sh left it (its boots numbered as there), for
    # a report, KTAP and JSON of the kernel and for tools/matrix.sh --compare.
    for runpath, got in merged.items():
        boots = model.read_boots(runpath)
        if sorted(got) != sorted(b.n for b in boots):
            continue
        kver, kdir = next(iter(got.values()))[2:]
        out = os.path.join(a.dir, "runs", runnames[runpath])
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "boots.tsv"), "w", encoding="utf-8") as f:
            for b in boots:
                name, v = got[b.n][:2]
                shutil.copyfile(os.path.join(a.dir, name, "run", "console-1.log"),
                                os.path.join(out, "console-%d.log" % b.n))
                f.write("\t".join([str(b.n), v, "", str(b.timeout or ""), b.mem, b.append,
                                   b.qemu, " ".join(b.scenarios), "", ""]) + "\n")
        run = model.build_run(kver, model.read_boots(out), run_scenarios(runpath, boots),
                              kdir=kdir, out=out)
        model.write_files(run)
        views.write_all(run)
        print("# %s: its %d boots' jobs, the whole run: %s" % (
            runpath, len(boots), os.path.join(out, "results.txt")))
    return status


def run_scenarios(runpath, boots):
    """The scenarios of a run in the order its report has them."""
    try:
        with open(os.path.join(runpath, "summary.json"), encoding="utf-8") as f:
            names = [s["scenario"] for s in json.load(f)["scenarios"]]
    except (OSError, ValueError, KeyError, TypeError):
        names = []
    return names or [s for b in boots for s in b.scenarios]


def main(argv):
    p = argparse.ArgumentParser(prog="sst lava", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    j = sub.add_parser("jobs", help="one LAVA job per (kernel, boot)")
    j.add_argument("--out", default="lava-jobs")
    j.add_argument("--url", default="")
    j.add_argument("--smp", type=int, default=2)
    j.add_argument("--images", default="/boot")
    j.add_argument("runs", nargs="+")
    j.set_defaults(fn=cmd_jobs)
    c = sub.add_parser("collect", help="LAVA logs -> the run's report")
    c.add_argument("dir")
    c.add_argument("jobs", nargs="+")
    c.set_defaults(fn=cmd_collect)
    a = p.parse_args(argv)
    if getattr(a, "smp", 1) < 1:
        p.error("--smp takes a positive number")
    try:
        return a.fn(a)
    except BadInput as e:
        sys.stderr.write("sst lava: %s\n" % e)
        return 3
