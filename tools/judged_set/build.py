#!/usr/bin/env python3
"""Writes tests/fixtures/matching_judged_set.json from part*.py (the texts and grades).

    python3 tools/judged_set/build.py
"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

for i in range(1, 20):
    path = os.path.join(HERE, f"part{i}.py")
    if os.path.exists(path):
        exec(compile(open(path, encoding="utf-8").read(), path, "exec"), {"__name__": f"part{i}"})

needs_by_id = {n["id"]: n for n in common.NEEDS}
for need_id, grades in common.EXTRA:
    needs_by_id[need_id]["judgments"].update({k: v for k, v in grades.items() if v > 0})
caps = {c["id"]: c for c in common.CAPS}
assert len(caps) == len(common.CAPS), "duplicate capability id"
assert len({n["id"] for n in common.NEEDS}) == len(common.NEEDS), "duplicate need id"
kinds = collections.Counter()
for n in common.NEEDS:
    for cid in n["judgments"]:
        assert cid in caps, (n["id"], cid)
    top = max(n["judgments"].values())
    best = [caps[c]["language"] for c, g in n["judgments"].items() if g == top]
    kind = ("same" if all(l == n["language"] for l in best)
            else "cross" if all(l != n["language"] for l in best) else "mixed")
    n["best_answers"] = kind
    kinds[(n["split"], kind)] += 1
out = {
    "about": "Judged set for the matching engine (issue 13), written and graded before any "
             "tuning. Grades: 3 solves the need, 2 strongly related, 1 near miss; unjudged 0. "
             "Needs of odd topics are the tuning half, even topics the held-out half. "
             "Capabilities with topic 0 are distractors from other industries. "
             "best_answers: where the need's highest-graded answers are: all in its own "
             "language (same), all in the other (cross), or both (mixed). "
             "Source: tools/judged_set/part*.py; build.py writes this file.",
    "needs": common.NEEDS,
    "capabilities": common.CAPS,
}
dest = os.path.join(HERE, "..", "..", "tests", "fixtures", "matching_judged_set.json")
with open(dest, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
langs = collections.Counter(c["language"] for c in common.CAPS)
print(f"{len(common.NEEDS)} needs, {len(common.CAPS)} capabilities "
      f"({sum(1 for c in common.CAPS if c['topic'] == 0)} distractors), languages {dict(langs)}")
print("needs by split and best answers:", dict(sorted(kinds.items())))
print("need languages:", collections.Counter(n["language"] for n in common.NEEDS))
