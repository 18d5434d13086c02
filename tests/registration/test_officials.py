"""Officials, addressed by NIP: validation (NIP, phone, email, rank, echelon), PUT and participant.updated."""
from retret.rules.nip import MSG_BIRTH_DATE, MSG_LENGTH
from retret.rules.phone import MSG_NOT_MOBILE
from retret_testing.http import assert_problem

URL = "/api/v1/officials"


def test_create_normalises_nip_and_phone(api, client, admin):
    body = api.official_body(1, nip="19860926 201505 1 001", phone="+62 812.3456.7890")
    response = client.post(URL, json=body, headers=admin)
    assert response.status_code == 201
    official = response.get_json()
    assert official["nip"] == "198609262015051001" and official["phone"] == "+6281234567890"
    assert official["rank"] == "IV/a" and official["echelon"] == "III.a" and official["position_kind"] == "camat"
    assert client.get(f"{URL}/198609262015051001", headers=admin).get_json() == official
    assert client.get(f"{URL}/19860926-201505-1-001", headers=admin).status_code == 200
    assert api.outbox() == []  # an official alone tells nobody anything


def test_only_nip_and_name_are_required_and_blank_means_none(client, admin, api):
    body = {"nip": api.nip(2), "name": "Siti Aminah, S.E.", "email": "", "phone": " ", "rank": ""}
    official = client.post(URL, json=body, headers=admin).get_json()
    assert official["email"] is None and official["phone"] is None and official["rank"] is None


def test_a_known_nip_is_409(api, client, admin):
    api.official(1)
    assert_problem(client.post(URL, json=api.official_body(1), headers=admin), 409, code="nip_taken")


def test_bad_input_names_the_field_with_the_rule_message(api, client, admin):
    cases = [
        ({"nip": "12345"}, "nip", MSG_LENGTH),
        ({"nip": "198613262015051001"}, "nip", MSG_BIRTH_DATE),
        ({"nip": 198609262015051001}, "nip", None),
        ({"phone": "0341-551234"}, "phone", MSG_NOT_MOBILE),
        ({"phone": "0812 FLOWERS"}, "phone", None),
        ({"phone": 812345678}, "phone", None),
        ({"email": "bukan-email"}, "email", None),
        ({"email": "a@" + "b" * 260 + ".id"}, "email", None),
        ({"rank": "V/a"}, "rank", None),
        ({"rank": "iv/a"}, "rank", None),
        ({"echelon": "III"}, "echelon", None),
        ({"echelon": "VI.a"}, "echelon", None),
        ({"position_kind": "bupati"}, "position_kind", None),
        ({"language": "jv"}, "language", "Bahasa tidak valid; gunakan id (Bahasa Indonesia) atau en (bahasa Inggris)."),
        ({"language": ["en"]}, "language", None),
        ({"name": ""}, "name", None),
        ({"name": None}, "name", None),
        ({"name": "n" * 201}, "name", None),
        ({"unit_code": "u" * 51}, "unit_code", None),
        ({"position": ["Camat"]}, "position", None),
        ({"extra": "x"}, "extra", None),
    ]
    for overrides, field, message in cases:
        body = assert_problem(client.post(URL, json=api.official_body(1, **overrides), headers=admin), 422,
                              field=field)
        if message:
            assert body["errors"][field] == [message]
    for field in ("nip", "name"):
        body = api.official_body(1)
        del body[field]
        assert_problem(client.post(URL, json=body, headers=admin), 422, field=field)
    assert_problem(client.post(URL, data="{", content_type="application/json", headers=admin), 400)


def test_list_by_nip_with_filters_and_pages(api, client, admin):
    for i in (3, 1, 2):
        api.official(i, unit_code="SETDA" if i == 2 else "35.73.05", position_kind="kepala_bagian" if i == 2
                     else "camat")
    page = client.get(f"{URL}?limit=2", headers=admin).get_json()
    assert [o["nip"] for o in page["items"]] == [api.nip(1), api.nip(2)]
    rest = client.get(f"{URL}?limit=2&cursor={page['next_cursor']}", headers=admin).get_json()
    assert [o["nip"] for o in rest["items"]] == [api.nip(3)] and rest["next_cursor"] is None
    assert [o["nip"] for o in client.get(f"{URL}?unit_code=SETDA", headers=admin).get_json()["items"]] == \
        [api.nip(2)]
    assert len(client.get(f"{URL}?position_kind=camat", headers=admin).get_json()["items"]) == 2
    for query, field in [("limit=0", "limit"), ("limit=501", "limit"), ("cursor=xyz", "cursor"),
                         ("cursor=WyJcdTAwMDAiXQ", "cursor"), ("position_kind=raja", "position_kind")]:
        assert_problem(client.get(f"{URL}?{query}", headers=admin), 422, field=field)


def test_unknown_or_malformed_nip_is_404(client, admin, api):
    for nip in (api.nip(9), "abc", "1" * 300, "%00", "19860926201505100x"):
        assert_problem(client.get(f"{URL}/{nip}", headers=admin), 404)
    assert_problem(client.put(f"{URL}/{api.nip(9)}", json={"name": "X"}, headers=admin), 404)


def test_put_replaces_and_emits_participant_updated_when_something_changed(api, client, admin):
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    body = api.official_body(1, position="Kepala Bappeda", phone="081111222333")
    del body["nip"]
    response = client.put(f"{URL}/{api.nip(1)}", json=body, headers=admin)
    assert response.status_code == 200 and response.get_json()["phone"] == "+6281111222333"
    [event] = api.outbox("participant.updated")
    assert event["data"]["nip"] == api.nip(1) and event["data"]["changed"] == ["position", "phone"]
    assert event["data"]["registration_ids"] == [registration["id"]]
    assert event["data"]["official"]["position"] == "Kepala Bappeda"
    assert client.put(f"{URL}/{api.nip(1)}", json=body, headers=admin).status_code == 200
    assert len(api.outbox("participant.updated")) == 1  # nothing changed the second time


def test_put_clears_fields_left_out(api, client, admin):
    api.official(1)
    cleared = client.put(f"{URL}/{api.nip(1)}", json={"name": "Budi"}, headers=admin).get_json()
    assert cleared["email"] is None and cleared["phone"] is None and cleared["name"] == "Budi"
    assert api.outbox("participant.updated")[0]["data"]["registration_ids"] == []


def test_an_officials_language_is_optional_blank_means_none_and_put_changes_or_clears_it(api, client, admin):
    assert api.official(1)["language"] is None
    assert api.official(2, language="")["language"] is None
    assert api.official(3, language="en")["language"] == "en"
    assert client.get(f"{URL}/{api.nip(3)}", headers=admin).get_json()["language"] == "en"
    retreat = api.retreat(publish=True)
    registration = api.register(retreat["id"], 1)
    body = {k: v for k, v in api.official_body(1, language="en").items() if k != "nip"}
    assert client.put(f"{URL}/{api.nip(1)}", json=body, headers=admin).get_json()["language"] == "en"
    [event] = api.outbox("participant.updated")
    assert event["data"]["changed"] == ["language"] and event["data"]["official"]["language"] == "en"
    assert event["data"]["registration_ids"] == [registration["id"]]
    body.pop("language")  # PUT: left out is cleared, as every other field
    assert client.put(f"{URL}/{api.nip(1)}", json=body, headers=admin).get_json()["language"] is None
    assert api.outbox("participant.updated")[-1]["data"]["changed"] == ["language"]
    assert_problem(client.put(f"{URL}/{api.nip(1)}", json={**body, "language": "jv"}, headers=admin), 422,
                   field="language")


def test_put_validation(api, client, admin):
    api.official(1)
    assert_problem(client.put(f"{URL}/{api.nip(1)}", json={"nip": api.nip(2), "name": "X"}, headers=admin),
                   422, field="nip")
    assert client.put(f"{URL}/{api.nip(1)}", json={"nip": api.nip(1), "name": "X"}, headers=admin).status_code \
        == 200
    assert_problem(client.put(f"{URL}/{api.nip(1)}", json={"position": "X"}, headers=admin), 422, field="name")
    assert_problem(client.put(f"{URL}/{api.nip(1)}", json={"name": "X", "phone": "123"}, headers=admin), 422,
                   field="phone")


def test_roles(api, client, operator, secretariat):
    api.official(1)
    assert_problem(client.get(URL), 401)
    assert client.get(URL, headers=secretariat).status_code == 200
    assert client.get(f"{URL}/{api.nip(1)}", headers=operator).status_code == 200
    assert_problem(client.post(URL, json=api.official_body(2), headers=operator), 403)
    assert_problem(client.put(f"{URL}/{api.nip(1)}", json={"name": "X"}, headers=secretariat), 403)


def test_email_is_checked_for_its_syntax_only_and_normalised(api, client, admin):
    # No DNS look-up: an address at a domain that does not exist is fine as long as it is well formed.
    body = api.official_body(1, email="  Budi.Santoso@MalangKota.GO.ID ")
    assert client.post(URL, json=body, headers=admin).get_json()["email"] == "Budi.Santoso@malangkota.go.id"
    assert client.post(URL, json=api.official_body(2, email="a@tidak-ada-domainnya-sama-sekali.id"),
                       headers=admin).status_code == 201
    cases = {
        "budi.malangkota.go.id": "Alamat email harus memuat tanda @.",
        "@malangkota.go.id": "Alamat email harus memuat nama sebelum tanda @.",
        "budi@": "Alamat email harus memuat nama domain setelah tanda @.",
        "budi@localhost": "Nama domain setelah tanda @ tidak lengkap (mis. malangkota.go.id).",
        "budi..santoso@malangkota.go.id": "Alamat email tidak boleh memuat dua titik berturut-turut.",
        "Budi <budi@malangkota.go.id>": "Tulis alamat email saja, tanpa nama atau tanda < >.",
        "budi@mail.test": "Nama domain setelah tanda @ adalah nama khusus yang tidak bisa menerima email.",
        "bu di@malangkota.go.id": "Bagian sebelum tanda @ memuat karakter yang tidak diperbolehkan.",
        "budi@" + "a" * 250 + ".id": "Alamat email terlalu panjang (maksimal 254 karakter).",
    }
    for email, message in cases.items():
        response = client.post(URL, json=api.official_body(3, email=email), headers=admin)
        assert assert_problem(response, 422, field="email")["errors"]["email"] == [message], email


def test_the_answer_tells_a_pppk_number_from_a_pns_one(api, client, admin):
    assert api.official(1)["nip_kind"] == "pns"
    pppk = client.post(URL, json=api.official_body(1, nip="199001012022211001"), headers=admin).get_json()
    assert pppk["nip_kind"] == "pppk"
    assert client.get(f"{URL}/199001012022211001", headers=admin).get_json()["nip_kind"] == "pppk"


def test_an_appointment_before_the_18th_birthday_is_refused(api, client, admin):
    from retret.rules.nip import MSG_APPOINTMENT_AGE
    response = client.post(URL, json=api.official_body(1, nip="198609262004081001"), headers=admin)
    assert assert_problem(response, 422, field="nip")["errors"]["nip"] == [MSG_APPOINTMENT_AGE]


def test_other_countries_mobiles_only_where_the_site_accepts_them(api, client, admin, make_app):
    from retret.rules.phone import MSG_NOT_INDONESIAN
    response = client.post(URL, json=api.official_body(1, phone="+65 8123 4567"), headers=admin)
    assert assert_problem(response, 422, field="phone")["errors"]["phone"] == [MSG_NOT_INDONESIAN]
    site = make_app("registration", PHONE_FOREIGN_REGIONS="SG,MY").test_client()
    created = site.post(URL, json=api.official_body(1, phone="+65 8123 4567"), headers=admin)
    assert created.status_code == 201 and created.get_json()["phone"] == "+6581234567"
    response = site.post(URL, json=api.official_body(2, phone="+61 412 345 678"), headers=admin)
    assert "SG" in assert_problem(response, 422, field="phone")["errors"]["phone"][0]
