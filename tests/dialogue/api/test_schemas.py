"""The OpenAPI document describes every body, query parameter and answer of the dialogue API."""


def test_the_api_is_documented_in_the_openapi_file(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    schemas = spec["components"]["schemas"]
    for path, method in [
        ("/api/v1/dialogue/conferences", "post"),
        ("/api/v1/dialogue/conferences", "get"),
        ("/api/v1/dialogue/conferences/{conference_id}/comments", "post"),
        ("/api/v1/dialogue/comments/{comment_id}/status", "post"),
        ("/api/v1/dialogue/conferences/{conference_id}/state", "post"),
        ("/api/v1/stats/dialogue", "get"),
    ]:
        assert method in paths[path], path
    body = paths["/api/v1/dialogue/conferences/{conference_id}/comments"]["post"]["requestBody"]
    assert "application/json" in body["content"]
    assert "content" in str(schemas["CommentIn"])


def test_bodies_parameters_and_answers_are_described_as_validated(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    schemas = spec["components"]["schemas"]
    for path, schema in [
        ("/api/v1/dialogue/conferences", "ConferenceIn"),
        ("/api/v1/dialogue/conferences/{conference_id}/comments", "CommentIn"),
        ("/api/v1/dialogue/comments/{comment_id}/status", "StatusChange"),
        ("/api/v1/dialogue/conferences/{conference_id}/state", "StateChange"),
    ]:
        post = paths[path]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(schema), path
        assert {"401", "403", "422"} <= set(post["responses"]), path
    assert schemas["CommentIn"]["properties"]["content"]["maxLength"] == 4000
    assert schemas["CommentIn"]["properties"]["speaker_kind"]["enum"] == [
        "individual",
        "organisation",
        "business",
    ]
    assert schemas["StateChange"]["properties"]["action"]["enum"] == ["start", "close", "publish"]
    assert schemas["Comment"]["properties"]["status"]["enum"][0] == "received"
    stats = paths["/api/v1/stats/dialogue"]["get"]
    assert {(p["in"], p["name"], p.get("required", False)) for p in stats["parameters"]} == {
        ("query", "unit", True),
        ("query", "from", False),
        ("query", "to", False),
    }
    assert stats["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("Stats")
    assert "by_department" in schemas["Stats"]["properties"]
    listing = paths["/api/v1/dialogue/conferences"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"unit", "from", "to"}
    assert "404" in listing["responses"]
