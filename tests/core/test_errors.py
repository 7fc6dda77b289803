"""Core errors carry the field and, for refusals with figures in them, the template and its
parameters, so the edge can say them in the user's language."""

from aisc.core.errors import AiscError, RuleViolation


def test_a_refusal_without_parameters_is_its_message() -> None:
    error = RuleViolation("give the reason", field="reason")
    assert (error.message, error.template, error.params) == (
        "give the reason",
        "give the reason",
        {},
    )
    assert str(error) == "give the reason"
    assert error.field == "reason"


def test_a_refusal_with_parameters_fills_its_template_and_keeps_both() -> None:
    error = AiscError(
        "must be more than zero (got %(amount)s)", field="amount", params={"amount": "-1"}
    )
    assert error.message == "must be more than zero (got -1)"
    assert error.template == "must be more than zero (got %(amount)s)"
    assert error.params == {"amount": "-1"}
    assert str(error) == error.message
