"""Bench: invite 5,000 trainers at once, and render the printable sheet of 300 invitations (QR each).

Budgets (the invitations issue): 5,000 trainers invited in under 10 s; the sheet of 300 in under 5 s. A fresh
SQLite database holds the test world plus 5,000 active trainers of one commune (persons with phones, no
accounts). The invitation is `app.invitations.operations.invite_many` as the "every trainer without an account"
page calls it (the selection as a SELECT), committed; the sheet is the page a coordinator prints, rendered
through the test client (`POST /invitations/invite` with 300 trainers, channel "sheet"), request and commit
included. Usage: python -m bench invitations [--trainers N] [--sheet N].
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time


def _arg(argv: list[str], name: str, default: int) -> int:
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(argv: list[str]) -> None:
    total, sheet = _arg(argv, "--trainers", 5_000), _arg(argv, "--sheet", 300)
    os.environ.setdefault("LANTOA_ENV", "test")
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.invitations.operations import invite_many
    from app.invitations.queries import without_account
    from app.models import Invitation, Person, Trainer, User
    from app.text import fold
    from app.timeutil import utcnow
    from tests import factories

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "SERVER_NAME": "lantoa.bench"})
        with app.app_context():
            db.create_all()
            factories.build_world()
            district = factories.area("D171")
            communes = [a for a in db.session.scalars(select(factories.Area).where(
                factories.Area.parent_id == district.id).order_by(factories.Area.code))]
            commune, second = communes[0], communes[1]
            root = db.session.scalar(select(Trainer).order_by(Trainer.id).limit(1))

            def add_trainers(area, count: int, offset: int) -> None:
                db.session.execute(db.insert(Person), [
                    {"full_name": f"Giảng Viên {i}", "search_key": fold(f"Giảng Viên {i}"),
                     "phone": f"+849{40000000 + i}", "home_area_id": area.id} for i in range(offset, offset + count)])
                persons = db.session.execute(select(Person.id, Person.search_key).where(
                    Person.phone >= f"+849{40000000 + offset}", Person.phone < f"+849{40000000 + offset + count}"))
                db.session.execute(db.insert(Trainer), [
                    {"person_id": pid, "tier": "local", "mentor_id": root.id, "max_level": 1, "status": "active",
                     "area_id": area.id, "path": root.path, "generation": 1, "search_key": key}
                    for pid, key in persons])

            add_trainers(commune, total, 0)
            add_trainers(second, sheet, total)
            db.session.commit()
            admin = db.session.scalar(select(User).where(User.username == "admin"))
            with app.test_request_context():
                t0 = time.perf_counter()
                outcome = invite_many(admin, without_account(admin, commune.id, None, utcnow()), "sheet")
                db.session.commit()
                invite_s = time.perf_counter() - t0
            issued = len(outcome.issued)
            stored = db.session.scalar(select(db.func.count(Invitation.id)))
            ids = [str(i) for i in db.session.scalars(select(Trainer.id).where(Trainer.area_id == second.id))]
            db.session.remove()

            client = app.test_client()
            client.post("/login", data={"username": "admin", "password": factories.PASSWORD})
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                response = client.post("/invitations/invite", data={"trainer_ids": ids, "channel": "sheet"})
                html = response.get_data(as_text=True)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, html[:500]
                cards = len(re.findall(r'class="invitation-card"', html))
                assert cards == len(ids), (cards, len(ids))
            db.engine.dispose()
    print(f"invite {issued:,} trainers at once (accounts, links, audit, committed): {invite_s:.2f} s "
          f"({issued / invite_s:,.0f}/s); {stored:,} links stored — budget 10 s for 5,000")
    print(f"sheet of {len(ids)} invitations with QR codes (request → HTML, committed): median "
          f"{statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} — budget 5 s for 300")


if __name__ == "__main__":
    main(sys.argv[1:])
