"""Compute of a workload: C = k·D·(N + attention), with N the active parameters for MoE.

k is FLOPs per parameter per token (Kaplan et al. 2020, §2.1; domain-facts §3.1):
- 6 for training (pre-training, full fine-tuning): forward 2N + backward 4N;
- 4 for parameter-efficient fine-tuning (LoRA and other frozen-base methods): forward 2N plus
  the activation gradients 2N; the weight-gradient GEMMs of the frozen base are skipped. This is
  the derived rule of domain-facts §3.1 [D]; the adapters' own parameters are negligible
  (LoRA: 10,000x fewer trainable parameters, Hu et al. 2021);
- 2 for inference (prefill and decode): a lower bound, since decode is memory-bound (§3.8).

Attention over the context adds n_layer·n_ctx·d_attn per token and per unit of k (Kaplan's
2·n_layer·n_ctx·d_attn forward term, x3 for training). The applicant gives the sequence length,
not the shape, so the shape is derived from N with the aspect ratio of the Llama family,
d_model ≈ 128·n_layer (Llama 2 7B: 4096/32; Llama 3.1 405B: 16384/126), and N ≈ 12·n_layer·d²:
the attention term is then n_ctx·d²/128, i.e. a fraction n_ctx/(12·d) of N. It is small for short
sequences (7B at 4K: +8 %) and large for long-context stages (7B at 128K: +2.5x), which 6ND alone
undercounts.
"""

from __future__ import annotations

from aisc.core.estimate.mfu import Workload

K: dict[Workload, int] = {
    Workload.PRETRAIN: 6,
    Workload.FINETUNE: 6,
    Workload.PEFT: 4,
    Workload.INFERENCE: 2,
}
ASPECT_RATIO = 128.0  # d_model / n_layer


def d_model(params: float) -> float:
    """Model width implied by N = 12·n_layer·d² with d = 128·n_layer."""
    return float((ASPECT_RATIO * params / 12.0) ** (1.0 / 3.0))


def attention_params(params: float, seq_len: int | None) -> float:
    """Parameter-equivalent of attention over the context, n_layer·n_ctx·d = n_ctx·d²/128."""
    if seq_len is None:
        return 0.0
    width = d_model(params)
    return seq_len * width * width / ASPECT_RATIO


def flops(workload: Workload, active_params: float, tokens: float, seq_len: int | None) -> float:
    """Total FLOPs for `tokens` processed tokens (dataset tokens x epochs, or tokens served)."""
    return K[workload] * tokens * (active_params + attention_params(active_params, seq_len))
