"""Start the web app: ``python app.py [--host 127.0.0.1] [--port 7860] [--model M] [--index DIR]``.

On first run (or when the corpus, model or code changed) the index is built, with progress
on the console; then the app is served locally. A thin shell over compendium.webapp.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compendium.settings import DEFAULT_CORPUS, DEFAULT_INDEX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--model", default=None, help="sentence-transformers model id or local folder")
    parser.add_argument("--index", default=str(DEFAULT_INDEX), help="index folder")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus folder")
    parser.add_argument("--ui", default="en", choices=["en", "es"], help="interface language at start")
    args = parser.parse_args(argv)

    from compendium.search import Searcher
    from compendium.serving import UnsafeFolderError
    from compendium.webapp import build_app, launch

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    say("opening the search index (it is built on first run)…")
    searcher = Searcher.open([args.corpus], args.index, model=args.model, progress=say)
    status = searcher.status()
    say(f"{status['practices']} practice(s), {status['chunks']} passages, mode: {status['mode']}")
    try:
        app = build_app(searcher, ui=args.ui, corpus=str(Path(args.corpus).resolve()))
    except UnsafeFolderError as error:  # a temp folder planted by someone else: never use it
        say(f"cannot start: {error}")
        return 1
    say(f"serving on http://{args.host}:{args.port} (handouts for download in {app.handouts})")
    launch(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
