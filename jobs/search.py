"""Chinese keyword search without a dictionary or a PostgreSQL extension.

Postings are indexed by the SQL function cjk_bigram_text (migration 0001): every run
of Han characters becomes its overlapping character bigrams plus its last character,
Latin words and numbers stay whole. A query is turned into the same tokens here:

- a Han run of two or more characters must appear as a phrase of its bigrams, so 会计
  finds 财务会计师 and 仓库管理 finds exactly that substring
  (docs/technical-choices.md, "Chinese keyword search": full recall, exact
  precision);
- a single Han character is a prefix match: every character of a text is the first
  character of a bigram or the indexed last character of its run;
- Latin words and numbers match whole words or their prefixes (python, php).
"""

import re
import unicodedata

HAN = "\u3400-\u9fff\uf900-\ufaff"
TOKEN = re.compile(f"[{HAN}]+|[a-z0-9]+")
MAX_TERMS = 8


def _lexeme(token: str, *, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def term_tokens(term: str) -> list[str]:
    """The tsquery lexemes of one whitespace-free term, in order."""
    lexemes = []
    runs = TOKEN.findall(unicodedata.normalize("NFKC", term).lower())
    for run in runs:
        if not re.match(f"[{HAN}]", run):
            lexemes.append(_lexeme(run, prefix=True))
        elif len(run) == 1:
            lexemes.append(_lexeme(run, prefix=True))
        else:
            lexemes.extend(_lexeme(run[i : i + 2]) for i in range(len(run) - 1))
    return lexemes


def to_tsquery(text: str, *, any_term: bool = False) -> str | None:
    """A raw tsquery for the user's text, or None when it holds nothing searchable.

    Terms separated by spaces must all match (AND), or one of them with `any_term`
    (OR); within a term, tokens must be adjacent (phrase). User text never reaches
    to_tsquery unquoted.
    """
    phrases = []
    for term in text.split()[:MAX_TERMS]:
        lexemes = term_tokens(term)
        if lexemes:
            phrases.append("(" + " <-> ".join(lexemes) + ")")
    return (" | " if any_term else " & ").join(phrases) or None
