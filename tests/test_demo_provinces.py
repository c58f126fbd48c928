"""`lantoa demo --provinces N`: synthetic copies of the province stay out of the programme province's counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db


@pytest.mark.no_db
def test_a_synthetic_province_stays_out_of_the_programme(own_database, monkeypatch, tmp_path):
    from app import counts
    from app.areas.maps import programme_roots, working_map
    from app.demo import seed_demo
    from app.demo.provinces import add_provinces
    from app.models import Area, Certificate, Enrollment, Person, PointEntry, Trainer, TrainingClass, Unit
    from app.timeutil import local_today

    app, _url = own_database
    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    with app.app_context():  # no request: every count is read afresh
        seed_demo("demo", echo=lambda _line: None)
        db.session.commit()
        today = local_today()
        province = db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == working_map()))
        roots = [r.id for r in programme_roots(today)]
        districts = list(db.session.scalars(select(Area).where(Area.parent_id == province.id).order_by(Area.code)))

        def programme_figures():
            graph = counts.AreaGraph.load()
            return ([counts.figures(db.session.get(Area, r), today, graph) for r in roots],
                    [counts.figures(d, today, graph) for d in districts])

        def rows(model):
            return db.session.scalar(select(func.count(model.id)))

        before = programme_figures()
        sizes = {m: rows(m) for m in (Person, Trainer, TrainingClass, Enrollment, Certificate, PointEntry, Unit)}
        add_provinces(province, 2, echo=lambda _line: None)
        db.session.commit()
        assert [r.id for r in programme_roots(today)] == roots
        assert programme_figures() == before
        for model, n in sizes.items():
            assert rows(model) == 2 * n, model
        copy = db.session.scalar(select(Area).where(Area.code == "M2-P19"))
        assert copy.name == "Tỉnh mẫu 2" and copy.parent_id is None and copy.valid_from == province.valid_from
        assert copy.id not in roots
        # the copy is the province's twin: the same figures, in its own subtree
        graph = counts.AreaGraph.load()
        assert counts.figures(copy, today, graph) == counts.figures(province, today, graph)
        assert db.session.scalar(select(func.count(Area.id)).where(Area.path.startswith(copy.path))) == \
            db.session.scalar(select(func.count(Area.id)).where(Area.path.startswith(province.path)))
        # unique values stay unique: phones, national IDs, certificate codes and serials
        for column in (Person.phone, Person.national_id, Certificate.code, Certificate.serial):
            assert db.session.scalar(select(func.count(func.distinct(column)))) == \
                db.session.scalar(select(func.count(column))), column
        assert db.session.scalar(select(func.count(Person.id)).where(Person.phone.like("+841%"))) > 0
        # a copied trainer's mentor and person are copies too: paths and persons inside the copy
        mentor = db.session.scalar(select(Trainer).where(Trainer.mentor_id.is_not(None)).order_by(Trainer.id.desc())
                                   .limit(1))
        assert mentor.path.endswith(f"/{mentor.mentor_id}/{mentor.id}/")
        home = db.session.scalar(select(Area.path).join(Person, Person.home_area_id == Area.id)
                                 .where(Person.id == mentor.person_id))
        assert home.startswith(copy.path)
        assert db.session.scalar(select(func.count(Trainer.id)).where(Trainer.origin_class_id.is_not(None))) == \
            2 * db.session.scalar(select(func.count(Trainer.id)).where(Trainer.origin_class_id.is_not(None),
                                                                       Trainer.id <= sizes[Trainer]))


def test_ids_are_padded_never_cut(app):
    from sqlalchemy import literal

    from app.demo.provinces import _padded

    assert db.session.scalar(select(_padded(literal(42), 6))) == "000042"
    assert db.session.scalar(select(_padded(literal(1_234_567), 6))) == "1234567"
