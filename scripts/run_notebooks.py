"""Execute the notebooks in place, so that their stored outputs are those of the current code.

    .venv/bin/python scripts/run_notebooks.py            # every notebook in notebooks/
    .venv/bin/python scripts/run_notebooks.py 02_forecast

The test suite executes the notebooks too (nbmake) but does not store what they show;
run this after a change that alters a table, a chart or a message a notebook displays.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"


def run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    _, normalised = nbformat.validator.normalize(notebook)  # cells get the ids nbformat 4.5 wants
    notebook = nbformat.from_dict(normalised)
    client = NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}
    )
    client.execute()
    nbformat.write(notebook, path)


def main(names: list[str]) -> None:
    paths = [FOLDER / f"{n.removesuffix('.ipynb')}.ipynb" for n in names] or sorted(
        FOLDER.glob("*.ipynb")
    )
    for path in paths:
        print(f"executing {path.name} ...", flush=True)
        run(path)


if __name__ == "__main__":
    main(sys.argv[1:])
