#!/usr/bin/env python3
"""scripts/junit-run, checked with Python's XML parser:
  1. the whole ISA suite: one <testcase> per ELF found, none failed, times
     and names present, exit status 0;
  2. a directory holding a passing guest, one that exits 7 after printing
     "hello" twice and one that loops (its time limit: 124): two failures
     with those statuses, the console output in <system-out>, exit status 1.
  junit_test.py JUNIT_RUN RIVET ISA_DIR CLI_BIN"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

run_script, rivet, isa_dir, cli_bin = sys.argv[1:5]
problems = []


def run(dirs, out, *extra):
    p = subprocess.run([sys.executable, run_script, "-j", "2", "--rivet", rivet, "-o", out, *extra, *dirs],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    return p.returncode, p.stdout.decode(), ET.parse(out).getroot()


def cases(root):
    suites = root.findall("testsuite")
    if root.tag != "testsuites" or len(suites) != 1:
        problems.append("expected <testsuites> with one <testsuite>, got <%s> with %d" % (root.tag, len(suites)))
        return {}
    return {(c.get("classname"), c.get("name")): c for c in suites[0].findall("testcase")}


with tempfile.TemporaryDirectory() as tmp:
    elfs = sorted(f for _, _, fs in os.walk(isa_dir) for f in fs if f.endswith(".elf"))
    status, out, root = run([isa_dir], os.path.join(tmp, "isa.xml"))
    got = cases(root)
    if status != 0:
        problems.append("ISA suite: exit status %d: %s" % (status, out))
    if len(got) != len(elfs) or len(elfs) < 40:
        problems.append("ISA suite: %d testcases for %d ELFs" % (len(got), len(elfs)))
    for (group, name), c in got.items():
        if c.find("failure") is not None:
            problems.append("ISA suite: %s/%s failed: %s" % (group, name, c.find("failure").get("message")))
        if float(c.get("time", "-1")) < 0:
            problems.append("ISA suite: %s/%s lacks its time" % (group, name))

    mixed = os.path.join(tmp, "mixed")
    os.mkdir(mixed)
    for name in ("pass", "hello", "loop"):
        os.symlink(os.path.join(cli_bin, name + ".elf"), os.path.join(mixed, name + ".elf"))
    status, out, root = run([mixed], os.path.join(tmp, "mixed.xml"), "--timeout", "1")
    got = {name: c for (_, name), c in cases(root).items()}
    want = {"pass.elf": None, "hello.elf": "exit status 7", "loop.elf": "exit status 124: the time limit or a hang"}
    if status != 1:
        problems.append("mixed: exit status %d, expected 1" % status)
    if sorted(got) != sorted(want):
        problems.append("mixed: testcases %s" % sorted(got))
    for name, message in want.items():
        f = got[name].find("failure") if name in got else None
        if (f.get("message") if f is not None else None) != message:
            problems.append("mixed: %s failure %r, expected %r" % (name, f.get("message") if f is not None else None,
                                                                    message))
    if "hello.elf" in got and got["hello.elf"].findtext("system-out") != "hello\nhello\n":
        problems.append("mixed: hello.elf's system-out is %r" % got["hello.elf"].findtext("system-out"))
    if root.find("testsuite") is not None and root.find("testsuite").get("failures") != "2":
        problems.append("mixed: failures=%s, expected 2" % root.find("testsuite").get("failures"))

if problems:
    print("FAIL: " + "\n".join(problems))
    sys.exit(1)
print("PASS")
