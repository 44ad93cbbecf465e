"""Where the consensus PDF's time goes, stage by stage (prints numbers; no asserts).

    python -m benchmarks.report_pdf [--assets 2000] [--proposals 200] [--participants 30]
                                    [--repeat 2] [--profile N]

Seeds the same closed workshop as benchmarks/report.py (30 participants voting on 200
proposals: 6,000 votes), then times, best of --repeat: the document model, the HTML
(model included), WeasyPrint's parse + layout (`HTML.render`), its PDF writing with font
subsetting (`Document.write_pdf`), and `report_pdf` end to end. --profile N prints the
N costliest functions of one `report_pdf` (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.report import fresh_database, seeded
from workshop.assessments.service import latest_record
from workshop.assessments.versions import current_content


def best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    from workshop.reports import model, render
    from workshop.workshops.models import Workshop

    folder = Path(tempfile.mkdtemp())
    try:
        database = fresh_database(folder)
        ws_id = seeded(database, args)
        with database.unit_of_work(write=False) as db:
            workshop = db.get(Workshop, ws_id)
            content = current_content(
                db=db, workshop=workshop, record=latest_record(db=db, workshop=workshop)
            )
        database.dispose()
        render.report_pdf({**content, "proposals": content["proposals"][:2]})  # warm up
        html_class, font_configuration, fetcher = render._weasyprint()
        html_text = render.report_html(content, for_pdf=True)

        def layout():  # type: ignore[no-untyped-def]
            html = html_class(string=html_text, base_url=str(render.ROOT), url_fetcher=fetcher())
            return html.render(font_config=font_configuration())

        document = layout()
        rows = [
            ("model", best(lambda: model.build(content, for_pdf=True), args.repeat)[0]),
            (
                "HTML (model included)",
                best(lambda: render.report_html(content, for_pdf=True), args.repeat)[0],
            ),
            ("WeasyPrint parse + layout", best(layout, args.repeat)[0]),
            ("WeasyPrint write_pdf", best(document.write_pdf, args.repeat)[0]),
        ]
        total, pdf = best(lambda: render.report_pdf(content), args.repeat)
        rows.append(("report_pdf end to end", total))
        load = os.getloadavg()[0]
        print(
            f"{args.assets} assets, {args.proposals} proposals, {args.participants} "
            f"participants; {len(document.pages)} pages, {len(pdf) / 1e6:.2f} MB; "
            f"load average {load:.2f}"
        )
        for name, seconds in rows:
            print(f"  {name:28s} {seconds:6.2f} s")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(render.report_pdf, content)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
