from django.test import Client

from aisc.web.accounts.models import User


def test_it_serves_a_valid_openapi_3_document(client: Client, db: None) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "aisc API"
    assert "/api/v1/me" in doc["paths"]


def test_it_answers_an_unauthenticated_call_with_the_one_error_body(
    client: Client, db: None
) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": response.json()["error"]["message"],
            "field": None,
        }
    }


def test_it_names_the_field_of_a_validation_error(client: Client, applicant: User) -> None:
    client.force_login(applicant)
    response = client.post("/api/v1/me/tokens", {"days": 3}, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", "name")


def test_it_requires_csrf_for_session_authenticated_writes(applicant: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in {401, 403}
    assert "error" in response.json()


def test_it_keeps_a_plain_refusal_vague_and_without_a_field(
    client: Client, applicant: User
) -> None:
    client.force_login(applicant)
    response = client.get("/api/v1/audit/events")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": "you may not do this",
        "field": None,
    }
