from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.areas import queries as area_queries
from app.areas.maps import AreaGraph, available_maps, programme_province, programme_roots
from app.areas.switch import selected_map
from app.extensions import db
from app.models import Trainer, TrainingClass
from app.permissions import home_for
from app.scope import scoped
from app.timeutil import local_today
from app.training.queries import class_counts

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    """Each role lands where its work is (`home_for`): coordinators on their area or unit, trainers on their
    classes, everyone else on the programme overview."""
    user = current_user
    home, home_id = home_for(user)
    if home == "area":
        return redirect(url_for("areas.show", area_id=home_id))
    if home == "unit":
        return redirect(url_for("units.show", unit_id=home_id))
    if home == "trainer":
        trainer = db.session.scalar(scoped(Trainer, user))
        classes = list(db.session.scalars(
            scoped(TrainingClass, user).options(joinedload(TrainingClass.venue_area))
            .order_by(TrainingClass.start_on.desc()).limit(20).execution_options(populate_existing=True)
        ))
        rule = class_counts(trainer.id) if trainer else None
        return render_template("dashboard/trainer.html", trainer=trainer, classes=classes, rule=rule)
    maps = available_maps()
    current = selected_map(maps)
    overview, outside, province = [], None, None
    if current is not None:
        graph = AreaGraph.load()
        counts, stored = area_queries.stored_map_counts(current.valid_from)  # a summary, never a live scan
        # the programme's area today on that map: old Thái Nguyên before 1/7/2025 (old Bắc Kạn is not in the
        # programme), from then on the merged province (old Thái Nguyên and old Bắc Kạn on the 2024 map)
        roots = programme_roots(local_today(), current.valid_from, graph) if user.scope_area_id is None else []
        if len(roots) > 1:
            province = programme_province(local_today())
        roots = roots or area_queries.root_areas(user, current.valid_from)
        overview = [(a, area_queries.overview(a, graph, counts, stored)) for a in roots]
        outside = area_queries.outside_map(current.valid_from, graph, counts)
    return render_template("dashboard/steering.html", overview=overview, outside=outside, maps=maps,
                           current_map=current, province=province)
