"""Shared fixtures. Nothing here touches the network; heavy objects are session-scoped."""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.ingest import load_file
from compendium.parser import Tools
from compendium.records import Card, Document

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "ilo-sstc-sse-good-practices-2019.txt"


@pytest.fixture(scope="session")
def tools() -> Tools:
    return Tools.create()


@pytest.fixture(scope="session")
def seed_document(tools: Tools) -> Document:
    return load_file(SEED, tools=tools)


@pytest.fixture(scope="session")
def seed_card(seed_document: Document) -> Card:
    assert len(seed_document.cards) == 1
    return seed_document.cards[0]
