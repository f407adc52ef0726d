"""Make assets/fonts/NotoSansJP-Regular-JIS0208.woff from Noto Sans JP Regular.

    python make_font_subset.py NotoSansJP-Regular.ttf   # Noto Sans JP 2.004 (OFL 1.1)

The full font is 5.4 MB; the brief needs Latin, Cyrillic, Greek, common symbols, kana,
CJK punctuation, full-width forms and the 6,355 kanji of JIS X 0208 (every kanji a
Shift_JIS text can hold, the Jōyō list among them): 1.6 MB as WOFF. Not WOFF2 (1.1 MB):
fontTools takes 20 s to decode that, on every PDF. A character outside this set and
outside every other font the PDF gets fails the audit (missing-glyph).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent / "assets/fonts/NotoSansJP-Regular-JIS0208.woff"
RANGES = [
    (0x20, 0x7E),  # Basic Latin
    (0xA0, 0x24F),  # Latin-1, Latin Extended-A and -B
    (0x370, 0x3FF),  # Greek
    (0x400, 0x52F),  # Cyrillic and its supplement
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20BF),  # currency
    (0x2100, 0x22FF),  # letterlike symbols, arrows, mathematical operators
    (0x2460, 0x25FF),  # enclosed numbers, box drawing, shapes
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0x31F0, 0x31FF),  # katakana extension
    (0xFF00, 0xFFEF),  # half- and full-width forms
]


def _jis_x_0208(codepoint: int) -> bool:
    try:
        chr(codepoint).encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


def main(source: str) -> None:
    wanted = {c for low, high in RANGES for c in range(low, high + 1)}
    wanted |= {c for c in range(0x4E00, 0xA000) if _jis_x_0208(c)}
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.flavor = "woff"
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
