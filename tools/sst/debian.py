# SPDX-License-Identifier: GPL-2.0
"""Debian kernels for swiotlb_stress: find, fetch and prepare a build tree.

A kernel under test is named `debian:SPEC`:
  - a Debian version, upstream (`5.10.262`) or full (`6.12.117-1`);
  - a series (`5.10`, `6.1`, `6.12`, `7.2`): the newest Debian serves;
  - a suite (`bullseye`, `bookworm`, `bookworm-backports`, `trixie`, `sid`,
    and their `-security` suites): the kernel that suite's metapackage has;
  - `all`: every kernel Debian serves (one per upstream version).

The suites come from the archive this machine's apt already uses (its
sources name the mirror), through a private apt configuration under the
cache: the system's apt sources, lists, /boot and /lib/modules are never
touched. Packages are fetched with `apt-get download` and unpacked with
`dpkg-deb -x` into a temporary directory that is renamed only when complete.

The module build tree is Debian's headers package where it works on this
host (the compiler the kernel was built with, taken from its suite when it
is not installed; kbuild tools that run here). Where it does not (trixie's
and sid's tools need a newer glibc, their gcc too), the tree is prepared
from the matching linux-source package: the headers' .config and
Module.symvers, `make modules_prepare` with this host's gcc, and the reason
is printed.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SUITES = (
    "bullseye", "bullseye-security",
    "bookworm", "bookworm-security", "bookworm-backports",
    "trixie", "trixie-security",
    "sid",
)
# Metapackages whose versions are the kernels Debian serves: the default
# flavour of every suite, and Debian 12's 6.12 line.
METAPACKAGES = ("linux-image-amd64", "linux-image-6.12-amd64",
                "linux-image-6.1-amd64")
# Debian 12's own suites: preferred when two suites serve one upstream
# version (their headers work on this host).
HOST_SUITES = ("bookworm", "bookworm-security", "bookworm-backports")
ARCH = "amd64"
# Other architectures (--arch): the module is cross-built against Debian's
# headers of that architecture, whose scripts/ are the kbuild package's:
# this host's (amd64) linux-kbuild of the same version runs here. Only
# Debian 12's suites: their kernels were built with gcc-12, whose cross
# compiler Debian 12 has (CROSS[arch]: Kbuild's ARCH, CROSS_COMPILE).
CROSS = {"arm64": ("arm64", "aarch64-linux-gnu-")}


# What preparing a tree from linux-source (make olddefconfig
# modules_prepare) needs on this host: (name, command or header, package).
# pahole: without it olddefconfig turns Debian's CONFIG_DEBUG_INFO_BTF off,
# which changes struct module (module_abi_drift()).
TREE_NEEDS = (
    ("flex", "flex", "flex"), ("bison", "bison", "bison"), ("bc", "bc", "bc"),
    ("libelf", "/usr/include/gelf.h", "libelf-dev"),
    ("libssl", "/usr/include/openssl/opensslv.h", "libssl-dev"),
    ("pahole", "pahole", "pahole"),
)
TREE_PACKAGES = tuple(n[2] for n in TREE_NEEDS)


def tree_missing(which=shutil.which, exists=os.path.exists):
    """The TREE_NEEDS this host lacks, by package name."""
    return [pkg for _n, what, pkg in TREE_NEEDS
            if not (exists(what) if what.startswith("/") else which(what))]


# Why olddefconfig may turn an option of struct module off on this host.
DRIFT_HINTS = {
    "CONFIG_DEBUG_INFO_BTF_MODULES": "it needs pahole: apt-get install pahole",
}


def config_options(text):
    """{CONFIG_NAME: value} of a .config's text; an unset option is absent."""
    out = {}
    for line in text.splitlines():
        if line.startswith("CONFIG_") and "=" in line:
            name, _, value = line.partition("=")
            out[name] = value
    return out


def module_abi_drift(module_h, shipped, prepared):
    """The options struct module depends on (those its definition in
    include/linux/module.h tests, and CONFIG_MODVERSIONS) whose value differs
    between the kernel's own .config and the one make olddefconfig wrote
    with this host's tools: [(name, shipped value or None, prepared value
    or None)]. A module built in a tree with any of them lays out
    .gnu.linkonce.this_module differently from the kernel, which refuses it
    ("Invalid relocation target", insmod's "invalid module format")."""
    m = re.search(r"^struct module \{$(.*?)^\}", module_h, re.M | re.S)
    names = set(re.findall(r"\bCONFIG_[A-Z0-9_]+", m.group(1) if m else ""))
    names.add("CONFIG_MODVERSIONS")
    a, b = config_options(shipped), config_options(prepared)
    return [(n, a.get(n), b.get(n)) for n in sorted(names) if a.get(n) != b.get(n)]


def drift_text(drift):
    return "; ".join("%s %s -> %s%s" % (n, x or "unset", y or "unset",
                                         " (%s)" % DRIFT_HINTS[n] if n in DRIFT_HINTS else "")
                     for n, x, y in drift)


def tree_drift(module_h, shipped, prepared):
    """module_abi_drift() of the three files at these paths."""
    texts = []
    for path in (module_h, shipped, prepared):
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    return module_abi_drift(*texts)


def cached_tree_drift(final):
    """drift_text() of a cached kernel whose build tree was prepared from
    linux-source (FINAL/build beside the headers in FINAL/root), or ""."""
    build = os.path.join(final, "build")
    shipped = glob.glob(os.path.join(final, "root/usr/src/linux-headers-*/.config"))
    if not os.path.exists(os.path.join(final, "done")) or len(shipped) != 1:
        return ""
    try:
        return drift_text(tree_drift(os.path.join(build, "source/include/linux/module.h"),
                                     shipped[0], os.path.join(build, ".config")))
    except OSError:
        return ""


def metapackages(arch=ARCH):
    return tuple(m.replace("-amd64", "-" + arch) for m in METAPACKAGES)
LISTS_MAX_AGE = 24 * 3600


class Error(Exception):
    """Bad input or a failed fetch: one line for the user, exit 3."""


def log(msg):
    print("debian: " + msg, file=sys.stderr, flush=True)


def upstream(version):
    """'6.12.117-1~deb12u1' -> '6.12.117'."""
    return version.split("-", 1)[0]


def series(version):
    m = re.match(r"(\d+\.\d+)", version)
    return m.group(1) if m else ""


def vkey(version):
    """A sort key for upstream versions: '6.12.117' -> (6, 12, 117)."""
    return tuple(int(x) for x in re.findall(r"\d+", upstream(version))[:3])


# --- the system's mirror -----------------------------------------------------

def parse_sources(text, one_line=False):
    """(uri, suite) pairs from apt sources, deb822 or one-line format."""
    out = []
    if one_line:
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            line = re.sub(r"\[[^]]*\]", "", line)
            f = line.split()
            if len(f) >= 3 and f[0] == "deb":
                out.append((f[1].rstrip("/"), f[2]))
        return out
    for stanza in re.split(r"\n\s*\n", text):
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
                continue
            if ":" in line:
                key, val = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = val.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            for suite in fields.get("suites", "").split():
                out.append((uri.rstrip("/"), suite))
    return out


def system_mirrors(etc="/etc/apt"):
    """The archive and security URIs the system's apt uses for Debian."""
    pairs = []
    main = os.path.join(etc, "sources.list")
    if os.path.exists(main):
        with open(main, encoding="utf-8", errors="replace") as f:
            pairs += parse_sources(f.read(), one_line=True)
    for path in sorted(glob.glob(os.path.join(etc, "sources.list.d", "*"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if path.endswith(".sources"):
            pairs += parse_sources(text)
        elif path.endswith(".list"):
            pairs += parse_sources(text, one_line=True)
    return mirrors_from(pairs)


def mirrors_from(pairs):
    archive = security = None
    for uri, suite in pairs:
        base = suite.split("-", 1)[0]
        if base not in ("bullseye", "bookworm", "trixie", "sid"):
            continue
        if suite.endswith("-security"):
            security = security or uri
        elif suite in ("bullseye", "bookworm", "trixie", "sid"):
            archive = archive or uri
    if not archive:
        raise Error("no Debian archive in the system's apt sources "
                    "(/etc/apt/sources.list*): cannot reach other suites")
    return archive, security


def private_sources(archive, security):
    lines = []
    for s in SUITES:
        if s.endswith("-security"):
            if not security:
                continue
            uri = security
        else:
            uri = archive
        lines.append("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                     "%s %s main" % (uri, s))
    return "\n".join(lines) + "\n"


# --- apt, privately ------------------------------------------------------------

class Apt:
    """apt-get/apt-cache with a configuration of our own under DIR."""

    def __init__(self, root, arch=ARCH, run=subprocess.run):
        self.root = root
        self.arch = arch
        self.run = run

    def opts(self):
        r = self.root
        return ["-o", "Dir::Etc::SourceList=" + os.path.join(r, "sources.list"),
                "-o", "Dir::Etc::SourceParts=/dev/null",
                "-o", "Dir::State::Lists=" + os.path.join(r, "lists"),
                "-o", "Dir::Cache=" + os.path.join(r, "cache"),
                "-o", "Dir::State::status=/dev/null",
                "-o", "APT::Architecture=" + self.arch,
                "-o", "APT::Sandbox::User=root",
                "-o", "Debug::NoLocking=1"]

    def _call(self, argv, what, cwd=None):
        p = self.run(argv, cwd=cwd, capture_output=True, text=True)
        if p.returncode != 0:
            err = (p.stderr or p.stdout or "").strip().splitlines()
            raise Error("%s failed: %s" % (what, err[-1] if err else "exit %d" % p.returncode))
        return p.stdout

    def update(self, sources_text, refresh=False):
        for d in ("lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        path = os.path.join(self.root, "sources.list")
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        stamp = os.path.join(self.root, "lists", ".updated")
        fresh = (os.path.exists(stamp) and
                 time.time() - os.path.getmtime(stamp) < LISTS_MAX_AGE)
        if old == sources_text and fresh and not refresh:
            return
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(sources_text)
        os.replace(path + ".tmp", path)
        log("package lists of %s (private apt configuration in %s)"
            % (" ".join(SUITES), self.root))
        self._call(["apt-get"] + self.opts() + ["-q", "update"], "apt-get update")
        with open(stamp, "w", encoding="utf-8"):
            pass

    def madison(self, pkgs):
        return self._call(["apt-cache"] + self.opts() + ["madison"] + list(pkgs),
                          "apt-cache madison")

    def show(self, pkg, version):
        return self._call(["apt-cache"] + self.opts() +
                          ["show", "%s=%s" % (pkg, version)],
                          "apt-cache show %s=%s" % (pkg, version))

    def download(self, pkg, version, dest):
        self._call(["apt-get"] + self.opts() + ["-q", "download",
                                                "%s=%s" % (pkg, version)],
                   "apt-get download %s=%s" % (pkg, version), cwd=dest)
        debs = glob.glob(os.path.join(dest, "%s_*.deb" % pkg))
        if not debs:
            raise Error("apt-get download %s=%s left no .deb" % (pkg, version))
        return debs[0]


def parse_madison(text):
    """[(package, version, suite)] from apt-cache madison output."""
    out = []
    for line in text.splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) < 3:
            continue
        m = re.search(r"\s(\S+)/\S+\s+\S+\s+Packages", " " + f[2])
        if m:
            out.append((f[0], f[1], m.group(1)))
    return out


def parse_control(text):
    """The first stanza of apt-cache show output, as a dict."""
    fields = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
            continue
        key, _, val = line.partition(":")
        fields[key] = val.strip()
    return fields


def depends(fields):
    """Package names of Depends (first alternative of each)."""
    out = []
    for dep in fields.get("Depends", "").split(","):
        dep = dep.split("|", 1)[0].strip()
        name = dep.split(" ", 1)[0].split(":", 1)[0]
        if name:
            out.append(name)
    return out


# --- which kernels --------------------------------------------------------------

def served(madison_rows):
    """One (version, suite) per upstream version, newest first.

    Debian 12's suites win when two suites serve one upstream version.
    """
    best = {}
    for _pkg, ver, suite in madison_rows:
        up = upstream(ver)
        cur = best.get(up)
        if cur is None or (suite in HOST_SUITES and cur[1] not in HOST_SUITES):
            best[up] = (ver, suite)
    return sorted(best.values(), key=lambda vs: vkey(vs[0]), reverse=True)


def resolve(spec, madison_rows):
    """[(version, suite)] for a SPEC; raises Error with the reason."""
    rows = served(madison_rows)
    if not rows:
        raise Error("no kernel found in the package lists")
    if spec == "all":
        return rows
    if spec in SUITES:
        hits = [(v, s) for _p, v, s in madison_rows if s == spec]
        if not hits:
            raise Error("suite %s serves no kernel (metapackages %s)"
                        % (spec, ", ".join(METAPACKAGES)))
        return [max(hits, key=lambda vs: vkey(vs[0]))]
    if re.fullmatch(r"\d+\.\d+", spec):
        hits = [r for r in rows if series(r[0]) == spec]
        if not hits:
            raise Error("Debian serves no %s kernel (series served: %s)"
                        % (spec, " ".join(sorted({series(v) for v, _ in rows}, key=vkey))))
        return [hits[0]]
    if re.fullmatch(r"\d+\.\d+\.\d+", spec):
        hits = [r for r in rows if upstream(r[0]) == spec]
        if not hits:
            raise Error("Debian no longer serves %s (%s kernels served: %s)"
                        % (spec, series(spec), " ".join(
                            upstream(v) for v, _ in rows if series(v) == series(spec)) or "none"))
        return hits
    if re.fullmatch(r"\d+\.\d+\.\d+-\S+", spec):
        hits = [(v, s) for _p, v, s in madison_rows if v == spec]
        if not hits:
            raise Error("Debian serves no kernel version %s" % spec)
        return [hits[0]]
    raise Error("not a Debian kernel: %r (a version like 6.1.176, a series "
                "like 6.12, a suite (%s) or all)" % (spec, ", ".join(SUITES)))


# --- fetching -------------------------------------------------------------------

class Kernel:
    def __init__(self, version, suite, release=None, root=None):
        self.version = version
        self.suite = suite
        self.release = release
        self.root = root
        self.kdir = None
        self.build = None

    @property
    def image(self):
        return os.path.join(self.root, "boot", "vmlinuz-" + self.release)

    def lines(self):
        return ["kernel: " + self.image,
                "kdir: " + self.kdir,
                "release: " + self.release,
                "version: " + self.version,
                "suite: " + self.suite,
                "build: " + self.build]


def image_package(apt, version, arch=ARCH):
    """linux-image-<release> behind the metapackage of VERSION."""
    for meta in metapackages(arch):
        try:
            fields = parse_control(apt.show(meta, version))
        except Error:
            continue
        for d in depends(fields):
            if re.fullmatch(r"linux-image-\d\S*-%s(-unsigned)?" % arch, d):
                return d
    raise Error("no linux-image package behind version %s" % version)


def header_packages(apt, release, version):
    """linux-headers-<release> and the linux-headers/kbuild it needs."""
    want, seen = ["linux-headers-" + release], []
    while want:
        pkg = want.pop(0)
        if pkg in seen:
            continue
        seen.append(pkg)
        fields = parse_control(apt.show(pkg, version))
        for d in depends(fields):
            if re.match(r"linux-(headers|kbuild)-", d) and d not in seen:
                want.append(d)
    return seen


def unpack(debs, root, run=subprocess.run):
    for deb in debs:
        p = run(["dpkg-deb", "-x", deb, root], capture_output=True, text=True)
        if p.returncode != 0:
            raise Error("dpkg-deb -x %s: %s" % (os.path.basename(deb),
                                                 (p.stderr or "").strip()))


def relocate_headers(root):
    """Debian's header Makefiles include /usr/src/...: point them at ROOT."""
    for mk in glob.glob(os.path.join(root, "usr/src/linux-headers-*/Makefile")):
        with open(mk, encoding="utf-8") as f:
            text = f.read()
        new = re.sub(r"(?<![\w/])/usr/src/", os.path.join(root, "usr/src") + "/", text)
        if new != text:
            with open(mk, "w", encoding="utf-8") as f:
                f.write(new)


def fix_paths(final, tmp):
    """After the rename: the absolute paths the build trees keep."""
    files = (glob.glob(os.path.join(final, "root/usr/src/linux-headers-*/Makefile")) +
             glob.glob(os.path.join(final, "root/usr/src/linux-headers-*/sst-make-args")) +
             glob.glob(os.path.join(final, "build/Makefile")) +
             glob.glob(os.path.join(final, "build/sst-make-args")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if tmp in text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(tmp, final))
    link = os.path.join(final, "build", "source")
    if os.path.islink(link):
        os.remove(link)
        os.symlink(os.path.join(final, "src"), link)


def config_value(config, key):
    m = re.search(r"^%s=(.*)$" % re.escape(key), config, re.M)
    return m.group(1).strip('"') if m else None


def kernel_gcc(kdir):
    """The gcc major version the kernel was built with, from its .config."""
    with open(os.path.join(kdir, ".config"), encoding="utf-8") as f:
        text = config_value(f.read(), "CONFIG_CC_VERSION_TEXT") or ""
    m = re.search(r"gcc(?:-(\d+))?\b.*?\s(\d+)\.\d+", text)
    return (m.group(1) or m.group(2)) if m else None


def tools_run(kdir, run=subprocess.run):
    """None when the headers' prebuilt kbuild tools run here, else why not."""
    for tool in ("scripts/basic/fixdep", "scripts/mod/modpost"):
        path = os.path.join(kdir, tool)
        if not os.path.exists(path):
            return "no %s in the headers" % tool
        try:
            p = run([path], capture_output=True, text=True)
        except OSError as e:
            return "its kbuild tools do not run here (%s: %s)" % (tool, e.strerror)
        err = (p.stderr or "").strip()
        if p.returncode in (126, 127) or "GLIBC_" in err:
            return "its kbuild tools do not run here (%s: %s)" % (
                tool, err.splitlines()[-1] if err else "exit %d" % p.returncode)
    return None


class Fetcher:
    def __init__(self, cache, run=subprocess.run, etc="/etc/apt", refresh=False,
                 arch=ARCH):
        if arch != ARCH and arch not in CROSS:
            raise Error("unknown architecture %r (amd64 or %s)" % (arch, " ".join(CROSS)))
        self.cache = cache
        self.run = run
        self.etc = etc
        self.refresh = refresh
        self.arch = arch
        # This host's configuration (and, for another architecture, its
        # linux-kbuild); another architecture's lists and kernels live
        # under CACHE/ARCH.
        self.host_apt = Apt(os.path.join(cache, "apt"), run=run)
        self.apt = self.host_apt
        self.base = os.path.join(cache, "debian")
        if arch != ARCH:
            self.apt = Apt(os.path.join(cache, arch, "apt"), arch=arch, run=run)
            self.base = os.path.join(cache, arch, "debian")
        self._rows = None
        self.tree_missing = tree_missing

    def rows(self):
        if self._rows is None:
            archive, security = system_mirrors(self.etc)
            self.apt.update(private_sources(archive, security), self.refresh)
            if self.apt is not self.host_apt:
                self.host_apt.update(private_sources(archive, security), self.refresh)
            rows = parse_madison(self.apt.madison(metapackages(self.arch)))
            if self.arch != ARCH:
                rows = [r for r in rows if r[2] in HOST_SUITES]
            self._rows = rows
        return self._rows

    def resolve(self, spec):
        return [Kernel(v, s) for v, s in resolve(spec, self.rows())]

    def _download(self, pkgs, version, tmp):
        debs = []
        for pkg in pkgs:
            log("fetching %s %s" % (pkg, version))
            debs.append(self.apt.download(pkg, version, tmp))
        return debs

    def fetch(self, k):
        """Image and build tree of kernel K into the cache; fills K in."""
        base = self.base
        os.makedirs(base, exist_ok=True)
        final = os.path.join(base, "%s-%s" % (k.version.replace("~", "_"), self.arch))
        stale = cached_tree_drift(final)
        if stale:
            # Prepared on a host that lacked a tool (pahole) before this
            # was checked: prepared again.
            log("cached tree of %s does not match its kernel (%s): preparing it again"
                % (k.version, stale))
            os.unlink(os.path.join(final, "done"))
        if not os.path.exists(os.path.join(final, "done")):
            if os.path.exists(final):
                shutil.rmtree(final)
            tmp = tempfile.mkdtemp(prefix=".part-", dir=base)
            try:
                self._fetch_into(k, tmp)
                with open(os.path.join(tmp, "done"), "w", encoding="utf-8") as f:
                    f.write("\n".join(k.lines()).replace(tmp, final) + "\n")
                os.rename(tmp, final)
                fix_paths(final, tmp)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        with open(os.path.join(final, "done"), encoding="utf-8") as f:
            fields = dict(line.split(": ", 1) for line in f.read().splitlines() if ": " in line)
        k.release = fields["release"]
        k.root = os.path.join(final, "root")
        k.kdir = fields["kdir"]
        k.build = fields["build"]
        return k

    def _fetch_into(self, k, tmp):
        dl = os.path.join(tmp, "debs")
        root = os.path.join(tmp, "root")
        os.makedirs(dl)
        os.makedirs(root)
        img = image_package(self.apt, k.version, self.arch)
        k.release = re.sub(r"^linux-image-|-unsigned$", "", img)
        k.root = root
        # 7.2 splits the image: the kernel itself is in linux-binary-<release>.
        binary = [d for d in depends(parse_control(self.apt.show(img, k.version)))
                  if d.startswith("linux-binary-")]
        pkgs = [img] + binary + header_packages(self.apt, k.release, k.version)
        if self.arch != ARCH:
            # The headers' scripts/ link to the kbuild package: this
            # host's build of it, so fixdep and modpost run here.
            kbuild = [p for p in pkgs if p.startswith("linux-kbuild-")]
            pkgs = [p for p in pkgs if p not in kbuild]
            debs = self._download(pkgs, k.version, dl)
            for p in kbuild:
                log("fetching %s %s (%s, for this host)" % (p, k.version, ARCH))
                debs.append(self.host_apt.download(p, k.version, dl))
            unpack(debs, root, self.run)
        else:
            unpack(self._download(pkgs, k.version, dl), root, self.run)
        # 7.2 keeps the image as /usr/lib/modules/<release>/vmlinuz; the
        # tools name a kernel by its vmlinuz-<release> file.
        moved = os.path.join(root, "usr/lib/modules", k.release, "vmlinuz")
        if not os.path.exists(k.image) and os.path.exists(moved):
            os.makedirs(os.path.dirname(k.image), exist_ok=True)
            os.link(moved, k.image)
        if not os.path.exists(k.image):
            raise Error("%s has no /boot/vmlinuz-%s" % (img, k.release))
        hdr = os.path.join(root, "usr/src/linux-headers-" + k.release)
        relocate_headers(root)
        why = tools_run(hdr, self.run)
        if self.arch != ARCH:
            self._cross(hdr, k, why)
            shutil.rmtree(dl)
            return
        cc = None
        if not why:
            cc, why = self._compiler(hdr, k, tmp)
        if not why:
            k.kdir = hdr
            k.build = "headers (%s)" % cc
            with open(os.path.join(hdr, "sst-make-args"), "w", encoding="utf-8") as f:
                f.write("CC=%s\n" % cc)
        else:
            log("headers of %s cannot be used here: %s; preparing a tree from "
                "linux-source-%s instead" % (k.release, why, series(k.version)))
            k.kdir = self._source_tree(k, hdr, tmp)
            k.build = "linux-source-%s %s, modules_prepare with gcc (headers: %s)" % (
                series(k.version), k.version, why)
        shutil.rmtree(dl)

    def _cross(self, hdr, k, why):
        """Another architecture's headers: cross gcc of the kernel's major."""
        if why:
            raise Error("headers of %s cannot be used here: %s" % (k.release, why))
        karch, prefix = CROSS[self.arch]
        major = kernel_gcc(hdr)
        if not major:
            raise Error("%s: cannot tell its compiler from CONFIG_CC_VERSION_TEXT" % k.release)
        cc = shutil.which("%sgcc-%s" % (prefix, major))
        if not cc:
            raise Error("%s was built with gcc-%s: no %sgcc-%s here (Debian 12 "
                        "has gcc-aarch64-linux-gnu, gcc-12)" % (k.release, major, prefix, major))
        k.kdir = hdr
        k.build = "headers (%s, ARCH=%s, amd64 linux-kbuild)" % (cc, karch)
        with open(os.path.join(hdr, "sst-make-args"), "w", encoding="utf-8") as f:
            f.write("ARCH=%s\nCROSS_COMPILE=%s\nCC=%s\n" % (karch, prefix, cc))

    def busybox(self):
        """busybox-static of the architecture, unpacked in the cache: its path."""
        return self.unpacked("busybox-static", "busybox", "bin/busybox")

    def xen(self):
        """Xen 4.17's image for the architecture (xen-hypervisor-4.17-ARCH,
        never installed), unpacked in the cache: its path."""
        return self.unpacked("xen-hypervisor-4.17-" + self.arch, "xen",
                             "boot/xen-4.17-" + self.arch)

    def unpacked(self, pkg, name, rel):
        """The newest Debian 12 PKG of the architecture unpacked under the
        cache's ARCH/NAME: the path of its file REL."""
        rows = [r for r in parse_madison(self.apt.madison([pkg]))
                if r[2] in HOST_SUITES]
        if not rows:
            raise Error("no %s for %s in Debian 12's suites" % (pkg, self.arch))
        ver = max(rows, key=lambda r: vkey(r[1]))[1]
        base = os.path.join(self.cache, self.arch, name)
        final = os.path.join(base, ver.replace(":", "_").replace("~", "_"))
        path = os.path.join(final, rel)
        if not os.path.exists(path):
            os.makedirs(base, exist_ok=True)
            tmp = tempfile.mkdtemp(prefix=".part-", dir=base)
            try:
                dl = os.path.join(tmp, "debs")
                os.makedirs(dl)
                unpack(self._download([pkg], ver, dl), os.path.join(tmp, "root"), self.run)
                if not os.path.exists(os.path.join(tmp, "root", rel)):
                    raise Error("%s %s has no /%s" % (pkg, ver, rel))
                if os.path.exists(final):
                    shutil.rmtree(final)
                os.rename(os.path.join(tmp, "root"), final)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return path

    def _compiler(self, hdr, k, tmp):
        """(CC, None) for the gcc the kernel wants, or (None, why not)."""
        major = kernel_gcc(hdr)
        if not major:
            return None, "cannot tell its compiler from CONFIG_CC_VERSION_TEXT"
        have = shutil.which("gcc-" + major)
        if have:
            return have, None
        # The suite's own gcc, unpacked beside the kernel.
        groot = os.path.join(tmp, "gcc")
        os.makedirs(groot)
        try:
            fields = parse_control(self.apt.show("gcc-" + major, self._suite_version("gcc-" + major, k.suite)))
            ver = fields["Version"]
            debs = self._download(["gcc-%s" % major, "cpp-%s" % major,
                                   "libgcc-%s-dev" % major, "gcc-%s-base" % major], ver,
                                  os.path.join(tmp, "debs"))
            unpack(debs, groot, self.run)
        except (Error, KeyError) as e:
            return None, "gcc-%s is not installed and cannot be had from %s (%s)" % (major, k.suite, e)
        cc = os.path.join(groot, "usr/bin/gcc-" + major)
        if not os.path.exists(cc):
            cc = os.path.join(groot, "usr/bin/x86_64-linux-gnu-gcc-" + major)
        try:
            p = self.run([cc, "--version"], capture_output=True, text=True)
            err = (p.stderr or "").strip().splitlines()[-1:] or ["exit %d" % p.returncode]
        except OSError as e:
            p, err = None, [e.strerror]
        if p is None or p.returncode != 0:
            return None, "gcc-%s from %s does not run here (%s)" % (major, k.suite, err[0])
        return cc, None

    def _suite_version(self, pkg, suite):
        base = suite.split("-", 1)[0]
        rows = parse_madison(self.apt.madison([pkg]))
        for _p, v, s in rows:
            if s == suite or s == base:
                return v
        raise Error("%s is not in %s" % (pkg, suite))

    def _source_tree(self, k, hdr, tmp):
        ser = series(k.version)
        # olddefconfig needs flex and bison, modules_prepare bc, libelf
        # (objtool) and libssl (sign-file): say so before 140 MB of source.
        missing = self.tree_missing()
        if missing:
            raise Error("preparing a tree from linux-source-%s needs "
                        "apt-get install %s" % (ser, " ".join(missing)))
        dl = os.path.join(tmp, "debs")
        unpack(self._download(["linux-source-" + ser], k.version, dl),
               os.path.join(tmp, "srcpkg"), self.run)
        tarballs = glob.glob(os.path.join(tmp, "srcpkg/usr/src/linux-source-%s.tar.*" % ser))
        if not tarballs:
            raise Error("linux-source-%s %s has no tarball" % (ser, k.version))
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        log("unpacking %s" % os.path.basename(tarballs[0]))
        self._sh(["tar", "-xf", tarballs[0], "-C", src, "--strip-components=1"], "tar")
        shutil.rmtree(os.path.join(tmp, "srcpkg"))
        build = os.path.join(tmp, "build")
        os.makedirs(build)
        shutil.copy(os.path.join(hdr, ".config"), os.path.join(build, ".config"))
        # Debian's release string, whatever the tree's own version says.
        args = ["make", "-C", src, "O=" + build, "CC=gcc", "HOSTCC=gcc",
                "KERNELRELEASE=" + k.release, "-j%d" % (os.cpu_count() or 1)]
        log("make olddefconfig modules_prepare for %s (host gcc)" % k.release)
        self._sh(args + ["olddefconfig"], "make olddefconfig")
        # A tree whose struct module differs from the kernel's builds a
        # module the kernel refuses: stop here, naming the options.
        drift = tree_drift(os.path.join(src, "include/linux/module.h"),
                           os.path.join(hdr, ".config"), os.path.join(build, ".config"))
        if drift:
            raise Error("make olddefconfig changed what struct module depends on, so %s "
                        "would refuse a module built in this tree: %s"
                        % (k.release, drift_text(drift)))
        self._sh(args + ["modules_prepare"], "make modules_prepare")
        shutil.copy(os.path.join(hdr, "Module.symvers"), os.path.join(build, "Module.symvers"))
        with open(os.path.join(build, "include/config/kernel.release"), encoding="utf-8") as f:
            got = f.read().strip()
        if got != k.release:
            raise Error("prepared tree says release %s, the image %s" % (got, k.release))
        with open(os.path.join(build, "sst-make-args"), "w", encoding="utf-8") as f:
            f.write("CC=gcc\nKERNELRELEASE=%s\n" % k.release)
        return build

    def source(self, k):
        """A clean linux-source tree or tarball of kernel K's version.

        A tree already unpacked for K's build (7.2's) is used as it is:
        its builds are O= builds, so it stays clean. Otherwise
        linux-source-X.Y of K's version is downloaded and its tarball kept
        in the cache. Returns the path.
        """
        ser = series(k.version)
        base = os.path.join(self.cache, "debian")
        final = os.path.join(base, "%s-%s" % (k.version.replace("~", "_"), ARCH))
        tree = os.path.join(final, "src")
        if (os.path.exists(os.path.join(final, "done")) and
                os.path.isfile(os.path.join(tree, "Makefile")) and
                not os.path.exists(os.path.join(tree, ".config")) and
                not os.path.exists(os.path.join(tree, "include", "config"))):
            return tree
        dest = os.path.join(base, "source-%s" % k.version.replace("~", "_"))
        tarball = os.path.join(dest, "linux-source-%s.tar.xz" % ser)
        if os.path.exists(tarball):
            return tarball
        os.makedirs(base, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".part-", dir=base)
        try:
            dl = os.path.join(tmp, "debs")
            os.makedirs(dl)
            unpack(self._download(["linux-source-" + ser], k.version, dl),
                   os.path.join(tmp, "srcpkg"), self.run)
            found = glob.glob(os.path.join(tmp, "srcpkg/usr/src/linux-source-%s.tar.xz" % ser))
            if not found:
                raise Error("linux-source-%s %s has no .tar.xz tarball" % (ser, k.version))
            os.makedirs(os.path.join(tmp, "out"))
            os.rename(found[0], os.path.join(tmp, "out", os.path.basename(tarball)))
            if os.path.exists(dest):
                shutil.rmtree(dest)
            os.rename(os.path.join(tmp, "out"), dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return tarball

    def _sh(self, argv, what):
        p = self.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            tail = (p.stderr or p.stdout or "").strip().splitlines()[-3:]
            raise Error("%s failed: %s" % (what, " | ".join(tail)))


def source_tree(image, cache=None):
    """The extracted linux-source tree a fetched Debian kernel came from,
    for the fingerprints' source probes (tools/sst/findings.py): (path,
    how) or (None, why not). IMAGE is the kernel image fetch() left,
    CACHE/debian/<version>-amd64/root/boot/vmlinuz-<release>. Only trees
    already in the cache count (nothing is downloaded): the fetch's own
    src/ (a tree prepared from linux-source, 7.2's), else
    CACHE/src/linux-X.Y* (tools/build-kernel.sh's pristine trees); either
    only when its Makefile says the kernel's upstream version (Debian's
    revision is not recorded in the tree, so it is not compared)."""
    from .findings import ksrc_problem, ksrc_version
    cache = cache or os.environ.get("SST_CACHE", "/var/tmp/swiotlb_stress")
    final = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(image))))
    try:
        with open(os.path.join(final, "done"), encoding="utf-8") as f:
            fields = dict(l.split(": ", 1) for l in f.read().splitlines() if ": " in l)
    except OSError:
        return None, "not a kernel tools/sst/debian.py fetched (no %s)" % os.path.join(final, "done")
    version = fields.get("version", "")
    if not version:
        return None, "%s names no version" % os.path.join(final, "done")
    want, ser = upstream(version), series(version)
    cands = [os.path.join(final, "src")]
    cands += sorted(glob.glob(os.path.join(cache, "src", "linux-%s" % ser)) +
                    glob.glob(os.path.join(cache, "src", "linux-%s-*" % ser)))
    seen = []
    for c in cands:
        if not os.path.isdir(c) or ksrc_problem(c):
            continue
        got = ksrc_version(c)
        if got == want:
            return c, "the linux-source tree of Debian %s in the cache (its Makefile says %s)" % (
                version, got)
        seen.append("%s is %s" % (c, got))
    return None, "no linux-source tree of Debian %s (%s) in the cache%s" % (
        version, want, ": " + ", ".join(seen) if seen else "")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="debian-kernel",
                                 description="Fetch Debian kernels for swiotlb_stress.")
    ap.add_argument("cmd", choices=("resolve", "fetch", "source", "busybox", "xen"),
                    help="source: print 'source: PATH', a clean linux-source "
                    "tree or tarball of the kernel's version; busybox: print "
                    "'busybox: PATH', busybox-static of --arch (no SPEC); xen: "
                    "print 'xen: PATH', Xen 4.17's image for --arch (no SPEC)")
    ap.add_argument("spec", nargs="?")
    ap.add_argument("--cache", default=os.environ.get("SST_CACHE", "/var/tmp/swiotlb_stress"))
    ap.add_argument("--arch", default=ARCH,
                    help="the kernel's architecture: amd64 (default) or %s" % " ".join(CROSS))
    ap.add_argument("--refresh", action="store_true", help="update the package lists now")
    a = ap.parse_intermixed_args(argv)
    if a.cmd in ("busybox", "xen"):
        try:
            f = Fetcher(a.cache, refresh=a.refresh, arch=a.arch)
            f.rows()
            print("%s: %s" % (a.cmd, f.busybox() if a.cmd == "busybox" else f.xen()))
        except Error as e:
            print("debian: %s (%s): %s" % (a.cmd, a.arch, e), file=sys.stderr)
            return 3
        return 0
    if not a.spec:
        ap.error("%s needs a SPEC" % a.cmd)
    spec = a.spec[len("debian:"):] if a.spec.startswith("debian:") else a.spec
    try:
        f = Fetcher(a.cache, refresh=a.refresh, arch=a.arch)
        kernels = f.resolve(spec)
    except Error as e:
        print("debian:%s: %s" % (spec, e), file=sys.stderr)
        return 3
    fetched = 0
    for k in kernels:
        if a.cmd == "source":
            try:
                print("source: %s\nversion: %s\nsuite: %s\n" % (f.source(k), k.version, k.suite))
            except Error as e:
                print("debian:%s: %s" % (k.version, e), file=sys.stderr)
                return 3
            continue
        if a.cmd != "fetch":
            print("version: %s\nsuite: %s\n" % (k.version, k.suite))
            continue
        try:
            f.fetch(k)
        except Error as e:
            print("debian:%s: %s" % (k.version, e), file=sys.stderr)
            if len(kernels) == 1:
                return 3
            # One kernel of several the archive cannot serve: say so, go on.
            print("version: %s\nsuite: %s\nunavailable: %s\n" % (k.version, k.suite, e))
            continue
        fetched += 1
        print("\n".join(k.lines()) + "\n")
    return 0 if fetched or a.cmd != "fetch" else 3


if __name__ == "__main__":
    try:
        rc = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (| head): no traceback. The interpreter's
        # own flush at exit would fail the same way, so point stdout at
        # /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        rc = 141
    sys.exit(rc)
