"""Model FLOPs utilisation: a band and a default per workload, from the published runs.

Sources: domain-facts §3.3-3.4. Well-run large dense or MoE pre-training lands at 35-45 %
effective MFU (Llama 2: 38-43 % on A100; Llama 3.1 405B and DeepSeek-V3: 35 % of BF16 peak),
small models on big clusters much lower; the reviewers' bands are 25-45 % for multi-node
pre-training, 30-50 % for single-node fine-tuning and 5-20 % for decode-heavy inference. The
default of 0.35 is domain-facts §3.5's "default MFU 0.35 on H800 BF16"; fine-tuning and LoRA
use 35 % and inference 10 % as in the worked examples of §3.6.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Above this no published run has gone (PaLM HFU 57.8 %, best MLPerf BF16 MFU 54 %), so a request
# that implies more is unrealistic (domain-facts §3.3-3.4).
UNREALISTIC_MFU = 0.55


class Workload(StrEnum):
    PRETRAIN = "pretrain"
    FINETUNE = "finetune"
    PEFT = "peft"
    INFERENCE = "inference"


@dataclass(frozen=True)
class MfuBand:
    low: float
    high: float
    default: float

    def contains(self, mfu: float) -> bool:
        return self.low <= mfu <= self.high


BANDS: dict[Workload, MfuBand] = {
    Workload.PRETRAIN: MfuBand(0.25, 0.45, 0.35),
    Workload.FINETUNE: MfuBand(0.30, 0.50, 0.35),
    Workload.PEFT: MfuBand(0.30, 0.50, 0.35),
    Workload.INFERENCE: MfuBand(0.05, 0.20, 0.10),
}
