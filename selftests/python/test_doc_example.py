# SPDX-License-Identifier: GPL-2.0
"""The example of Documentation/python.md ("Confine a command") runs as
written and prints what the page says it prints."""

import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def test_the_pages_example_prints_what_the_page_shows(supervisor):
    with open(os.path.join(HERE, "python.md")) as f:
        page = f.read()
    section = page.split("## Confine a command", 1)[1]
    program, expected = re.findall(r"```(?:python)?\n(.*?)```", section, re.S)[:2]
    p = subprocess.run(["python3", "-c", program], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": HERE}, timeout=300)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == expected
