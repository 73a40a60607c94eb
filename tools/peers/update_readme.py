#!/usr/bin/env python3
"""update_readme.py — put tools/peers/readme_section.md and the latest results table into README.md's benchmark
section (between '<!-- section: benchmarks -->' and the next '## ' heading). Only that section is touched."""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
readme_path = os.path.join(root, "README.md")
with open(os.path.join(here, "readme_section.md")) as f:
    intro = f.read().rstrip() + "\n"
with open(os.path.join(here, "results", "benchmarks.md")) as f:
    results = f.read()
notes_path = os.path.join(here, "results", "notes.md")
notes = open(notes_path).read().strip() + "\n" if os.path.exists(notes_path) else ""

# From the results: the caption, the table, the sanity lines and the chart; the settings and allocator blocks stay
# in results/benchmarks.md (linked).
keep = results.split("\nEngine settings:")[0].strip()
keep = keep.replace("![steps per second](steps_per_second.png)", "")
section = (intro + "\nLatest run (`tools/peers/results/benchmarks.md` also has the engine settings and the allocator "
           "figures of `tools/bench_alloc`):\n\n" + keep + "\n\n![steps per second](tools/peers/results/"
           "steps_per_second.png)\n\n" + notes)

with open(readme_path) as f:
    text = f.read()
marker = "<!-- section: benchmarks -->\n"
start = text.index(marker) + len(marker)
m = re.compile(r"^## ", re.M).search(text, start)
end = m.start() if m else len(text)
text = text[:start] + "\n" + section.rstrip() + "\n\n" + text[end:]
with open(readme_path, "w") as f:
    f.write(text)
print(f"README.md: benchmark section updated ({len(section)} characters)")
