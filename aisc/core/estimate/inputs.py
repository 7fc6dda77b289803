"""What an applicant states about a job, checked against bounds that name the field and rule."""

from __future__ import annotations

from dataclasses import dataclass

from aisc.core.catalogue.chips import PRECISIONS, chip
from aisc.core.errors import RuleViolation
from aisc.core.estimate.mfu import Workload

# Upper bounds catch typos (1e15 parameters instead of 1e9), not ambition: ten times the largest
# published models (DeepSeek-V3 671B, Llama 3.1 405B on 15.6T tokens; domain-facts §3.4).
MAX_PARAMS = 1e13
MAX_TOKENS = 1e15
MAX_EPOCHS = 1000.0
MAX_SEQ_LEN = 10_000_000
MAX_GPUS = 100_000
MAX_MONTHS = 120.0
WEIGHT_BITS = (4, 8, 16)


@dataclass(frozen=True)
class EstimateInput:
    params: float
    tokens: float
    chip: str
    precision: str = "bf16"
    workload: Workload = Workload.PRETRAIN
    active_params: float | None = None
    epochs: float = 1.0
    seq_len: int | None = None
    mfu: float | None = None
    request_gpus: int | None = None
    request_months: float | None = None
    gpus_per_node: int = 8
    moe: bool | None = None  # None: not stated
    weight_bits: int = 16  # bits per frozen weight: 4 for QLoRA, 8 for int8
    goodput: float | None = None  # share of wall time that trains; None: not stated (1.0)

    def __post_init__(self) -> None:
        _within("params", self.params, 1.0, MAX_PARAMS)
        _within("tokens", self.tokens, 1.0, MAX_TOKENS)
        _within("epochs", self.epochs, 1e-6, MAX_EPOCHS)
        # Chip codes are case-insensitive: "H800" is h800, and the estimate names it so.
        object.__setattr__(self, "chip", chip(self.chip).code)
        if self.precision not in PRECISIONS:
            raise RuleViolation(
                "precision must be one of %(precisions)s",
                field="precision",
                params={"precisions": ", ".join(PRECISIONS)},
            )
        if self.active_params is not None:
            _within("active_params", self.active_params, 1.0, self.params)
        if self.seq_len is not None:
            _within("seq_len", self.seq_len, 1, MAX_SEQ_LEN)
        if self.mfu is not None:
            _within("mfu", self.mfu, 1e-4, 1.0)
        _within("gpus_per_node", self.gpus_per_node, 1, 64)
        if self.goodput is not None:
            _within("goodput", self.goodput, 0.05, 1.0)
        self._check_moe()
        self._check_weights()
        self._check_request()

    def _check_moe(self) -> None:
        if not self.moe:
            return
        if self.active_params is None:
            raise RuleViolation(
                "a mixture-of-experts model needs its active parameters per token: compute "
                "follows them, and the total alone overestimates it total/active times",
                field="active_params",
            )
        if self.active_params >= self.params:
            raise RuleViolation(
                "a mixture-of-experts model activates fewer parameters per token than it has",
                field="active_params",
            )

    def _check_weights(self) -> None:
        if self.weight_bits not in WEIGHT_BITS:
            raise RuleViolation(
                "weight_bits must be one of %(value)s",
                field="weight_bits",
                params={"value": ", ".join(map(str, WEIGHT_BITS))},
            )
        if self.weight_bits < 16 and self.workload in (Workload.PRETRAIN, Workload.FINETUNE):
            raise RuleViolation(
                "weight_bits below 16 apply to a frozen base (peft, e.g. QLoRA) or inference; "
                "training all weights keeps 16-bit weights and 32-bit optimizer state",
                field="weight_bits",
            )

    def _check_request(self) -> None:
        if (self.request_gpus is None) != (self.request_months is None):
            missing = "request_months" if self.request_months is None else "request_gpus"
            raise RuleViolation("give both the GPUs and the months of a request", field=missing)
        if self.request_gpus is not None and self.request_months is not None:
            _within("request_gpus", self.request_gpus, 1, MAX_GPUS)
            _within("request_months", self.request_months, 0.01, MAX_MONTHS)

    @property
    def n_active(self) -> float:
        """Parameters that do work per token: the active ones for MoE, else all of them."""
        return self.params if self.active_params is None else self.active_params

    @property
    def effective_goodput(self) -> float:
        return 1.0 if self.goodput is None else self.goodput

    @property
    def processed_tokens(self) -> float:
        return self.tokens * self.epochs


def _within(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise RuleViolation(
            "%(name)s must be between %(low)s and %(high)s, got %(value)s",
            field=name,
            params={"name": name, "low": f"{low:g}", "high": f"{high:g}", "value": f"{value:g}"},
        )
