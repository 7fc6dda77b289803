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

    def __post_init__(self) -> None:
        _within("params", self.params, 1.0, MAX_PARAMS)
        _within("tokens", self.tokens, 1.0, MAX_TOKENS)
        _within("epochs", self.epochs, 1e-6, MAX_EPOCHS)
        chip(self.chip)
        if self.precision not in PRECISIONS:
            raise RuleViolation(
                f"precision must be one of {', '.join(PRECISIONS)}", field="precision"
            )
        if self.active_params is not None:
            _within("active_params", self.active_params, 1.0, self.params)
        if self.seq_len is not None:
            _within("seq_len", self.seq_len, 1, MAX_SEQ_LEN)
        if self.mfu is not None:
            _within("mfu", self.mfu, 1e-4, 1.0)
        _within("gpus_per_node", self.gpus_per_node, 1, 64)
        self._check_request()

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
    def processed_tokens(self) -> float:
        return self.tokens * self.epochs


def _within(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise RuleViolation(
            f"{name} must be between {low:g} and {high:g}, got {value:g}", field=name
        )
