"""One kind of KPI across municipalities: names normalised, then matched against ``KPI_KINDS``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from plans.rules.municipalities import KNOWN_MUNICIPALITIES

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|「|」|『|』")
_PREFIXES = ("本市の", "市の", "市内の", "市内", "年間", "圏域の")


def normalise_kpi_name(name: str) -> str:
    """`年間観光入込調査人数` -> `観光入込調査人数`; `創業者数(H27)` -> `創業者数`; `久留米市の 15 歳…` -> `15歳…`."""
    text = unicodedata.normalize("NFKC", name or "")
    previous = None
    while previous != text:  # nested brackets
        previous, text = text, _BRACKETS.sub("", text)
    text = re.sub(r"\s+", "", text)
    for municipality in sorted(KNOWN_MUNICIPALITIES, key=len, reverse=True):
        text = text.replace(municipality + "の", "").replace(municipality, "")
    text = text.replace("小都市", "")  # the OCR slip for 小郡市 (DOMAIN.md)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


@dataclass(frozen=True)
class KpiKind:
    """A kind of KPI several municipalities measure, and the name fragments that identify it."""

    key: str
    label: str  # the Japanese term, as documents write it
    fragments: tuple[str, ...]
    excluded: tuple[str, ...] = ()

    def matches(self, normalised: str) -> bool:
        return any(fragment in normalised for fragment in self.fragments) and not any(
            fragment in normalised for fragment in self.excluded
        )


KPI_KINDS = (
    KpiKind("net-out-migration", "転出超過数", ("転出超過",)),
    KpiKind("social-increase", "人口の社会増減", ("社会増", "社会動態", "社会減")),
    KpiKind("startups", "創業者数", ("創業者数", "創業支援実現数"), ("融資",)),
    KpiKind("tourists", "観光入込客数", ("観光入込", "観光客数"), ("外国人", "消費")),
    KpiKind("new-farmers", "新規就農者数", ("新規就農者",)),
    KpiKind("waiting-children", "待機児童数", ("待機児童",)),
    KpiKind("fertility", "合計特殊出生率", ("合計特殊出生率",)),
    KpiKind("cancer-screening", "がん検診受診率", ("がん検診",)),
    KpiKind("wish-to-stay", "住み続けたい市民の割合", ("住み続けたい",)),
)


def kpi_kind(name: str) -> KpiKind | None:
    normalised = normalise_kpi_name(name)
    return next((kind for kind in KPI_KINDS if kind.matches(normalised)), None)


def kind_key(name: str) -> tuple[str, str]:
    """(key, label) of the kind a KPI name belongs to; an unlisted name is its own kind."""
    kind = kpi_kind(name)
    if kind is not None:
        return kind.key, kind.label
    normalised = normalise_kpi_name(name)
    return f"name:{normalised}", normalised
