import pytest

from aisc.core.catalogue.nodes import (
    STANDARD_NODE_TYPES,
    NodeType,
    basis,
    gpus_for,
    nodes_for,
    pflops,
)
from aisc.core.errors import NotFound, RuleViolation


def test_1300_pflops_bf16_dense_is_about_1314_h800_in_164_nodes() -> None:
    gpus = gpus_for(1300, "h800", "bf16")
    assert gpus == 1314
    assert nodes_for(gpus, STANDARD_NODE_TYPES["h800x8"].gpus) == 164


def test_3000_pflops_bf16_dense_is_about_3032_h800_in_379_nodes() -> None:
    gpus = gpus_for(3000, "h800", "bf16")
    assert (gpus, nodes_for(gpus)) == (3032, 379)


def test_the_same_pflops_in_fp8_dense_needs_half_the_gpus() -> None:
    assert gpus_for(1300, "h800", "fp8") == 657


def test_pflops_are_derived_from_gpu_counts_and_name_their_basis() -> None:
    capacity = pflops({"h800": 1314, "br104": 16}, "bf16")
    assert capacity.basis == "BF16 dense"
    assert capacity.value == pytest.approx((1314 * 989.4 + 16 * 512) / 1000)
    assert str(capacity) == "1,308.3 PFLOPS BF16 dense"


def test_one_h800_node_is_the_8_pflops_computer_of_the_press() -> None:
    assert pflops({"h800": 8}, "bf16").value == pytest.approx(7.9152)


def test_capacity_of_a_chip_without_that_precision_is_refused() -> None:
    with pytest.raises(NotFound):
        pflops({"br104": 8}, "fp8")


@pytest.mark.parametrize(
    "call",
    [
        lambda: pflops({"h800": -1}, "bf16"),
        lambda: gpus_for(-5, "h800", "bf16"),
        lambda: nodes_for(-1),
        lambda: nodes_for(8, 0),
    ],
)
def test_negative_counts_and_empty_nodes_are_refused(call: object) -> None:
    with pytest.raises(RuleViolation):
        call()  # type: ignore[operator]


def test_a_node_type_must_use_a_catalogue_chip_and_positive_sizes() -> None:
    with pytest.raises(NotFound):
        NodeType("x", "v100", 8, 64, 512, "IB")
    with pytest.raises(RuleViolation) as caught:
        NodeType("x", "h800", 8, 0, 512, "IB")
    assert caught.value.field == "cpus"


def test_a_basis_reads_as_precision_and_dense() -> None:
    assert basis("fp8") == "FP8 dense"


def test_half_a_node_rounds_up_and_less_rounds_down() -> None:
    assert nodes_for(4) == 1
    assert nodes_for(3) == 0
    assert nodes_for(12) == 2


def test_the_standard_node_types_use_catalogue_chips_with_eight_gpus() -> None:
    assert {t.chip for t in STANDARD_NODE_TYPES.values()} == {"h800", "br104"}
    assert all(t.gpus == 8 for t in STANDARD_NODE_TYPES.values())
