"""Forms of the catalogue pages: the exchange calculator, the estimator, node states."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.catalogue.chips import CHIPS, PRECISIONS
from aisc.core.estimate import EstimateInput, Workload
from aisc.web.catalogue.chipcodes import ChipChoiceField
from aisc.web.catalogue.models import NodeState

CHIP_CHOICES = [(code, spec.name) for code, spec in CHIPS.items()]
PRECISION_CHOICES = [(p, p.upper()) for p in PRECISIONS]
MOE_CHOICES = [("", _("Not stated")), ("dense", _("Dense")), ("moe", _("Mixture of experts"))]
WEIGHT_BITS_CHOICES = [("16", _("16-bit")), ("8", _("8-bit")), ("4", _("4-bit (QLoRA)"))]
WORKLOAD_CHOICES = [
    (Workload.PRETRAIN.value, _("Pre-training")),
    (Workload.FINETUNE.value, _("Full fine-tuning")),
    (Workload.PEFT.value, _("Parameter-efficient fine-tuning (e.g. LoRA)")),
    (Workload.INFERENCE.value, _("Inference (tokens served)")),
]


class ExchangeForm(forms.Form):
    gpu_hours = forms.DecimalField(label=_("GPU-hours"), min_value=0, decimal_places=2)
    from_chip = ChipChoiceField(label=_("From chip"), choices=CHIP_CHOICES)
    to_chip = ChipChoiceField(label=_("To chip"), choices=CHIP_CHOICES)
    on = forms.DateField(
        label=_("On"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def day(self) -> Any:
        return self.cleaned_data.get("on") or timezone.localdate()


class EquivalentForm(forms.Form):
    """PFLOPS at a precision to GPUs and 8-GPU nodes of one chip (1,300 BF16 = 1,314 H800)."""

    pflops = forms.FloatField(label=_("PFLOPS"), min_value=0)
    chip = ChipChoiceField(label=_("Chip"), choices=CHIP_CHOICES, initial="h800")
    precision = forms.ChoiceField(label=_("Precision"), choices=PRECISION_CHOICES, initial="bf16")


class EstimateForm(forms.Form):
    """The estimator's fields, named as EstimateInput names them (so other forms can embed it)."""

    params = forms.FloatField(label=_("Parameters"), help_text=_("e.g. 7e9"))
    active_params = forms.FloatField(
        label=_("Active parameters (MoE)"), required=False, help_text=_("per token; MoE only")
    )
    architecture = forms.ChoiceField(
        label=_("Architecture"), choices=MOE_CHOICES, required=False, initial=""
    )
    tokens = forms.FloatField(label=_("Training tokens (or tokens served)"))
    epochs = forms.FloatField(label=_("Epochs"), initial=1, required=False)
    seq_len = forms.IntegerField(label=_("Sequence length"), required=False)
    chip = ChipChoiceField(label=_("Chip"), choices=CHIP_CHOICES, initial="h800")
    precision = forms.ChoiceField(label=_("Precision"), choices=PRECISION_CHOICES, initial="bf16")
    workload = forms.ChoiceField(label=_("Workload"), choices=WORKLOAD_CHOICES)
    mfu = forms.FloatField(
        label=_("Assumed MFU"), required=False, help_text=_("empty = the workload's default")
    )
    weight_bits = forms.ChoiceField(
        label=_("Frozen weights"),
        choices=WEIGHT_BITS_CHOICES,
        required=False,
        initial="16",
        help_text=_("parameter-efficient fine-tuning and inference only"),
    )
    goodput = forms.FloatField(
        label=_("Goodput"),
        required=False,
        help_text=_("share of wall time that trains; empty = 1.0"),
    )
    request_gpus = forms.IntegerField(label=_("GPUs requested"), required=False)
    request_months = forms.FloatField(label=_("Months requested"), required=False)

    def to_input(self) -> EstimateInput:
        """The core input; raises RuleViolation naming the field when a bound is broken."""
        data = self.cleaned_data
        return EstimateInput(
            params=data["params"],
            tokens=data["tokens"],
            chip=data["chip"],
            precision=data["precision"],
            workload=Workload(data["workload"]),
            active_params=data.get("active_params"),
            epochs=data.get("epochs") or 1.0,
            seq_len=data.get("seq_len"),
            mfu=data.get("mfu"),
            request_gpus=data.get("request_gpus"),
            request_months=data.get("request_months"),
            moe={"dense": False, "moe": True}.get(data.get("architecture") or ""),
            weight_bits=int(data.get("weight_bits") or 16),
            goodput=data.get("goodput"),
        )


class NodeStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=NodeState.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
