"""Each review step mails the other side, in each person's language, through a real local SMTP server."""

import io

from helpers import bearer, make_test_config
from smtp_server import LocalSMTPServer

from vendorportal import create_app

DATA = b"date,offered,answered\n2026-04-01,100,90\n"


def test_upload_mails_managers_and_review_mails_the_vendor(database_url, create_vendor, create_contract, create_user,
                                                           create_token):
    vendor = create_vendor(name="Northwind")
    contract = create_contract(vendor, reference="NW-9")
    manager = create_user("manager", email="hana@client.example", language="ja")
    staff = create_user("vendor", vendor=vendor, email="maria@northwind.example")
    create_user("vendor", vendor=create_vendor(), email="other@vendor.example")
    with LocalSMTPServer() as server:
        app = create_app(make_test_config(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port))
        client = app.test_client()
        uploaded = client.post(f"/api/v1/contracts/{contract.id}/submissions", headers=bearer(create_token(staff)),
                               data={"period": "2026-04", "file": (io.BytesIO(DATA), "april.csv")},
                               content_type="multipart/form-data")
        assert uploaded.status_code == 201
        server.wait_for(1)
        to_manager = server.messages[0]
        assert to_manager["To"] == "hana@client.example"
        assert "Northwind" in to_manager["Subject"] and "2026-04" in to_manager["Subject"]
        assert not to_manager["Subject"].isascii()  # the manager reads Japanese
        returned = client.post(f"/api/v1/submissions/{uploaded.get_json()['id']}/return",
                               json={"comment": "Add the 10:00 interval"}, headers=bearer(create_token(manager)))
        assert returned.status_code == 200
        server.wait_for(2)
        to_vendor = server.messages[1]
        assert to_vendor["To"] == "maria@northwind.example"
        assert "returned" in to_vendor["Subject"]
        assert "Add the 10:00 interval" in to_vendor.get_content()
        assert all("other@vendor.example" not in m["To"] for m in server.messages)
