"""Bench: PDF review packs against WeasyPrint alone, generate-packs on 1 and 2 cores, a 200-vendor portfolio.

Prints each figure and ratio against the bounds for the review packs:
  a vendor pack (data + charts + templates + PDF) <= 1.3 x WeasyPrint alone on the same final HTML
  `generate-packs` for 40 vendors (41 packs: 40 vendor packs and the portfolio pack) with --jobs 2
      is >= 1.6 x faster than with --jobs 1
  the portfolio pack for 200 vendors renders; its wall time, pages and peak memory are printed

The vendor pack is a realistic one: the demo data (`seed_demo`) plus two more contracts for Northwind, so the
vendor has 3 running contracts x 9 targets, 12 to 13 months of accepted interval data each, a dispute, assessments,
findings and actions. `seed_scale` (1 contract x 4 targets, one summary row a month) builds the 40- and
200-vendor sets. With --database-url URL the bench uses URL, URL_gen and URL_portfolio (create them empty).

Run: /tmp/venv/bin/python bench/packs.py [--vendors 40] [--portfolio-vendors 200] [--months 24] [--repeat 9]
                                         [--database-url URL] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import make_app, verdict  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef0123456789"
# Two more Northwind contracts with the same nine targets as NWCS-2024-PH (demo/performance.py).
EXTRA_CONTRACTS = [("NWCS-2025-CEB", "Customer care hotline and chat (Cebu overflow site)", ["phone", "chat"]),
                   ("NWCS-2025-LOY", "Loyalty programme hotline and e-mail", ["phone", "email"])]
HISTORY_MONTHS = 13  # a year of trends and the month before it


# ---------------------------------------------------------------- data

def _month(day: dt.date):
    from vendorportal.scorecards.domain import Month

    return Month(day.year, day.month).shift(-1)  # the last complete month, as the scheduler would report


def seed_vendor(app) -> int:
    """Load the demo and give Northwind two more contracts with nine targets and 13 accepted months each."""
    from sqlalchemy import select

    from vendorportal.auth.models import User
    from vendorportal.contracts import services as contracts
    from vendorportal.core.formatting import today
    from vendorportal.demo import performance
    from vendorportal.demo.services import DEMO_DOMAIN, seed_demo
    from vendorportal.extensions import db
    from vendorportal.submissions import services as uploads
    from vendorportal.targets import services as targets
    from vendorportal.vendors.models import Vendor

    with app.app_context():
        day = today()
        seed_demo(db.session, day)
        session = db.session
        manager = session.execute(select(User).where(User.email == f"manager@{DEMO_DOMAIN}")).scalar_one()
        vendor = session.execute(select(Vendor).where(Vendor.code == "NWCS")).scalar_one()
        last = _month(day)
        months = [last.shift(-n) for n in range(HISTORY_MONTHS - 1, -1, -1)]
        rng = random.Random(5)
        for reference, title, channels in EXTRA_CONTRACTS:
            contract = contracts.create_contract(session, {
                "vendor_id": vendor.id, "reference": reference, "title": title, "channels": channels,
                "start_date": dt.date(months[0].year, months[0].month, 1).isoformat(),
                "end_date": dt.date(day.year + 2, 3, 31).isoformat(), "notice_days": 90, "monthly_fee": "7400000",
                "currency": "JPY", "at_risk_percent": "10", "earn_back_months": 3, "submission_due_day": 10})
            for metric, kind, channel, target, minimum, weight, allocation in performance.TARGETS["NWCS-2024-PH"]:
                targets.add_target(session, manager, contract, {
                    "metric": metric, "kind": kind, "channel": channel, "target": str(target),
                    "minimum": str(minimum), "weight": str(weight), "credit_allocation_percent": str(allocation),
                    "effective_from": str(months[0])})
            for month in months:
                targets.set_forecast(session, contract, str(month), 22_000)
                quality = rng.choice((1.0, 1.0, 1.0, 0.95, 0.9, 0.8))  # mostly met, some misses and breaches
                outcome = uploads.submit_file(session, manager, contract, period=str(month),
                                              filename=f"{reference}-{month}.csv", tz="Asia/Tokyo",
                                              data=performance.month_csv(rng, month, channels, quality))
                if not outcome.ok:
                    raise RuntimeError(f"bench data for {reference} {month} is invalid: {outcome.errors[:3]}")
                uploads.accept_submission(session, manager, outcome.submission)
        session.commit()
        return vendor.id


def seed_many(app, vendors: int, months: int) -> None:
    from vendorportal.core.formatting import today
    from vendorportal.demo.performance import seed_scale
    from vendorportal.extensions import db

    with app.app_context():
        seed_scale(db.session, vendors, months, today(), None)
        db.session.commit()


# ---------------------------------------------------------------- 0. one trend chart

def chart_render_time(renders: int = 2000) -> float:
    """Time render_trend_svg on a realistic chart (12 months, target and minimum); print and return ms per chart."""
    from vendorportal.scorecards.charts import TrendChart, TrendPoint, render_trend_svg

    values = [96.2, 95.1, 93.8, None, 91.0, 88.7, 94.5, 95.9, 97.3, 96.8, 92.4, 95.0]
    statuses = ["met", "met", "missed", "no_data", "breach", "breach", "relieved", "met", "met", "met", "missed",
                "met"]
    points = tuple(TrendPoint(f"{2025 + (4 + i) // 12}-{(4 + i) % 12 + 1:02d}", value, status)
                   for i, (value, status) in enumerate(zip(values, statuses, strict=True)))
    chart = TrendChart("サービスレベル · 電話", "%", points, target=95.0, minimum=90.0, target_label="目標",
                       minimum_label="最低")
    render_trend_svg(chart)  # warm-up
    gc.collect()
    start = time.perf_counter()
    for _ in range(renders):
        render_trend_svg(chart)
    ms = (time.perf_counter() - start) / renders * 1000
    print(f"chart: {ms:.2f} ms per chart (goal < 1 ms)   {verdict(ms < 1.0)}   "
          f"({renders} renders of a 12-month chart with target and minimum)")
    return ms


# ---------------------------------------------------------------- 1. one vendor pack against WeasyPrint alone

def vendor_pack_vs_weasyprint(app, vendor_id: int, locale: str, repeat: int) -> dict:
    """Interleave the full pipeline and WeasyPrint alone on its final HTML, in this one process."""
    from vendorportal.core.formatting import today
    from vendorportal.extensions import db
    from vendorportal.packs import content, pdf, render, services
    from vendorportal.vendors.models import Vendor

    with app.app_context():
        day = today()
        month = _month(day)
        as_of = dt.datetime.now(dt.UTC).replace(microsecond=0)  # fixed: every run makes the same HTML and PDF

        def full():
            # As services.build_html and render_pack do it, from a fresh session.
            vendor = db.session.get(Vendor, vendor_id)
            data = content.vendor_pack(db.session, vendor, month, as_of=as_of, today=day, locale=locale,
                                       labels=render.chart_labels(locale))
            html = render.render_html("vendor", data, locale=locale, version=1, period=str(month))
            out = pdf.render_pdf(html, render.pack_css(), created=as_of, title=services.pdf_title(html),
                                 lang=locale)
            return html, out

        def alone(html):
            return pdf.render_pdf(html, render.pack_css(), created=as_of, title=services.pdf_title(html),
                                  lang=locale)

        html, first = full()  # warm-up: imports, templates, fonts, the parsed stylesheet
        alone(html)
        db.session.remove()
        times: dict[str, list[float]] = {"full": [], "alone": []}
        cpu: dict[str, list[float]] = {"full": [], "alone": []}
        for n in range(repeat):
            # Alternate which one goes first so neither always runs on a warmer (or hotter) CPU.
            for which in (("full", "alone") if n % 2 == 0 else ("alone", "full")):
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                if which == "full":
                    again, out = full()
                else:
                    again, out = html, alone(html)
                times[which].append(time.perf_counter() - start)
                cpu[which].append(time.process_time() - start_cpu)
                db.session.remove()
                assert again == html, "the same content and version must give the same HTML"
                assert out.data == first.data, "the same HTML must give the same PDF bytes"
        # Where the time outside WeasyPrint goes, measured once more stage by stage (for reference).
        from vendorportal.scorecards import charts

        chart_time = [0.0]
        original = charts.render_trend_svg

        def timed_chart(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                chart_time[0] += time.perf_counter() - begin

        gc.collect()
        charts.render_trend_svg = timed_chart
        try:
            vendor = db.session.get(Vendor, vendor_id)
            start = time.perf_counter()
            data = content.vendor_pack(db.session, vendor, month, as_of=as_of, today=day, locale=locale,
                                       labels=render.chart_labels(locale))
            collected = time.perf_counter()
        finally:
            charts.render_trend_svg = original
        render.render_html("vendor", data, locale=locale, version=1, period=str(month))
        templated = time.perf_counter()
        sections = [(s.contract.reference, len(s.card.card.results), len(s.charts)) for s in data.sections]
        db.session.remove()
    return {"full": statistics.median(times["full"]), "alone": statistics.median(times["alone"]),
            "full_all": times["full"], "alone_all": times["alone"],
            "full_cpu": statistics.median(cpu["full"]), "alone_cpu": statistics.median(cpu["alone"]),
            "pages": first.pages, "kb": len(first.data) / 1024, "html_kb": len(html.encode()) / 1024,
            "data": collected - start - chart_time[0], "charts": chart_time[0], "template": templated - collected,
            "sections": sections}


# ---------------------------------------------------------------- 2. generate-packs on 1 and 2 cores

def _cli() -> list[str]:
    script = Path(sys.executable).with_name("vendorportal")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from vendorportal.cli import cli; cli()"]


def _cli_env(app) -> dict:
    env = dict(os.environ)
    env.update({"VENDORPORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "VENDORPORTAL_SECRET_KEY": SECRET, "VENDORPORTAL_INSTANCE_PATH": app.instance_path})
    return env


def startup(app, period: str) -> float:
    """Time generate-packs up to its first query (app, imports, a unit of work), asking for no vendor."""
    command = [*_cli(), "generate-packs", "--period", period, "--vendor-id", "999999999"]
    start = time.perf_counter()
    run = subprocess.run(command, env=_cli_env(app), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode != 1 or "no vendor" not in run.stderr:
        raise RuntimeError(f"generate-packs for no vendor should fail cleanly:\n{run.stdout}\n{run.stderr}")
    return elapsed


def generate_packs(app, period: str, jobs: int, language: str) -> dict:
    """Run the real `vendorportal generate-packs` once; return its wall and CPU time and what the packs show."""
    from sqlalchemy import func, select

    from vendorportal.extensions import db
    from vendorportal.packs.models import Pack

    with app.app_context():
        last_id = db.session.execute(select(func.max(Pack.id))).scalar() or 0
        db.session.remove()
    command = [*_cli(), "generate-packs", "--period", period, "--language", language, "--jobs", str(jobs)]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, env=_cli_env(app), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise RuntimeError(f"generate-packs --jobs {jobs} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    done = sum(1 for line in run.stdout.splitlines() if line.startswith("done"))
    with app.app_context():
        # started_at and finished_at of each pack tell how the packs were spread over the processes.
        packs = db.session.execute(select(Pack).where(Pack.id > last_id)).scalars().all()
        spans = {p.id: (p.started_at, p.finished_at, p.kind) for p in packs}
        db.session.remove()
    portfolio = next(v for v in spans.values() if v[2] == "portfolio")
    vendors_end = max(v[1] for v in spans.values() if v[2] == "vendor")
    first_start = min(v[0] for v in spans.values())
    return {"wall": elapsed, "done": done, "load": load,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "busy": sum((v[1] - v[0]).total_seconds() for v in spans.values()),
            "rendering": (max(v[1] for v in spans.values()) - first_start).total_seconds(),
            "portfolio": (portfolio[1] - portfolio[0]).total_seconds(),
            "portfolio_start": (portfolio[0] - first_start).total_seconds(),
            "tail": max(0.0, (portfolio[1] - vendors_end).total_seconds())}


# ---------------------------------------------------------------- 3. the portfolio pack, in a fresh process

def _high_water_mb() -> float:
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's peak across exec on Linux.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def portfolio_child(database_url: str, language: str) -> None:
    """Render the portfolio pack as generate-packs would, and print times, pages and peak RSS as JSON."""
    app = make_app(database_url)
    from vendorportal.core.formatting import today
    from vendorportal.extensions import db
    from vendorportal.packs import content, pdf, render, services

    with app.app_context():
        day = today()
        month = _month(day)
        as_of = dt.datetime.now(dt.UTC).replace(microsecond=0)
        before = _high_water_mb()
        start = time.perf_counter()
        data = content.portfolio_pack(db.session, month, as_of=as_of, today=day, locale=language,
                                      labels=render.chart_labels(language))
        collected = time.perf_counter()
        html = render.render_html("portfolio", data, locale=language, version=1, period=str(month))
        templated = time.perf_counter()
        out = pdf.render_pdf(html, render.pack_css(), created=as_of, title=services.pdf_title(html), lang=language)
        done = time.perf_counter()
    shutil.rmtree(app.instance_path, ignore_errors=True)  # this process's own empty instance folder
    print(json.dumps({"vendors": len(data.rows), "data_s": collected - start, "template_s": templated - collected,
                      "pdf_s": done - templated, "total_s": done - start, "pages": out.pages,
                      "pdf_kb": len(out.data) / 1024, "html_kb": len(html.encode()) / 1024,
                      "before_mb": before, "peak_mb": _high_water_mb()}))


def portfolio(app, language: str) -> dict:
    child = [sys.executable, __file__, "--portfolio-child", app.config["SQLALCHEMY_DATABASE_URI"],
             "--language", language]
    start = time.perf_counter()
    run = subprocess.run(child, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"the portfolio child failed ({run.returncode}):\n{run.stderr[-4000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


# ---------------------------------------------------------------- main

def _suffixed(url: str | None, suffix: str) -> str | None:
    return url + suffix if url else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=40, help="vendors for generate-packs (bound 2)")
    parser.add_argument("--portfolio-vendors", type=int, default=200, help="vendors in the portfolio pack (3)")
    parser.add_argument("--months", type=int, default=24, help="months of history of the scale vendors")
    parser.add_argument("--repeat", type=int, default=9, help="interleaved runs of bound 1, per language")
    parser.add_argument("--language", choices=("en", "ja"), default="ja",
                        help="language of generate-packs and the portfolio pack (bound 1 measures both)")
    parser.add_argument("--database-url")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run in about a minute")
    parser.add_argument("--portfolio-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.portfolio_child:
        portfolio_child(args.portfolio_child, args.language)
        return
    if args.quick:
        args.vendors, args.portfolio_vendors, args.months, args.repeat = 6, 20, 13, 3
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]

    # 0. One trend chart, rendered alone (the packs and the scorecard pages draw one per target).
    chart_render_time()
    print()

    # 1. One realistic vendor pack: the whole pipeline against WeasyPrint alone on the same HTML.
    app = make_app(args.database_url)
    seed_start = time.perf_counter()
    vendor_id = seed_vendor(app)
    seeded = time.perf_counter() - seed_start
    packs = {locale: vendor_pack_vs_weasyprint(app, vendor_id, locale, args.repeat) for locale in ("en", "ja")}

    # 2. generate-packs for N vendors (N vendor packs and the portfolio pack), 1 process against 2.
    gen_app = make_app(_suffixed(args.database_url, "_gen"))
    seed_many(gen_app, args.vendors, args.months)
    with gen_app.app_context():
        from vendorportal.core.formatting import today

        period = str(_month(today()))
    overhead = startup(gen_app, period)
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for jobs in (1, 2, 1, 2) if not args.quick else (1, 2):
        run = generate_packs(gen_app, period, jobs, args.language)
        assert run["done"] == args.vendors + 1, f"expected {args.vendors + 1} packs done, {run['done']} were"
        runs[jobs].append(run)

    # 3. The portfolio pack for many vendors, in a fresh process for a clean peak RSS.
    port_app = make_app(_suffixed(args.database_url, "_portfolio"))
    seed_many(port_app, args.portfolio_vendors, args.months)
    port = portfolio(port_app, args.language)

    db_kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {db_kind}, "
          f"{sys.executable.split('/')[-1]} {sys.version.split()[0]}, load average {load_at_start:.1f} at the start "
          f"and {os.getloadavg()[0]:.1f} at the end (other work on the machine makes every figure noisier)")
    print()
    vendor = packs["en"]
    shape = ", ".join(f"{ref} {targets} targets/{charts} charts" for ref, targets, charts in vendor["sections"])
    print(f"1. vendor pack, Northwind (demo + 2 contracts, seeded in {seeded:.1f} s): {shape}; "
          f"{args.repeat} interleaved runs each, medians")
    for locale, r in packs.items():
        ratio = r["full"] / r["alone"]
        print(f"   {locale}: {r['pages']} pages, HTML {r['html_kb']:.0f} KB, PDF {r['kb']:.0f} KB")
        print(f"     WeasyPrint alone, same HTML:       {r['alone']:7.3f} s   (runs {_list(r['alone_all'])})")
        print(f"     data + charts + templates + PDF:   {r['full']:7.3f} s   (runs {_list(r['full_all'])})")
        print(f"     one more run by stage: scorecards and queries {r['data']:.3f} s, charts {r['charts']:.3f} s, "
              f"templates {r['template']:.3f} s")
        print(f"     CPU-time medians (for reference): {r['full_cpu']:.3f} s / {r['alone_cpu']:.3f} s = "
              f"{r['full_cpu'] / r['alone_cpu']:.2f}")
        best = min(r["full_all"]) / min(r["alone_all"])
        print(f"     fastest runs (for reference; the noise here only ever adds time): {min(r['full_all']):.3f} s / "
              f"{min(r['alone_all']):.3f} s = {best:.2f}")
        print(f"     ratio {ratio:4.2f} x WeasyPrint alone (medians; bound 1.3)   {verdict(ratio <= 1.3)}")
    print()
    one, two = (min(runs[jobs], key=lambda r: r["wall"]) for jobs in (1, 2))
    speedup = one["wall"] / two["wall"]
    print(f"2. vendorportal generate-packs --period {period} --language {args.language} --jobs 1|2: {args.vendors} "
          f"vendors x {args.months} months (seed_scale), {args.vendors + 1} packs a run ({args.vendors} vendor packs "
          f"and the portfolio pack), runs interleaved, best of {len(runs[1])}")
    print(f"     start-up and exit alone (asking for no vendor): {overhead:5.2f} s, in both figures below")
    for jobs, best in ((1, one), (2, two)):
        print(f"     --jobs {jobs}: {best['wall']:6.2f} s   (runs {_list([r['wall'] for r in runs[jobs]])}; "
              f"CPU {best['cpu']:.1f} s = {best['cpu'] / best['wall']:.2f} cores busy; load before {best['load']:.1f})")
        print(f"               packs rendering {best['rendering']:.2f} s, sum of pack times {best['busy']:.2f} s; "
              f"portfolio pack {best['portfolio']:.2f} s, started at +{best['portfolio_start']:.2f} s, "
              f"{best['tail']:.2f} s after the last vendor pack")
    print(f"     speed-up {speedup:4.2f} x (bound 1.6)   {verdict(speedup >= 1.6)}")
    print()
    print(f"3. portfolio pack ({args.language}), {port['vendors']} vendors x {args.months} months (seed_scale), "
          "a fresh process")
    print(f"     {port['pages']} pages, PDF {port['pdf_kb'] / 1024:.1f} MB, HTML {port['html_kb'] / 1024:.1f} MB")
    print(f"     render {port['total_s']:6.2f} s (data {port['data_s']:.2f} s, templates {port['template_s']:.2f} s, "
          f"WeasyPrint {port['pdf_s']:.2f} s); process wall time {port['wall_s']:.2f} s")
    print(f"     peak RSS {port['peak_mb']:6.0f} MB ({port['before_mb']:.0f} MB before the render)   "
          f"{verdict(port['pages'] > 0)} (renders; no memory bound)")
    print()
    print(f"bench wall time {time.perf_counter() - started:.0f} s")
    for each in (app, gen_app, port_app):
        if not args.database_url:
            shutil.rmtree(each.instance_path, ignore_errors=True)


def _list(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
