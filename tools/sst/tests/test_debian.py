# SPDX-License-Identifier: GPL-2.0
"""tools/sst/debian.py on recorded apt output: no network, no apt."""

import os
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

from sst import debian

DATA = os.path.join(os.path.dirname(__file__), "data")


def madison():
    with open(os.path.join(DATA, "madison-2026-12.txt"), encoding="utf-8") as f:
        return debian.parse_madison(f.read())


class Resolve(unittest.TestCase):
    def test_all_one_per_upstream_version(self):
        got = [debian.upstream(v) for v, _ in debian.resolve("all", madison())]
        self.assertEqual(got, ["7.2.13", "6.12.118", "6.12.117", "6.12.95", "6.1.192",
                               "6.1.180", "6.1.176", "5.10.262", "5.10.223"])

    def test_debian12_suite_wins_a_shared_version(self):
        self.assertEqual(debian.resolve("6.12.117", madison()),
                         [("6.12.117-1~deb12u1", "bookworm-security")])

    def test_full_version_picks_that_package(self):
        self.assertEqual(debian.resolve("6.12.117-1", madison()), [("6.12.117-1", "trixie")])

    def test_series_is_newest(self):
        self.assertEqual(debian.resolve("6.12", madison())[0][0], "6.12.118-1")
        self.assertEqual(debian.resolve("5.10", madison())[0][0], "5.10.262-1")

    def test_suite(self):
        self.assertEqual(debian.resolve("bookworm", madison()), [("6.1.176-1", "bookworm")])
        self.assertEqual(debian.resolve("sid", madison()), [("7.2.13-1", "sid")])

    def test_bad_specs_say_why(self):
        for spec, why in (("9.9", "serves no 9.9"), ("6.1.100", "no longer serves 6.1.100"),
                          ("jessie", "not a Debian kernel"), ("6.1.176-9", "no kernel version")):
            with self.assertRaises(debian.Error) as e:
                debian.resolve(spec, madison())
            self.assertIn(why, str(e.exception))


class Sources(unittest.TestCase):
    def test_deb822_and_one_line(self):
        deb822 = ("Types: deb\nURIs: http://m/debian\nSuites: bookworm bookworm-updates\n"
                  "Components: main\n\nTypes: deb\nURIs: http://m/debian-security\n"
                  "Suites: bookworm-security\nComponents: main\n")
        pairs = debian.parse_sources(deb822)
        self.assertEqual(debian.mirrors_from(pairs), ("http://m/debian", "http://m/debian-security"))
        one = "deb [arch=amd64] http://x/debian bookworm main\n# deb http://y sid main\n"
        self.assertEqual(debian.parse_sources(one, one_line=True), [("http://x/debian", "bookworm")])

    def test_no_debian_archive(self):
        with self.assertRaises(debian.Error):
            debian.mirrors_from([("https://packages.example/apt", "cloud-sdk-bookworm")])

    def test_private_sources_name_every_suite(self):
        text = debian.private_sources("http://m/debian", "http://m/debian-security")
        for s in debian.SUITES:
            self.assertRegex(text, r" %s main\n" % s)


class Control(unittest.TestCase):
    def test_depends_first_alternative(self):
        f = debian.parse_control(
            "Package: linux-headers-5.10.0-46-amd64\nVersion: 5.10.262-1\n"
            "Depends: linux-headers-5.10.0-46-common (= 5.10.262-1), linux-kbuild-5.10 (>= 5.10.262-1),"
            " linux-compiler-gcc-10-x86\n\nPackage: other\n")
        self.assertEqual(debian.depends(f), ["linux-headers-5.10.0-46-common", "linux-kbuild-5.10",
                                             "linux-compiler-gcc-10-x86"])

    def test_kernel_gcc(self):
        with tempfile.TemporaryDirectory() as d:
            for text, want in (('CONFIG_CC_VERSION_TEXT="gcc-10 (Debian 10.2.1-6) 10.2.1 20210110"', "10"),
                               ('CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-16 (Debian 16.2.0-4) 16.2.0"', "16"),
                               ('CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"', "12")):
                with open(os.path.join(d, ".config"), "w", encoding="utf-8") as f:
                    f.write(text + "\n")
                self.assertEqual(debian.kernel_gcc(d), want)


class FetchFailure(unittest.TestCase):
    """A failed download leaves nothing in the cache."""

    def test_nothing_half_extracted(self):
        def run(argv, **kw):
            if argv[0] == "apt-cache" and "show" in argv:
                return subprocess.CompletedProcess(argv, 0, "Package: linux-image-amd64\n"
                                                   "Depends: linux-image-6.1.0-50-amd64 (= 6.1.176-1)\n", "")
            if argv[0] == "apt-get" and "download" in argv:
                return subprocess.CompletedProcess(argv, 100, "", "E: Failed to fetch: connection cut\n")
            return subprocess.CompletedProcess(argv, 0, "", "")
        with tempfile.TemporaryDirectory() as cache:
            f = debian.Fetcher(cache, run=run)
            with self.assertRaises(debian.Error) as e, mock.patch.object(debian, "log"):
                f.fetch(debian.Kernel("6.1.176-1", "bookworm"))
            self.assertIn("Failed to fetch", str(e.exception))
            self.assertEqual(os.listdir(os.path.join(cache, "debian")), [])


class TreeTools(unittest.TestCase):
    """A tree from linux-source needs flex, bison, bc, libelf, libssl:
    without one, one line naming the packages, before any download (a
    fresh Debian 12 has none of them; make olddefconfig failed there)."""

    def test_missing_named(self):
        self.assertEqual(debian.tree_missing(which=lambda c: None, exists=lambda p: False),
                         list(debian.TREE_PACKAGES))
        self.assertEqual(debian.tree_missing(which=lambda c: "/usr/bin/" + c,
                                             exists=lambda p: "gelf" in p), ["libssl-dev"])

    def test_refused_before_download(self):
        calls = []

        def run(argv, **kw):
            calls.append(argv)
            return subprocess.CompletedProcess(argv, 0, "", "")
        with tempfile.TemporaryDirectory() as cache:
            f = debian.Fetcher(cache, run=run)
            f.tree_missing = lambda: ["flex", "bison"]
            with self.assertRaises(debian.Error) as e:
                f._source_tree(debian.Kernel("7.2.13-1", "sid"), cache, cache)
            self.assertIn("apt-get install flex bison", str(e.exception))
            self.assertEqual(calls, [])



MODULE_H = """struct module_kobject { int x; };
struct module {
	enum module_state state;
#ifdef CONFIG_MODULE_UNLOAD
	struct list_head source_list;
#endif
#ifdef CONFIG_DEBUG_INFO_BTF_MODULES
	unsigned int btf_data_size;
#endif
} ____cacheline_aligned __randomize_layout;
#ifdef CONFIG_SYSFS_OUTSIDE
#endif
"""


class ModuleAbiDrift(unittest.TestCase):
    """Found on a fresh machine without pahole: olddefconfig dropped
    CONFIG_DEBUG_INFO_BTF_MODULES from Debian's 6.12.118 and 7.2.13
    configs, the module built in that tree was refused by the kernel
    ("Invalid relocation target", insmod: invalid module format) and every
    scenario skipped."""

    SHIPPED = ("CONFIG_MODULE_UNLOAD=y\nCONFIG_DEBUG_INFO_BTF_MODULES=y\n"
               "CONFIG_MODVERSIONS=y\nCONFIG_RUST=y\nCONFIG_GCC_VERSION=140200\n")

    def test_the_options_of_struct_module_only(self):
        prepared = ("CONFIG_MODULE_UNLOAD=y\n# CONFIG_DEBUG_INFO_BTF_MODULES is not set\n"
                    "CONFIG_MODVERSIONS=y\nCONFIG_GCC_VERSION=120200\n")
        drift = debian.module_abi_drift(MODULE_H, self.SHIPPED, prepared)
        # RUST and the compiler's version differ too, but struct module
        # does not test them; an option outside its definition neither.
        self.assertEqual(drift, [("CONFIG_DEBUG_INFO_BTF_MODULES", "y", None)])
        self.assertEqual(debian.drift_text(drift),
                         "CONFIG_DEBUG_INFO_BTF_MODULES y -> unset "
                         "(it needs pahole: apt-get install pahole)")

    def test_modversions_always_and_none_when_equal(self):
        self.assertEqual(debian.module_abi_drift(MODULE_H, self.SHIPPED, self.SHIPPED), [])
        prepared = self.SHIPPED.replace("CONFIG_MODVERSIONS=y\n", "")
        self.assertEqual(debian.module_abi_drift(MODULE_H, self.SHIPPED, prepared),
                         [("CONFIG_MODVERSIONS", "y", None)])

    def test_a_cached_tree_is_checked_again(self):
        with tempfile.TemporaryDirectory() as final:
            hdr = os.path.join(final, "root/usr/src/linux-headers-7.2.13+deb14-amd64")
            src = os.path.join(final, "src/include/linux")
            for d in (hdr, src, os.path.join(final, "build")):
                os.makedirs(d)
            os.symlink(os.path.join(final, "src"), os.path.join(final, "build/source"))
            for path, text in ((os.path.join(src, "module.h"), MODULE_H),
                               (os.path.join(hdr, ".config"), self.SHIPPED),
                               (os.path.join(final, "build/.config"), self.SHIPPED),
                               (os.path.join(final, "done"), "release: 7.2.13+deb14-amd64\n")):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            self.assertEqual(debian.cached_tree_drift(final), "")
            with open(os.path.join(final, "build/.config"), "w", encoding="utf-8") as f:
                f.write(self.SHIPPED.replace("CONFIG_DEBUG_INFO_BTF_MODULES=y\n", ""))
            self.assertIn("CONFIG_DEBUG_INFO_BTF_MODULES y -> unset",
                          debian.cached_tree_drift(final))
            # A kernel whose headers were used as they are: nothing to check.
            shutil.rmtree(os.path.join(final, "build"))
            self.assertEqual(debian.cached_tree_drift(final), "")


if __name__ == "__main__":
    unittest.main()
