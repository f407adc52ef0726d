"""The loaded project: every item by id, and each source's archived text."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import Project
from .model import Actor, Briefing, Claim, Option, Position, Quote, Source
from .textmatch import SourceText


@dataclass(frozen=True)
class Content:
    project: Project
    sources: Mapping[str, Source] = field(default_factory=dict)
    texts: Mapping[str, SourceText] = field(
        default_factory=dict
    )  # by source id; absent if unreadable
    claims: Mapping[str, Claim] = field(default_factory=dict)
    quotes: Mapping[str, Quote] = field(default_factory=dict)
    actors: Mapping[str, Actor] = field(default_factory=dict)
    positions: Mapping[str, Position] = field(default_factory=dict)  # by actor id
    options: Mapping[str, Option] = field(default_factory=dict)
    briefings: Mapping[str, Briefing] = field(default_factory=dict)  # by file stem
    # sha256 of every file read, by path relative to the root: the snapshot that was
    # checked, which the build renders from and records (see fingerprint()).
    files: Mapping[str, str] = field(default_factory=dict)
    # Ids named by files (or items) that could not be loaded, by kind ('claim', 'source',
    # 'cited-source', ...), with where that file or item is: references to them cannot be
    # checked, and are counted instead of reported one by one.
    unread: Mapping[str, Mapping[str, tuple[str, int, int, str, str]]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """One hash of every file this snapshot was read from."""
        digest = hashlib.sha256()
        for path, sha in sorted(self.files.items()):
            digest.update(f"{path}\0{sha}\n".encode())
        return digest.hexdigest()
