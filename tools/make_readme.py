"""Write README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto, which cannot be installed here).

Usage: python tools/make_readme.py [--check]
--check: exit 1 if README.md is not what nbs/index.ipynb gives (CI runs this).
"""
import re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r"^\s*#\|.*$\n?", re.M)

HIDE = re.compile(r"^\s*#\|\s*hide\s*$", re.M)

def _hidden(cell): return bool(HIDE.search(cell.source))

def _outputs(cell):
    text = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream": text.append(o.text)
        elif "text/plain" in o.get("data", {}): text.append(o.data["text/plain"])
    return "".join(text).rstrip()

def render(nb) -> str:
    "Markdown of the notebook's visible cells: prose as is, code in fences, then its text output"
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown": parts.append(cell.source.strip())
        elif cell.cell_type == "code" and not _hidden(cell):
            src = DIRECTIVE.sub("", cell.source).strip()
            if src: parts.append(f"```python\n{src}\n```")
            out = _outputs(cell)
            if out: parts.append(f"```\n{out}\n```")
    header = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->"
    return "\n\n".join([header] + parts) + "\n"

def main(check=False):
    text = render(nbformat.read(ROOT/"nbs"/"index.ipynb", as_version=4))
    readme = ROOT/"README.md"
    if check:
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python tools/make_readme.py` and commit README.md")
        print("README.md is current")
    else:
        readme.write_text(text, encoding="utf-8")
        print(f"wrote {readme}")

if __name__ == "__main__": main("--check" in sys.argv[1:])
