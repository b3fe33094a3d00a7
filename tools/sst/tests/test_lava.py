# SPDX-License-Identifier: GPL-2.0
"""python3 -m sst lava: the jobs written for a recorded run, the initramfs
each job deploys, and the recorded lava-run log of one of them read back
into the run's results (data/lava/README)."""

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from sst import lava

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "lava")
REC = os.path.join(DATA, "612-mask-high")
KVER = "6.12.117+deb12-amd64"
# The Debian package's schema lives with the system's Python 3.
LAVA_PY = "/usr/bin/python3"

try:
    import yaml
except ImportError:
    yaml = None


def sst(*args):
    return subprocess.run([sys.executable, "-m", "sst", "lava", *args], cwd=TOOLS,
                          capture_output=True, text=True, timeout=60)


def lava_schema():
    """Why the lava_common schema cannot be used here, or ''."""
    if not os.access(LAVA_PY, os.X_OK):
        return "no %s" % LAVA_PY
    p = subprocess.run([LAVA_PY, "-c", "import yaml, lava_common.schemas"],
                       capture_output=True, text=True)
    return "" if p.returncode == 0 else "no lava_common (apt-get install lava-dispatcher)"


VALIDATE = r"""
import sys, yaml
from lava_common.schemas import validate
from lava_common.schemas.device import validate as validate_device
job, dev = sys.argv[1:3]
try:
    with open(job) as f: validate(yaml.safe_load(f), strict=True)
    with open(dev) as f: validate_device(yaml.safe_load(f))
except Exception as e:
    print("invalid: %s" % e); sys.exit(1)
print("valid")
"""


def newc(data):
    """A newc archive -> {name: bytes} (the trailer left out)."""
    out, pos = {}, 0
    while pos < len(data) and data[pos:pos + 6] == b"070701":
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        size, nlen = f[6], f[11]
        name = data[pos + 110:pos + 110 + nlen - 1].decode()
        pos += 110 + nlen
        pos += -pos % 4
        if name == "TRAILER!!!":
            break
        out[name] = data[pos:pos + size]
        pos += size
        pos += -pos % 4
    return out


class Workdir(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sst-lava-test-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def run_folder(self, name="run", boots=None, env=None):
        """The recorded run, with a stand-in kernel image and initramfs."""
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        for f in ("summary.json", "env-1", "boots.tsv", "results.txt"):
            shutil.copy(os.path.join(REC, f), d)
        if boots is not None:
            with open(os.path.join(d, "boots.tsv"), "w") as f:
                f.write(boots)
        for n, text in (env or {}).items():
            with open(os.path.join(d, "env-%d" % n), "w") as f:
                f.write(text)
        with open(os.path.join(d, "initramfs.cpio.gz"), "wb") as f:
            f.write(gzip.compress(lava.cpio_newc([("init", b"#!/bin/sh\n"),
                                                  ("sst/env", b"SST_MODE=old\n")]), mtime=0))
        image = os.path.join(self.tmp, "vmlinuz-" + KVER)
        with open(image, "wb") as f:
            f.write(b"kernel")
        return d, image


class Yaml(unittest.TestCase):
    TRICKY = {
        "plain": "qemu", "yes": "yes", "num": "6G", "int-like": "300", "float": "1.5",
        "colon": "a: b", "hash": "x #y", "dash": "-kernel {kernel}", "quote": 'say "hi"',
        "back": r"\S+ \S+", "empty": "", "unicode": "é\u2028", "lead": " x", "tilde": "~",
        "n": 7, "t": True, "none": None, "list": ["-m 6144", {"a": [1, "b"]}, []],
        "nested": {"k": {"l": ["x"]}, "e": {}}, "+deb": "6.12.117+deb12-amd64",
    }

    def test_round_trip(self):
        if yaml is None:
            self.skipTest("no PyYAML to read the YAML back")
        self.assertEqual(yaml.safe_load(lava.to_yaml(self.TRICKY)), self.TRICKY)

    def test_plain_words_stay_plain(self):
        text = lava.to_yaml({"device_type": "qemu", "to": "tmpfs", "k": 2, "x": "yes",
                             "n": "-m 6144"})
        self.assertEqual(text, 'device_type: qemu\nto: tmpfs\nk: 2\nx: "yes"\n'
                         '"n": "-m 6144"\n')


class Jobs(Workdir):
    def jobs(self, *runs, url="https://lab.example/sst"):
        out = os.path.join(self.tmp, "jobs")
        args = ["jobs", "--out", out] + (["--url", url] if url else []) + list(runs)
        return out, sst(*args)

    def test_one_job_per_boot_from_the_headers(self):
        boots = ("1\tok\t14\t300\t6G\t\t\tmask-high\t\t10.3\n"
                 "2\tok\t20\t90\t2G\tswiotlb=force\t-device edu\tfr004-force-all-cpus partial-sync\t\t\n")
        run, image = self.run_folder(boots=boots, env={2: 'SST_MODE=scenarios\nSST_SCENARIOS="b"\n'})
        out, p = self.jobs("%s=%s" % (run, image))
        self.assertEqual(p.returncode, 0, p.stderr)
        names = sorted(os.listdir(out))
        self.assertEqual(names, ["6.12.117_deb12-amd64-boot1", "6.12.117_deb12-amd64-boot2",
                                 "jobs.tsv"])
        with open(os.path.join(out, "jobs.tsv")) as f:
            rows = [ln.rstrip("\n").split("\t") for ln in f]
        self.assertEqual([r[2:5] for r in rows], [["1", KVER, "mask-high"],
                         ["2", KVER, "fr004-force-all-cpus partial-sync"]])
        if yaml is None:
            self.skipTest("no PyYAML to read the jobs back")
        with open(os.path.join(out, names[1], "job.yaml")) as f:
            j = yaml.safe_load(f)
        self.assertEqual(j["device_type"], "qemu")
        self.assertEqual(j["context"]["memory"], 2048)
        self.assertTrue(j["context"]["no_kvm"])
        self.assertEqual(j["context"]["extra_options"],
                         ["-machine q35", "-accel tcg", "-cpu max", "-no-reboot", "-smp 2",
                          "-device edu"])
        deploy, boot, test = (next(iter(a.values())) for a in j["actions"])
        self.assertEqual([next(iter(a)) for a in j["actions"]], ["deploy", "boot", "test"])
        self.assertEqual(deploy["to"], "tmpfs")
        self.assertEqual(deploy["images"]["kernel"]["url"],
                         "https://lab.example/sst/6.12.117_deb12-amd64-boot2/vmlinuz")
        self.assertEqual(deploy["images"]["kernel"]["image_arg"],
                         '-kernel {kernel} -append "console=ttyS0 panic=5 loglevel=7 '
                         'printk.time=1 swiotlb=force"')
        self.assertEqual(deploy["images"]["initrd"]["image_arg"], "-initrd {initrd}")
        self.assertEqual(boot, {"method": "qemu", "media": "tmpfs", "timeout": {"seconds": 120}})
        # The guest's time is the boot's timeout; the job's adds deploy and boot.
        self.assertEqual(test["timeout"], {"seconds": 90})
        self.assertEqual(j["timeouts"]["job"], {"seconds": 90 + 300 + 120 + 60})
        mon = test["monitors"][0]
        self.assertEqual(mon["start"], "SST-GUEST-START")
        self.assertTrue(re.match(mon["end"], "SST-GUEST-END rc=12\r\n"))
        self.assertFalse(re.match(mon["end"], "SST-GUEST-END rc=1"))
        with open(os.path.join(out, names[1], "device.yaml")) as f:
            dev = yaml.safe_load(f)
        q = dev["actions"]["boot"]["methods"]["qemu"]["parameters"]
        self.assertIn("-m 2048", q["options"])
        self.assertEqual(q["extra"], j["context"]["extra_options"])
        self.assertFalse(any("kvm" in o for o in q["options"] + q["extra"]))
        # A lab's copy of the kernel sits beside the job.
        with open(os.path.join(out, names[1], "vmlinuz"), "rb") as f:
            self.assertEqual(f.read(), b"kernel")

    def test_initramfs_is_the_runs_with_the_boots_env(self):
        env = 'SST_MODE=scenarios\nSST_SCENARIOS="mask-high"\n'
        run, image = self.run_folder()
        out, p = self.jobs("%s=%s" % (run, image), url="")
        self.assertEqual(p.returncode, 0, p.stderr)
        job = os.path.join(out, "6.12.117_deb12-amd64-boot1")
        with open(os.path.join(job, "initramfs.cpio.gz"), "rb") as f:
            data = f.read()
        with open(os.path.join(run, "initramfs.cpio.gz"), "rb") as f:
            base = f.read()
        self.assertTrue(data.startswith(base))
        # Two gzip members: the run's archive, then one with sst/env.
        second = gzip.decompress(data[len(base):])
        self.assertEqual(newc(second), {"sst/env": env.encode()})
        self.assertEqual(newc(gzip.decompress(base))["sst/env"], b"SST_MODE=old\n")
        with open(os.path.join(job, "job.yaml")) as f:
            text = f.read()
        self.assertIn('url: "file://%s/initramfs.cpio.gz"' % job, text)
        self.assertIn('url: "file://%s"' % image, text)

    def test_matrix_folder_gives_each_kernels_boots(self):
        m = os.path.join(self.tmp, "matrix")
        os.makedirs(m)
        for k in ("k1", "k2", "k10"):
            self.run_folder(name=os.path.join("matrix", k))
        with open(os.path.join(m, "k2", "summary.json"), "w") as f:
            f.write('{"kernel": "6.1.0-99-test"}')
        images = os.path.join(self.tmp, "images")
        os.makedirs(images)
        shutil.copy(os.path.join(self.tmp, "vmlinuz-" + KVER), images)
        # No image for k2's kernel: one line, exit 3, no jobs.
        out, p = self.jobs("--images", images, m)
        self.assertEqual(p.returncode, 3, p.stdout)
        self.assertEqual(p.stderr.strip(), "sst lava: %s/k2: no kernel image "
                         "%s/vmlinuz-6.1.0-99-test: give RUN=IMAGE" % (m, images))
        self.assertFalse(os.path.exists(out))
        with open(os.path.join(images, "vmlinuz-6.1.0-99-test"), "wb") as f:
            f.write(b"k2")
        out, p = self.jobs("--images", images, m)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "jobs.tsv")) as f:
            rows = [ln.split("\t")[:4] for ln in f]
        # k1, k2, k10 in order; the same kernel twice gets its run's number.
        self.assertEqual(rows, [
            ["6.12.117_deb12-amd64-boot1", os.path.join(m, "k1"), "1", KVER],
            ["6.1.0-99-test-boot1", os.path.join(m, "k2"), "1", "6.1.0-99-test"],
            ["6.12.117_deb12-amd64-run3-boot1", os.path.join(m, "k10"), "1", KVER]])
        # A matrix folder with =IMAGE is refused.
        out, p = self.jobs(m + "=" + os.path.join(images, "vmlinuz-" + KVER))
        self.assertEqual(p.returncode, 3)
        self.assertIn("takes no =IMAGE", p.stderr)

    def test_bad_input_is_one_line_exit_3(self):
        run, image = self.run_folder(boots="1\tok\t14\t300\t6 GB\t\t\tmask-high\t\t\n")
        cases = {
            "not a run": (os.path.join(self.tmp, "nothing"), "neither a tools/run.sh"),
            "no image": (run + "=" + os.path.join(self.tmp, "none"), "no kernel image"),
            "bad mem": (run + "=" + image, "is not a size like 2G"),
        }
        host, _ = self.run_folder(name="host", boots="1\tok\t30\t300\thost\t\t\tmask-high\t\t\n")
        cases["host run"] = (host + "=" + image, "a --xen or --host run has no QEMU job")
        for what, (arg, msg) in cases.items():
            with self.subTest(what):
                out, p = self.jobs(arg)
                self.assertEqual(p.returncode, 3, p.stdout)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertIn(msg, p.stderr)

    def test_jobs_validate_against_lavas_schema(self):
        why = lava_schema()
        if why:
            self.skipTest(why)
        boots = ("1\tok\t14\t300\t6G\t\t\tmask-high\t\t10.3\n"
                 "2\tok\t20\t90\t2G\tswiotlb=force\t-device edu\tpartial-sync\t\t\n")
        run, image = self.run_folder(boots=boots, env={2: "SST_MODE=scenarios\n"})
        for url in ("", "https://lab.example/sst"):
            out, p = self.jobs("%s=%s" % (run, image), url=url)
            self.assertEqual(p.returncode, 0, p.stderr)
            for n in (1, 2):
                d = os.path.join(out, "6.12.117_deb12-amd64-boot%d" % n)
                v = subprocess.run([LAVA_PY, "-c", VALIDATE, os.path.join(d, "job.yaml"),
                                    os.path.join(d, "device.yaml")],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(v.stdout.strip(), "valid", v.stderr)
        # The validator does reject what LAVA would: a monitor name with a blank.
        j = os.path.join(out, "6.12.117_deb12-amd64-boot1", "job.yaml")
        with open(j) as f:
            text = f.read()
        with open(j, "w") as f:
            f.write(text.replace("name: swiotlb-stress", 'name: "swiotlb stress"'))
        v = subprocess.run([LAVA_PY, "-c", VALIDATE, j, j.replace("job.yaml", "device.yaml")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(v.returncode, 1, v.stdout)


class Monitor(unittest.TestCase):
    def test_pattern_gives_every_check_of_the_recorded_console(self):
        """LAVA matches the pattern in the console stream; on the recorded
        log's console it finds exactly the guest's checks of results.txt."""
        log = lava.read_log(os.path.join(REC, "lava-run.log"))
        found = [(m.group("test_case_id"), m.group("result"))
                 for m in re.finditer(lava.PATTERN, log.text())]
        with open(os.path.join(REC, "results.txt")) as f:
            want = [(" ".join(ln.split()[:2]), ln.split()[2]) for ln in f]
        # kernel_log is the host's check, from the dmesg sections.
        self.assertEqual(found, [w for w in want if w[0] != "mask-high kernel_log"])
        # And LAVA's own results are those, in order.
        self.assertEqual(log.cases(), found)


class Log(unittest.TestCase):
    def test_flow_map(self):
        self.assertEqual(lava.flow_map(
            r'{"dt": "t", "lvl": "results", "msg": {"size": ! "12", "n": !!int "3", '
            r'"ok": !!bool "true", "s": "a\"b\\c\te\x1b\u00e9", "l": ["x", "y"]}}'),
            {"dt": "t", "lvl": "results",
             "msg": {"size": 12, "n": 3, "ok": True, "s": 'a"b\\c\te\x1b\u00e9',
                     "l": ["x", "y"]}})
        for bad in ('{"dt": "t", "msg": "cut', '{"dt": t}', '{"a": "b"} x', "plain",
                    '{"a": !!weird "b"}', '{"a": "\\x1"}'):
            with self.subTest(bad):
                with self.assertRaises(ValueError):
                    lava.flow_map(bad)

    def test_every_line_of_the_recorded_log_as_pyyaml_reads_it(self):
        if yaml is None:
            self.skipTest("no PyYAML")
        with open(os.path.join(REC, "lava-run.log"), encoding="utf-8") as f:
            for line in f:
                self.assertEqual(lava.flow_map(line.rstrip("\n")), yaml.safe_load(line))

    def test_recorded_log(self):
        log = lava.read_log(os.path.join(REC, "lava-run.log"))
        self.assertEqual((log.job, log.monitor), ("pass", "pass"))
        self.assertEqual(log.sha256["initrd"],
                         "b51443425cd87084ed0b7405946a8fb294b0a83411a53feb570b57250c0a49a9")
        self.assertIn("SST-GUEST-END rc=0", log.console)


class Collect(Workdir):
    SHA = "b51443425cd87084ed0b7405946a8fb294b0a83411a53feb570b57250c0a49a9"

    def job_dir(self, log_text=None, sha=SHA):
        run, _ = self.run_folder()
        d = os.path.join(self.tmp, "jobs")
        job = os.path.join(d, "6.12.117_deb12-amd64-boot1")
        os.makedirs(os.path.join(job, "lava"))
        with open(os.path.join(d, "jobs.tsv"), "w") as f:
            f.write("\t".join(["6.12.117_deb12-amd64-boot1", run, "1", KVER, "mask-high",
                               sha]) + "\n")
        dst = os.path.join(job, "lava", "output.yaml")
        if log_text is None:
            shutil.copy(os.path.join(REC, "lava-run.log"), dst)
        else:
            with open(dst, "w") as f:
                f.write(log_text)
        return d, job, run

    def collect(self, d):
        return sst("collect", d, "6.12.117_deb12-amd64-boot1")

    def test_same_verdicts_as_run_sh(self):
        d, job, run = self.job_dir()
        p = self.collect(d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("LAVA job pass, monitor pass, 12 test cases; boot verdict ok", p.stdout)

        def verdicts(path):
            with open(path) as f:
                return [tuple(ln.split()[:3]) for ln in f]
        got = verdicts(os.path.join(job, "run", "results.txt"))
        self.assertEqual(got, verdicts(os.path.join(run, "results.txt")))
        self.assertIn(("mask-high", "kernel_log", "pass"), got)
        for f in ("results.ktap", "summary.json", "report.txt", "checks.tsv",
                  "lava-results.tsv"):
            self.assertTrue(os.path.isfile(os.path.join(job, "run", f)), f)

    def test_the_whole_run_again_only_when_every_boot_came_back(self):
        d, job, run = self.job_dir()
        p = self.collect(d)
        self.assertEqual(p.returncode, 0, p.stderr)
        whole = os.path.join(d, "runs", "6.12.117_deb12-amd64")
        self.assertIn("# %s: its 1 boots' jobs, the whole run: %s/results.txt" % (run, whole),
                      p.stdout)
        with open(os.path.join(whole, "results.txt")) as f:
            got = [ln.split()[:3] for ln in f]
        with open(os.path.join(REC, "results.txt")) as f:
            self.assertEqual(got, [ln.split()[:3] for ln in f])
        # A second boot in the run and no job of it: no whole run.
        shutil.rmtree(os.path.join(d, "runs"))
        with open(os.path.join(run, "boots.tsv"), "a") as f:
            f.write("2\tok\t20\t300\t2G\tswiotlb=force\t\tpartial-sync\t\t\n")
        p = self.collect(d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("the whole run", p.stdout)
        self.assertFalse(os.path.exists(os.path.join(d, "runs")))

    def test_a_servers_log_reads_the_same(self):
        """lavacli jobs logs --raw: the same lines as a YAML list."""
        with open(os.path.join(REC, "lava-run.log")) as f:
            text = "".join("- " + ln for ln in f)
        d, job, run = self.job_dir(log_text=text)
        p = self.collect(d)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(job, "run", "results.txt")) as f:
            got = f.read()
        with open(os.path.join(REC, "results.txt")) as f:
            want = f.read()
        self.assertEqual([ln.split()[:3] for ln in got.splitlines()],
                         [ln.split()[:3] for ln in want.splitlines()])

    def test_a_log_of_another_job_is_refused(self):
        d, job, run = self.job_dir(sha="0" * 64)
        p = self.collect(d)
        self.assertEqual(p.returncode, 3)
        self.assertIn("another initramfs", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(job, "run")))

    def test_a_truncated_log_is_refused(self):
        with open(os.path.join(REC, "lava-run.log")) as f:
            text = f.read()
        for what, cut in (("mid-line", text[:len(text) // 2]),
                          ("no job result", "".join(text.splitlines(True)[:500]))):
            with self.subTest(what):
                d, job, run = self.job_dir(log_text=cut)
                p = self.collect(d)
                self.assertEqual(p.returncode, 3, p.stdout)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertFalse(os.path.exists(os.path.join(job, "run")))
                shutil.rmtree(d)
                shutil.rmtree(run)

    def test_the_rc_lava_read_after_the_monitor_ended(self):
        """LAVA logs what it reads after the monitor's end as 'feedback'
        lines: SST-GUEST-END rc=N may be one of them."""
        with open(os.path.join(REC, "lava-run.log")) as f:
            text = f.read()
        line = '"lvl": "target", "msg": "SST-GUEST-END rc=0"'
        self.assertIn(line, text)
        for rc, verdict in (("0", "ok"), ("1", "fail")):
            with self.subTest(rc=rc):
                d, job, run = self.job_dir(log_text=text.replace(
                    line, '"lvl": "feedback", "msg": "SST-GUEST-END rc=%s", "ns": "common"' % rc))
                p = self.collect(d)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertIn("boot verdict %s" % verdict, p.stdout)
                with open(os.path.join(job, "run", "boots.tsv")) as f:
                    self.assertEqual(f.read().split("\t")[1], verdict)
                shutil.rmtree(d)
                shutil.rmtree(run)

    def test_the_monitors_timeout_is_a_hang(self):
        """As lava-run logged find-slots-hang on 6.1 (docs/lava.md, run 4)."""
        with open(os.path.join(REC, "lava-run.log")) as f:
            lines = f.readlines()
        first = next(i for i, ln in enumerate(lines) if "c32.stale" in ln and '"target"' in ln)
        end = ('{"dt": "t", "lvl": "exception", "msg": "lava-test-monitor timed out after 300 '
               'seconds"}\n{"dt": "t", "lvl": "results", "msg": {"case": "job", "definition": '
               '"lava", "error_msg": "lava-test-monitor timed out after 300 seconds", '
               '"error_type": "Test", "result": "fail"}}\n')
        d, job, run = self.job_dir(log_text="".join(lines[:first + 1]) + end)
        p = self.collect(d)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("LAVA job fail", p.stdout)
        self.assertIn("boot verdict timeout", p.stdout)
        with open(os.path.join(job, "run", "results.txt")) as f:
            self.assertIn("mask-high scenario timeout guest stopped answering within 300s",
                          f.read())

    def test_a_job_that_never_booted_is_not_a_kernels_hang(self):
        """A deploy that failed (say, a download timed out): LAVA's error,
        exit 3, not a timeout of the kernel under test."""
        with open(os.path.join(REC, "lava-run.log")) as f:
            lines = f.readlines()
        end = ('{"dt": "2026-12-01T18:46:40.000000", "lvl": "results", "msg": {"case": '
               '"job", "definition": "lava", "error_msg": "http-download timed out after '
               '300 seconds", "error_type": "Infrastructure", "result": "fail"}}\n')
        d, job, run = self.job_dir(log_text="".join(lines[:70]) + end)
        p = self.collect(d)
        self.assertEqual(p.returncode, 3, p.stdout)
        self.assertEqual(p.stderr.strip(), "sst lava: 6.12.117_deb12-amd64-boot1: LAVA never "
                         "started QEMU (job fail: http-download timed out after 300 seconds)")
        self.assertFalse(os.path.exists(os.path.join(job, "run")))

    def test_a_guest_that_died_is_not_a_pass(self):
        """The same log cut after the first results, as LAVA ends it when
        QEMU exits (a panic with -no-reboot): the run's status is 2."""
        with open(os.path.join(REC, "lava-run.log")) as f:
            lines = f.readlines()
        first = next(i for i, ln in enumerate(lines) if "c32.stale" in ln and '"target"' in ln)
        tail = [ln for ln in lines if '"case": "job"' in ln]
        d, job, run = self.job_dir(log_text="".join(lines[:first + 1] + tail))
        p = self.collect(d)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("boot verdict panic", p.stdout)


if __name__ == "__main__":
    unittest.main()
