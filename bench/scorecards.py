"""Bench: scorecard API with 60 months of history against 1 month, and the portfolio page for 200 x 60.

Bounds from issue 3:
  scorecard API for a contract with 60 months of history <= 1.5 x its time for a contract with one month
  portfolio page for 200 vendors x 60 months answers in < 0.5 s

Run: .venv/bin/python bench/scorecards.py [--vendors 200] [--months 60] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import make_app, median_of, verdict  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = make_app(args.database_url)
    from vendorportal.auth import services as auth
    from vendorportal.core.formatting import today
    from vendorportal.demo.performance import seed_scale
    from vendorportal.extensions import db
    from vendorportal.scorecards.domain import Month

    with app.app_context():
        day = today()
        start = time.perf_counter()
        seed_scale(db.session, args.vendors, args.months, day, None)
        # One more vendor with a single month of history, scored the same way.
        from vendorportal.demo.performance import seed_scale as one

        db.session.flush()
        user = auth.create_user(db.session, email="bench@client.example", name="Bench", role="manager",
                                password="bench password 123")
        _row, token = auth.create_token(db.session, user, "bench")
        db.session.commit()
        seeded = time.perf_counter() - start
    with app.app_context():
        from sqlalchemy import select

        from vendorportal.contracts.models import Contract

        long_id = db.session.execute(select(Contract.id).where(Contract.reference == "SCALE-0000")).scalar_one()
    # A separate database for the one-month contract keeps the comparison about history, not table size.
    short_app = make_app(args.database_url + "_one" if args.database_url else None)
    with short_app.app_context():
        one(db.session, 1, 1, day, None)
        short_user = auth.create_user(db.session, email="bench@client.example", name="Bench", role="manager",
                                      password="bench password 123")
        _r, short_token = auth.create_token(db.session, short_user, "bench")
        db.session.commit()
        short_id = db.session.execute(select(Contract.id)).scalar_one()
    period = str(Month(day.year, day.month).shift(-1))
    client, short_client = app.test_client(), short_app.test_client()

    def card(c, contract_id, tok):
        response = c.get(f"/api/v1/contracts/{contract_id}/scorecard?period={period}",
                         headers={"Authorization": f"Bearer {tok}"})
        assert response.status_code == 200 and response.get_json()["has_data"]

    card(client, long_id, token)
    card(short_client, short_id, short_token)
    long_t = median_of(lambda: card(client, long_id, token))
    short_t = median_of(lambda: card(short_client, short_id, short_token))

    web = app.test_client()
    assert web.post("/login", data={"email": "bench@client.example", "password": "bench password 123"}).status_code == 302
    assert web.get(f"/portfolio?period={period}").status_code == 200
    portfolio_t = median_of(lambda: web.get(f"/portfolio?period={period}"), repeat=7)

    ratio = long_t / short_t
    print(f"data: {args.vendors} vendors x {args.months} months seeded in {seeded:.1f} s "
          f"({dt.datetime.now():%Y-%m-%d %H:%M})")
    print(f"scorecard API, 1 month of history:   {short_t * 1000:7.1f} ms")
    print(f"scorecard API, {args.months} months of history: {long_t * 1000:7.1f} ms   ratio {ratio:4.2f} (bound 1.5)   "
          f"{verdict(ratio <= 1.5)}")
    print(f"portfolio page, {args.vendors} vendors:         {portfolio_t * 1000:7.1f} ms   (bound 500 ms)   "
          f"{verdict(portfolio_t < 0.5)}")


if __name__ == "__main__":
    main()
