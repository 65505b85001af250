"""Helpers for the judged set's source files (part*.py); build.py writes the JSON."""

CAPS = []
NEEDS = []
TOPIC = [0, ""]


def topic(n, name):
    TOPIC[0], TOPIC[1] = n, name


def _item(id, lang, title, desc, kw, trl):
    assert lang in ("zh", "en"), id
    assert 1 <= trl <= 9, id
    return {
        "id": id,
        "language": lang,
        "title": title,
        "description": desc,
        "keywords": [k.strip() for k in kw.split("|") if k.strip()],
        "field_codes": [],
        "modes": [],
        "trl": trl,
    }


def C(id, lang, title, desc, kw, trl):
    c = _item(id, lang, title, desc, kw, trl)
    c["topic"] = TOPIC[0]
    CAPS.append(c)


def D(id, lang, title, desc, kw, trl):
    c = _item(id, lang, title, desc, kw, trl)
    c["topic"] = 0  # distractor: answers no need
    CAPS.append(c)


def N(id, lang, title, desc, kw, trl, judgments):
    n = _item(id, lang, title, desc, kw, trl)
    n["topic"] = TOPIC[0]
    # Split by topic, fixed before any tuning: odd topics tune, even topics are held out,
    # so a held-out need never shares its best answers with a tuning need.
    n["split"] = "tuning" if TOPIC[0] % 2 == 1 else "held_out"
    n["judgments"] = {k: v for k, v in judgments.items() if v > 0}
    NEEDS.append(n)


EXTRA = []


def J(need_id, judgments):
    """Grades of capabilities added after the need was written (applied by build.py)."""
    EXTRA.append((need_id, judgments))
