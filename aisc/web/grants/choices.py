"""Choice lists with translated labels; the values come from aisc.core (one source of truth)."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aisc.core.catalogue.chips import CHIPS, PRECISIONS
from aisc.core.grants.workflow import (
    ApplicationStatus,
    AwardStatus,
    CallStatus,
    ReportStatus,
    ReviewStatus,
)

Choices = list[tuple[str, str | Promise]]

CALL_STATUS: Choices = [
    (CallStatus.DRAFT, _("Draft")),
    (CallStatus.OPEN, _("Open")),
    (CallStatus.CLOSED, _("Closed")),
    (CallStatus.PUBLISHED, _("Results published")),
]
APPLICATION_STATUS: Choices = [
    (ApplicationStatus.DRAFT, _("Draft")),
    (ApplicationStatus.SUBMITTED, _("Submitted")),
    (ApplicationStatus.RETURNED, _("Returned for completion")),
    (ApplicationStatus.INELIGIBLE, _("Rejected as ineligible")),
    (ApplicationStatus.IN_REVIEW, _("In review")),
    (ApplicationStatus.APPROVED, _("Approved")),
    (ApplicationStatus.APPROVED_IN_PART, _("Approved in part")),
    (ApplicationStatus.REJECTED, _("Rejected")),
    (ApplicationStatus.DEFERRED, _("Deferred")),
    (ApplicationStatus.WITHDRAWN, _("Withdrawn")),
]
REVIEW_STATUS: Choices = [
    (ReviewStatus.ASSIGNED, _("Assigned")),
    (ReviewStatus.SUBMITTED, _("Submitted")),
    (ReviewStatus.CONFLICTED, _("Conflict of interest")),
]
AWARD_STATUS: Choices = [
    (AwardStatus.APPROVED, _("Approved")),
    (AwardStatus.ACTIVE, _("Active")),
    (AwardStatus.COMPLETED, _("Completed")),
    (AwardStatus.CANCELLED, _("Cancelled")),
]
REPORT_STATUS: Choices = [
    (ReportStatus.SUBMITTED, _("Submitted")),
    (ReportStatus.ACCEPTED, _("Accepted")),
    (ReportStatus.RETURNED, _("Returned")),
]
CHIP: Choices = [(code, spec.name) for code, spec in CHIPS.items()]
PRECISION: Choices = [(p, p.upper()) for p in PRECISIONS]


class Workload(models.TextChoices):
    PRETRAIN = "pretrain", _("Pre-training")
    FINETUNE = "finetune", _("Full fine-tuning")
    PEFT = "peft", _("Parameter-efficient fine-tuning")
    INFERENCE = "inference", _("Inference")


class ModelType(models.TextChoices):
    DENSE = "dense", _("Dense transformer")
    MOE = "moe", _("Mixture-of-experts transformer")
    DIFFUSION = "diffusion", _("Diffusion model")
    VISION = "vision", _("Vision model")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    LANGUAGE = "language", _("Language models")
    VISION = "vision", _("Vision and multimodal")
    SCIENCE = "science", _("Science and materials")
    HEALTH = "health", _("Health and life sciences")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    FINANCIAL_PROOF = "financial_proof", _("Financial proof")
    PROPOSAL = "proposal", _("Project proposal")
    TEAM_CVS = "team_cvs", _("Team structure and CVs")
    OTHER = "other", _("Other supporting document")


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    MODEL = "model", _("Model released")
    DATASET = "dataset", _("Dataset released")
    SOFTWARE = "software", _("Software released")
    PATENT_FILED = "patent_filed", _("Patent filed")
    PATENT_GRANTED = "patent_granted", _("Patent granted")
    PRODUCT = "product", _("Product or service launched")
    PEOPLE_HIRED = "people_hired", _("People hired")
    PEOPLE_TRAINED = "people_trained", _("People trained")
    FOLLOW_ON_FUNDING = "follow_on_funding", _("Follow-on funding raised")
