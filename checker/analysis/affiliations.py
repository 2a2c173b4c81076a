"""Party-and-state labels attached to politicians' names: "Sen. Chris Murphy, D-Conn.", "Chris Murphy
(R-CT)", "Senator Chris Murphy (D., Conn.)".

Why symbolic: the label is a checkable fact that one report can get wrong (story 101: NBC's "D-Conn."
vs the Examiner's "R-CT" for the same senator), and neither the embeddings nor the NLI model see it:
the two sentences say different things about the bill, and the label is a parenthesis. So the label is
read with a pattern, the state normalised to its postal code (AP abbreviations, postal codes and full
names all occur), and the policy compares labels of the same person across reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARTIES = {"R": "Republican", "D": "Democrat", "I": "independent"}

# AP style, postal codes and full names -> postal code. Data, not parsing: no maintained library
# reads AP state abbreviations ("Conn.", "W.Va.").
_STATES = {
    "AL": ("Ala.", "Alabama"),
    "AK": ("Alaska",),
    "AZ": ("Ariz.", "Arizona"),
    "AR": ("Ark.", "Arkansas"),
    "CA": ("Calif.", "Cal.", "California"),
    "CO": ("Colo.", "Colorado"),
    "CT": ("Conn.", "Connecticut"),
    "DE": ("Del.", "Delaware"),
    "FL": ("Fla.", "Florida"),
    "GA": ("Ga.", "Georgia"),
    "HI": ("Hawaii",),
    "ID": ("Idaho",),
    "IL": ("Ill.", "Illinois"),
    "IN": ("Ind.", "Indiana"),
    "IA": ("Iowa",),
    "KS": ("Kan.", "Kans.", "Kansas"),
    "KY": ("Ky.", "Kentucky"),
    "LA": ("La.", "Louisiana"),
    "ME": ("Maine",),
    "MD": ("Md.", "Maryland"),
    "MA": ("Mass.", "Massachusetts"),
    "MI": ("Mich.", "Michigan"),
    "MN": ("Minn.", "Minnesota"),
    "MS": ("Miss.", "Mississippi"),
    "MO": ("Mo.", "Missouri"),
    "MT": ("Mont.", "Montana"),
    "NE": ("Neb.", "Nebr.", "Nebraska"),
    "NV": ("Nev.", "Nevada"),
    "NH": ("N.H.", "New Hampshire"),
    "NJ": ("N.J.", "New Jersey"),
    "NM": ("N.M.", "New Mexico"),
    "NY": ("N.Y.", "New York"),
    "NC": ("N.C.", "North Carolina"),
    "ND": ("N.D.", "North Dakota"),
    "OH": ("Ohio",),
    "OK": ("Okla.", "Oklahoma"),
    "OR": ("Ore.", "Oreg.", "Oregon"),
    "PA": ("Pa.", "Penn.", "Pennsylvania"),
    "RI": ("R.I.", "Rhode Island"),
    "SC": ("S.C.", "South Carolina"),
    "SD": ("S.D.", "South Dakota"),
    "TN": ("Tenn.", "Tennessee"),
    "TX": ("Texas", "Tex."),
    "UT": ("Utah",),
    "VT": ("Vt.", "Vermont"),
    "VA": ("Va.", "Virginia"),
    "WA": ("Wash.", "Washington"),
    "WV": ("W.Va.", "W. Va.", "West Virginia"),
    "WI": ("Wis.", "Wisc.", "Wisconsin"),
    "WY": ("Wyo.", "Wyoming"),
    "DC": ("D.C.",),
    "PR": ("P.R.", "Puerto Rico"),
}
_LOOKUP = {name.lower().replace(" ", ""): code for code, names in _STATES.items() for name in (code, *names)}

_NAME = r"(?P<name>(?:[A-Z][\w'’-]*\.?\s+){0,3}[A-Z][\w'’-]+)"
_STATE = r"(?P<state>[A-Z][A-Za-z.]*(?:\s?[A-Z][a-z.]+)?)"
# "Chris Murphy (R-CT)", "Chris Murphy (D., Conn.)", "Joe Manchin (D-W.Va.)"
_PAREN = re.compile(_NAME + r"\s*\(\s*(?P<party>[RDI])\s*(?:-|–|\.,?)\s*" + _STATE + r"\s*\)")
# "Sen. Chris Murphy, D-Conn., said"
_COMMA = re.compile(_NAME + r",\s+(?P<party>[RDI])-" + _STATE + r"(?=[,;:)]|\s|$)")
# words that precede a name but are not part of it
_TITLES = frozenset(
    "sen sens senator senators rep reps representative gov governor leader majority minority speaker president whip chair chairman chairwoman mr mrs ms dr "
    "house senate gop democratic republican the and said".split()
)


@dataclass(frozen=True)
class Affiliation:
    """One label as written, with the person it is attached to."""

    first: str | None  # the given name, when the text has one before the surname
    surname: str
    party: str  # R, D or I
    state: str | None  # postal code; None when the label's state is not a known one
    label: str  # the label as written: "D-Conn.", "R-CT"
    start: int
    end: int

    @property
    def person(self) -> str:
        return f"{self.first} {self.surname}" if self.first else self.surname

    def same_person(self, other: Affiliation) -> bool:
        """Same surname and the same given name: a surname alone could be another member of the family
        or another Murphy in the same Congress, so both labels must name the given name."""
        return self.surname == other.surname and self.first is not None and self.first == other.first


def state_code(text: str) -> str | None:
    """Postal code of a state written as an AP abbreviation, a postal code or its name; None otherwise."""
    key = text.strip().rstrip(",").lower().replace(" ", "")
    return _LOOKUP.get(key) or _LOOKUP.get(key.rstrip("."))


def _person(name: str) -> tuple[str | None, str]:
    """(given name, surname): the words after the last title ("West Virginia Sen. Joe Manchin" -> Joe
    Manchin), the first of them the given name ("Marjorie Taylor Greene" -> Marjorie)."""
    words = name.split()
    titled = [i for i, w in enumerate(words) if w.rstrip(".").lower() in _TITLES]
    words = words[titled[-1] + 1 :] if titled else words
    if not words:
        return None, name.split()[-1]
    first = words[0] if len(words) >= 2 and not words[0].endswith(".") else None
    return first, words[-1]


def affiliations(text: str) -> list[Affiliation]:
    """Every party-state label in ``text`` attached to a name, in order."""
    found: dict[int, Affiliation] = {}
    for pattern in (_PAREN, _COMMA):
        for m in pattern.finditer(text):
            state = m.group("state")
            code = state_code(state)
            if code is None and not re.fullmatch(r"[A-Z]{2}", state):
                continue  # "D-Day", "R-rated": not a label
            first, surname = _person(m.group("name"))
            label = text[m.start("party") : m.end("state")]
            found.setdefault(m.start("party"), Affiliation(first, surname, m.group("party"), code, label, m.start("party"), m.end("state")))
    return [found[k] for k in sorted(found)]


def conflict(a: Affiliation, b: Affiliation) -> str | None:
    """What differs between two labels of the same person: "party", "state", or None."""
    if a.party != b.party:
        return "party"
    if a.state and b.state and a.state != b.state:
        return "state"
    return None
