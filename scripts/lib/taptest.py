#!/usr/bin/env python3
"""Run one unittest.TestCase and print TAP: the host unit tests of
scripts/lib (test_*.py) end with `sys.exit(taptest.run(Case, "label"))`."""
import os
import unittest


def run(case, label):
    """Run every test of @case; one TAP line each ("ok N - label: name"),
    then each failure's traceback as comments.  Return: the exit status."""
    loader = unittest.defaultTestLoader
    with open(os.devnull, "w") as null:
        result = unittest.TextTestRunner(stream=null).run(loader.loadTestsFromTestCase(case))
    bad = {t.id().rsplit(".", 1)[-1] for t, _ in result.failures + result.errors}
    for i, name in enumerate(loader.getTestCaseNames(case), 1):
        print("%s %d - %s: %s" % ("not ok" if name in bad else "ok", i, label, name))
    for _, tb in result.failures + result.errors:
        print("# " + tb.replace("\n", "\n# "))
    return 0 if result.wasSuccessful() else 1
