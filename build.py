#!/usr/bin/env python3
"""Make-style entry point: `python build.py [check|html|pdf|docx|clean] [--brief NAME] [-j N]`.

All logic lives in the briefwright package; this file only hands over the arguments.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefwright.cli import main

if __name__ == "__main__":
    sys.exit(main(["-C", str(Path(__file__).resolve().parent), *sys.argv[1:]]))
