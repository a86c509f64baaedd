"""The repository stands alone: no tracked file cites the team's private reference
folder (which is not part of the product), every relative link in the Markdown
documents leads to a file in the repository, and every citation of a document in
docs/ names a file and a section that exist."""

import re
import subprocess
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# The private folder and the names of its files. A name counts only on its own:
# a name inside a longer one is not theirs. This file spells the names out, so it is
# the one file not searched.
PRIVATE_REFERENCE = re.compile(
    r"\.\./shared|shared/reference"
    r"|(?<![\w-])(?:rules|tech|peers|STYLE|DOMAIN|anchors-code)\.md(?![\w-])",
    re.IGNORECASE,
)
# `docs/x.md` optionally followed by the quoted sections it cites, possibly wrapped
# onto the next line of a comment or docstring: docs/x.md, "A", "B".
DOC_CITATION = re.compile(
    r'(?<![\w/.-])(docs/[\w./-]+\.md)((?:,\s*(?:#\s*)?"[^"\n]+")*)'
)
SECTION = re.compile(r'"([^"\n]+)"')
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def tracked_text_files() -> list[tuple[str, str]]:
    """(path, text) of every tracked file that is text; binary files are skipped."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    files = []
    for name in listing.decode().split("\0"):
        path = ROOT / name
        if not name or name == THIS_FILE or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        try:
            files.append((name, data.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return files


def markdown_documents() -> list[Path]:
    candidates = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    candidates += sorted((ROOT / "docs").rglob("*.md"))
    return [path for path in candidates if path.is_file()]


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def without_code(markdown: str) -> str:
    """Fenced blocks and code spans blanked out, keeping line numbers."""

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return CODE_SPAN.sub(blank, FENCE.sub(blank, markdown))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces
    as hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def headings(path: Path) -> list[str]:
    return HEADING.findall(without_code(path.read_text(encoding="utf-8")))


def anchors(path: Path) -> set[str]:
    found, seen = set(), {}
    for heading in headings(path):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(markdown: str) -> list[tuple[int, str]]:
    """(line, target) of every link that is not a URL or a bare anchor."""
    text = without_code(markdown)
    links = [
        (line_of(text, match.start()), match.group(1))
        for pattern in (INLINE_LINK, REFERENCE_DEFINITION)
        for match in pattern.finditer(text)
    ]
    return [
        (line, target)
        for line, target in links
        if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target)
        and not target.startswith("#")
    ]


def test_no_file_cites_the_private_reference():
    found = [
        f"{name}:{line_of(text, match.start())}: {match.group(0)}"
        for name, text in tracked_text_files()
        for match in PRIVATE_REFERENCE.finditer(text)
    ]
    assert not found, (
        "These places cite the private reference folder; write the fact into "
        "docs/ and cite that instead:\n" + "\n".join(found)
    )


def test_relative_markdown_links_lead_to_files_in_the_repository():
    broken = []
    for document in markdown_documents():
        name = document.relative_to(ROOT).as_posix()
        for line, target in relative_links(document.read_text(encoding="utf-8")):
            path_part, _, fragment = urllib.parse.unquote(target).partition("#")
            path_part = path_part.split("?", 1)[0]
            base = ROOT if path_part.startswith("/") else document.parent
            resolved = (base / path_part.lstrip("/")).resolve()
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{name}:{line}: {target} (outside the repository)")
            elif not resolved.exists():
                broken.append(f"{name}:{line}: {target} (no such file)")
            elif fragment and resolved.suffix == ".md" and resolved.is_file():
                if fragment not in anchors(resolved):
                    broken.append(f"{name}:{line}: {target} (no such heading)")
    assert not broken, "Broken links:\n" + "\n".join(broken)


def test_citations_of_docs_name_existing_files_and_sections():
    broken = []
    for name, text in tracked_text_files():
        if name.endswith(".po"):
            continue  # msgids are the code's strings, checked there
        for match in DOC_CITATION.finditer(text):
            doc = ROOT / match.group(1)
            where = f"{name}:{line_of(text, match.start())}"
            if not doc.is_file():
                broken.append(f"{where}: {match.group(1)} does not exist")
                continue
            sections = set(headings(doc))
            for section in SECTION.findall(match.group(2)):
                if section not in sections:
                    broken.append(f'{where}: {match.group(1)} has no "{section}"')
    assert not broken, "Citations of docs/ that lead nowhere:\n" + "\n".join(broken)
