"""The demo's invented applications: realistic model details, sized against facts §3.6.

Awards are small on purpose: the demo catalogue has 16 H800 and 16 BR104 GPUs, and the
allocations domain's capacity guard refuses awards that would take a month over that."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Organisations the people loader does not create (invented; any likeness is unintended).
EXTRA_ORGS = [
    ("KMA-DEMO", "Kowloon Medical AI Ltd", "九龍醫療人工智能有限公司", "startup"),
    ("LRU-DEMO", "Lion Rock University", "獅子山大學", "university"),
    ("SFL-DEMO", "Star Ferry Logistics Ltd", "天星物流有限公司", "enterprise"),
]


@dataclass(frozen=True)
class DemoApp:
    org: str
    title: str
    title_zh: str
    fields: dict[str, Any]
    fate: str  # what happens to it; see aisc.web.grants.demo.FATES
    decision: dict[str, Any] = field(default_factory=dict)
    declares_funding: bool = False  # other public funding for the same work (demo_outcomes.py)


def model(
    params: float, tokens: float, workload: str, *, active: float | None = None, **extra: Any
) -> dict[str, Any]:
    tokens_key = "tokens_served" if workload == "inference" else "training_tokens"
    return {
        "model_type": "moe" if active else extra.pop("model_type", "dense"),
        "parameters": params,
        "active_parameters": active,
        tokens_key: tokens,
        "epochs": extra.pop("epochs", 1.0),
        "seq_len": extra.pop("seq_len", 4096),
        "precision": extra.pop("precision", "bf16"),
        "workload": workload,
        **extra,
    }


def request(gpus: int, months: int, start: dt.date, chip: str = "h800") -> dict[str, Any]:
    return {"chip": chip, "gpus": gpus, "months": months, "preferred_start": start}


PUBLISHED_START = dt.date(2026, 7, 1)
OPEN_START = dt.date(2027, 2, 1)

PUBLISHED = [
    DemoApp(
        "HKU-DEMO",
        "Cantonese-English bilingual LLM",
        "粵英雙語大型語言模型",
        {"category": "language", **model(13e9, 3e11, "pretrain"), **request(8, 6, PUBLISHED_START)},
        "approve",
        {"conditions": "Quarterly progress reports; release the weights openly."},
    ),
    DemoApp(
        "PRU-DEMO",
        "Protein-structure diffusion model",
        "蛋白質結構擴散模型",
        {
            "category": "health",
            **model(3e9, 2e11, "pretrain", model_type="diffusion"),
            **request(8, 6, PUBLISHED_START, "br104"),
        },
        "approve_in_part",
        {"gpus": 4},
    ),
    DemoApp(
        "LRI-DEMO",
        "Foundation model for battery materials",
        "電池材料基礎模型",
        {
            "category": "science",
            **model(7e9, 5e11, "pretrain"),
            **request(8, 9, PUBLISHED_START, "br104"),
        },
        "approve",
        {
            "subsidy_rate": "0.85",
            "exceptional_reason": "First local materials model; open data and weights.",
        },
    ),
    DemoApp(
        "JNK-DEMO",
        "Legal-document assistant (LoRA on a 70B base)",
        "法律文件助理（70B 模型 LoRA 微調）",
        {
            "category": "language",
            **model(70e9, 2e9, "peft", epochs=3.0),
            **request(2, 3, PUBLISHED_START),
        },
        "approve",
    ),
    DemoApp(
        "DIM-DEMO",
        "Vision-language-action model for kitchen robots",
        "廚房機械人視覺語言動作模型",
        {
            "category": "vision",
            **model(8e9, 5e10, "finetune", model_type="vision"),
            **request(64, 12, PUBLISHED_START),
        },
        "reject",
    ),
    DemoApp(
        "VBK-DEMO",
        "Fraud-screening LLM on dedicated nodes",
        "專用節點上的防詐騙篩查模型",
        {
            "category": "finance",
            **model(70e9, 5e10, "inference"),
            **request(4, 12, PUBLISHED_START),
        },
        "approve_in_part",
        {
            "months": 9,
            "dedicated": True,
            "conditions": "Dedicated nodes; data stays in the bank's enclave.",
        },
    ),
    DemoApp(
        "TRM-DEMO",
        "Traffic forecasting mixture-of-experts",
        "交通預測混合專家模型",
        {
            "category": "other",
            **model(30e9, 4e11, "pretrain", active=3e9),
            **request(16, 6, PUBLISHED_START),
        },
        "withdraw",
    ),
    DemoApp(
        "KMA-DEMO",
        "Radiology report generation",
        "放射報告生成",
        {
            "category": "health",
            **model(7e9, 1e10, "finetune", epochs=2.0),
            **request(8, 3, PUBLISHED_START),
        },
        "ineligible",
    ),
]

OPEN = [
    DemoApp(
        "LRU-DEMO",
        "Cantonese speech recognition",
        "粵語語音識別",
        {"category": "language", **model(1.5e9, 3e11, "pretrain"), **request(16, 4, OPEN_START)},
        "in_review",
    ),
    DemoApp(
        "HKU-DEMO",
        "Climate downscaling for the Pearl River Delta",
        "珠江三角洲氣候降尺度",
        {
            "category": "science",
            **model(2e9, 1e11, "pretrain", precision="fp32"),
            **request(8, 6, OPEN_START),
        },
        "submitted",
        declares_funding=True,
    ),
    DemoApp(
        "SFL-DEMO",
        "Route-planning assistant for harbour logistics",
        "港口物流路線規劃助理",
        {"category": "other", **model(8e9, 1e9, "peft", epochs=2.0), **request(4, 2, OPEN_START)},
        "returned",
    ),
    DemoApp(
        "JNK-DEMO",
        "Contract-review model, second phase",
        "合約審閱模型第二期",
        {"category": "language", **model(70e9, 5e9, "peft")},
        "draft",
    ),
]
