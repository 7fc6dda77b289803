"""The review rubric held as data, weighted totals per review, and aggregates across reviewers.

The default rubric follows the published AISS criteria (docs/facts/domain-facts.md §1.5):
alignment with Hong Kong I&T/AI needs 25 %, reasonableness of the compute request 20 %. The rest
(55 %) was not recovered [U]; we split it between technical and team capability (30 %) and
financial capability and project management (25 %), as the form's attachments suggest.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from aisc.core.errors import RuleViolation

SCORE_MIN = 0
SCORE_MAX = 10
TOTAL_WEIGHT = 100
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    code: str
    name_en: str
    name_zh: str
    weight: int
    guidance: str
    guidance_zh: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "weight": self.weight,
            "guidance": self.guidance,
            "guidance_zh": self.guidance_zh,
        }


DEFAULT_RUBRIC: tuple[Criterion, ...] = (
    Criterion(
        "alignment",
        "Alignment with I&T and AI development needs in Hong Kong",
        "切合香港創科及人工智能發展需要",
        25,
        "Innovation, contribution to local AI development, economic and social impact, "
        "collaboration and ecosystem building.",
        "創新性、對本地人工智能發展的貢獻、經濟及社會影響、協作及生態系統建設。",
    ),
    Criterion(
        "compute",
        "Reasonableness of the computing power requirement",
        "算力需求的合理性",
        20,
        "Is the request necessary, sized to the model and data, and backed by a work schedule "
        "that uses the compute effectively? Compare it with the estimate shown beside it.",
        "所申請的算力是否必要、與模型及數據的規模相稱，並有能有效使用算力的工作時間表支持？"
        "請與旁邊顯示的估算比較。",
    ),
    Criterion(
        "technical",
        "Technical capability and track record of the team",
        "團隊的技術能力及往績",
        30,
        "Team skills, past use of compute, soundness of the technical plan and milestones.",
        "團隊技能、過往使用算力的經驗、技術方案及里程碑是否穩健。",
    ),
    Criterion(
        "financial",
        "Financial capability and project management",
        "財務能力及項目管理",
        25,
        "Proof of funds for the unsubsidised share, governance, risk and ethics management.",
        "未獲資助部分的資金證明、管治、風險及倫理管理。",
    ),
)


def parse_rubric(rows: Iterable[Mapping[str, Any]]) -> tuple[Criterion, ...]:
    """Build and validate a rubric from stored rows (the call keeps it as JSON)."""
    try:
        rubric = tuple(
            Criterion(
                code=str(row["code"]),
                name_en=str(row["name_en"]),
                name_zh=str(row.get("name_zh", "")),
                weight=int(row["weight"]),
                guidance=str(row.get("guidance", "")),
                guidance_zh=str(row.get("guidance_zh", "")),
            )
            for row in rows
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleViolation(
            "each criterion needs a code, an English name and a whole-number weight (%(exc)s)",
            field="rubric",
            params={"exc": exc},
        ) from exc
    validate_rubric(rubric)
    return rubric


def validate_rubric(rubric: Sequence[Criterion]) -> None:
    if not rubric:
        raise RuleViolation("a rubric needs at least one criterion", field="rubric")
    codes = [c.code for c in rubric]
    if len(set(codes)) != len(codes):
        raise RuleViolation("criterion codes must be unique", field="rubric")
    if any(c.weight <= 0 for c in rubric):
        raise RuleViolation("every criterion weight must be positive", field="rubric")
    total = sum(c.weight for c in rubric)
    if total != TOTAL_WEIGHT:
        raise RuleViolation(
            "criterion weights must sum to %(total_weight)s (they sum to %(total)s)",
            field="rubric",
            params={"total_weight": TOTAL_WEIGHT, "total": total},
        )


def check_scores(rubric: Sequence[Criterion], scores: Mapping[str, int]) -> None:
    """Every criterion scored once, as a whole number within the scale; nothing else."""
    missing = [c.code for c in rubric if c.code not in scores]
    if missing:
        raise RuleViolation(
            "score every criterion; missing: %(missing)s",
            field=missing[0],
            params={"missing": ", ".join(missing)},
        )
    unknown = sorted(set(scores) - {c.code for c in rubric})
    if unknown:
        raise RuleViolation(
            "not a criterion of this rubric: %(unknown)s",
            field=unknown[0],
            params={"unknown": unknown[0]},
        )
    for code, score in scores.items():
        if isinstance(score, bool) or not isinstance(score, int):
            raise RuleViolation("a score must be a whole number", field=code)
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise RuleViolation(
                "a score must lie between %(score_min)s and %(score_max)s (got %(score)s)",
                field=code,
                params={"score_min": SCORE_MIN, "score_max": SCORE_MAX, "score": score},
            )


def weighted_total(rubric: Sequence[Criterion], scores: Mapping[str, int]) -> Decimal:
    """The review's total on a 0-100 scale: sum of weight × score / SCORE_MAX."""
    check_scores(rubric, scores)
    raw = sum((Decimal(c.weight) * scores[c.code] for c in rubric), Decimal(0)) / SCORE_MAX
    return raw.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Aggregate:
    """Mean of the reviewers' totals, with the spread the committee should see."""

    count: int
    mean: Decimal
    low: Decimal
    high: Decimal
    stdev: Decimal

    @property
    def spread(self) -> Decimal:
        return self.high - self.low


def aggregate(totals: Sequence[Decimal]) -> Aggregate | None:
    """None when no review has been submitted yet (there is nothing to rank on)."""
    if not totals:
        return None
    mean = (sum(totals, Decimal(0)) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    stdev = statistics.pstdev(totals) if len(totals) > 1 else Decimal(0)
    return Aggregate(
        count=len(totals),
        mean=mean,
        low=min(totals),
        high=max(totals),
        stdev=Decimal(stdev).quantize(TWO_PLACES, rounding=ROUND_HALF_UP),
    )
