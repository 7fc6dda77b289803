import pytest

from aisc.core.catalogue.chips import CHIPS, PRECISIONS, chip, peak_tflops
from aisc.core.errors import NotFound

SHARED_CODES = ["h800", "h100", "h200", "a800", "a100", "br104", "br100", "ascend910b"]


def test_the_catalogue_holds_exactly_the_eight_agreed_chip_codes() -> None:
    assert list(CHIPS) == SHARED_CODES
    assert all(spec.code == code for code, spec in CHIPS.items())


@pytest.mark.parametrize(
    ("code", "precision", "tflops"),
    [
        ("h800", "bf16", 989.4),
        ("h800", "fp8", 1979.0),
        ("h100", "fp16", 989.4),
        ("h200", "bf16", 989.0),
        ("a100", "bf16", 312.0),
        ("a800", "fp16", 312.0),
        ("br104", "bf16", 512.0),
        ("br100", "bf16", 1024.0),
        ("ascend910b", "fp16", 320.0),
    ],
)
def test_it_returns_the_published_dense_peak(code: str, precision: str, tflops: float) -> None:
    assert peak_tflops(code, precision) == tflops


def test_every_published_figure_names_its_source_and_a_known_precision() -> None:
    for spec in CHIPS.values():
        assert spec.memory_gb > 0
        assert spec.memory_source
        for precision, figure in spec.peaks.items():
            assert precision in PRECISIONS
            assert figure.value > 0
            assert figure.source.strip()
            assert figure.confidence in {"high", "medium", "low", "uncertain"}


def test_an_unpublished_precision_is_refused_naming_chip_and_precision() -> None:
    with pytest.raises(NotFound) as caught:
        peak_tflops("a100", "fp8")
    assert caught.value.field == "precision"
    assert "a100" in caught.value.message
    assert "fp8" in caught.value.message
    assert "bf16" in caught.value.message  # it lists what is published


def test_an_unknown_precision_is_refused_listing_the_valid_ones() -> None:
    with pytest.raises(NotFound) as caught:
        peak_tflops("h800", "int4")
    assert caught.value.field == "precision"
    assert "int4" in caught.value.message
    assert "fp64" in caught.value.message


def test_an_unknown_chip_is_refused_naming_it() -> None:
    with pytest.raises(NotFound) as caught:
        chip("v100")
    assert caught.value.field == "chip"
    assert "'v100'" in caught.value.message
    assert "h800" in caught.value.message


def test_precisions_are_listed_in_canonical_order() -> None:
    assert CHIPS["h800"].precisions() == ("fp64", "bf16", "fp16", "fp8")


def test_published_figures_cannot_be_patched_at_run_time() -> None:
    with pytest.raises(TypeError):
        CHIPS["h800"].peaks["bf16"] = CHIPS["h800"].peaks["fp8"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("code", "memory_gb", "bandwidth"),
    [
        ("h800", 80, 3.35),
        ("h100", 80, 3.35),
        ("h200", 141, 4.8),
        ("a800", 80, 2.04),
        ("a100", 80, 2.04),
        ("br104", 32, 0.819),
        ("br100", 64, 1.64),
        ("ascend910b", 64, 1.6),
    ],
)
def test_memory_and_bandwidth_match_the_facts(code: str, memory_gb: int, bandwidth: float) -> None:
    spec = chip(code)
    assert spec.memory_gb == memory_gb
    assert spec.memory_bandwidth_tbs == bandwidth


def test_fp8_is_published_only_for_hopper_parts() -> None:
    with_fp8 = {code for code, spec in CHIPS.items() if "fp8" in spec.peaks}
    assert with_fp8 == {"h800", "h100", "h200"}
    assert all(
        CHIPS[c].peaks["fp8"].value == pytest.approx(2 * CHIPS[c].peaks["bf16"].value, rel=0.01)
        for c in with_fp8
    )


def test_the_ascend_figure_is_marked_uncertain_and_says_it_is_a_range() -> None:
    figure = CHIPS["ascend910b"].peaks["fp16"]
    assert figure.confidence == "uncertain"
    assert "280 to 376" in figure.source
