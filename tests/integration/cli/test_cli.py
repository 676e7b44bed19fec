"""The console commands: init-db, create-user, create-token, seed-demo, verify-audit."""

from helpers import bearer


def test_init_db_is_safe_to_run_twice(runner):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "newest schema" in result.output


def test_create_user_reads_the_password_twice_from_stdin(runner, client):
    result = runner.invoke(args=["create-user", "--email", "Ops@Client.example", "--role", "admin"],
                           input="a long admin password\na long admin password\n")
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"email": "ops@client.example", "password": "a long admin password"})
    assert response.status_code == 302


def test_create_user_refuses_a_mismatched_confirmation(runner):
    result = runner.invoke(args=["create-user", "--email", "x@client.example", "--role", "manager"],
                           input="a long admin password\nsomething else entirely\n")
    assert result.exit_code != 0 and "differ" in result.output


def test_create_user_for_a_vendor_needs_the_vendor(runner, create_vendor):
    result = runner.invoke(args=["create-user", "--email", "v@vendor.example", "--role", "vendor"],
                           input="a long vendor password\na long vendor password\n")
    assert result.exit_code != 0 and "vendor_id" in result.output
    vendor = create_vendor()
    ok = runner.invoke(args=["create-user", "--email", "v@vendor.example", "--role", "vendor", "--vendor-id", str(vendor.id)],
                       input="a long vendor password\na long vendor password\n")
    assert ok.exit_code == 0, ok.output


def test_create_token_prints_the_token_alone_on_the_last_line(runner, client, create_user):
    user = create_user("executive")
    result = runner.invoke(args=["create-token", "--email", user.email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("vp_") and " " not in token
    assert client.get("/api/v1/vendors", headers=bearer(token)).status_code == 200
    listed = runner.invoke(args=["list-tokens"]).output
    assert user.email in listed and token not in listed
    token_id = listed.split("\t")[0]
    assert runner.invoke(args=["revoke-token", token_id]).exit_code == 0
    assert client.get("/api/v1/vendors", headers=bearer(token)).status_code == 401


def test_create_token_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["create-token", "--email", "nobody@client.example"])
    assert result.exit_code != 0


def test_seed_demo_loads_once_and_audits_cleanly(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "manager@" in first.output
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "already there" in again.output
    verify = runner.invoke(args=["verify-audit"])
    assert verify.exit_code == 0, verify.output
    from vendorportal.demo.services import DEMO_PASSWORD

    for role in ("admin", "manager", "executive", "vendor"):
        email = next(line.split()[-1] for line in first.output.splitlines() if line.strip().startswith(role))
        c = client.application.test_client()
        assert c.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        assert c.get("/home").status_code == 200
    page = c.get("/home").get_data(as_text=True)
    assert "Northwind" in page and "株式会社コールプラス" not in page  # vendor staff see their own vendor only
