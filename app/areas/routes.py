from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.areas import queries
from app.areas.maps import AreaGraph, available_maps
from app.areas.switch import selected_map
from app.extensions import db
from app.models import Area
from app.scope import get_or_404, visible
from app.web.lists import apply_search, paginate, search_text

bp = Blueprint("areas", __name__, url_prefix="/areas")


@bp.get("/")
@login_required
def index():
    q = search_text()
    maps = available_maps()
    current = selected_map(maps)
    day = current.valid_from if current else None
    if not q:
        roots = queries.root_areas(current_user, day)
        if len(roots) == 1:
            return redirect(url_for("areas.show", area_id=roots[0].id))
    stmt = select(Area).where(visible(Area, current_user)).order_by(Area.path)
    if q:
        stmt = apply_search(stmt, Area.search_key, q)
    else:
        stmt = stmt.where(Area.parent_id.is_(None))
        if day is not None:
            stmt = stmt.where(Area.valid_from <= day, (Area.valid_to.is_(None)) | (Area.valid_to >= day))
    return render_template("areas/index.html", page=paginate(stmt), q=q, maps=maps, current_map=current)


def _other_maps(area: Area, graph: AreaGraph, maps) -> list[tuple]:
    """The same place on every other map: (map, area there) for those the user may see."""
    images = {m.key: graph.image(area.id, m.valid_from) for m in maps if not m.valid_on(area.valid_from)}
    ids = {i for i in images.values() if i is not None}
    shown = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids), visible(Area, current_user)))}
    return [(m, shown.get(images.get(m.key))) for m in maps if m.key in images]


@bp.get("/<int:area_id>")
@login_required
def show(area_id: int):
    area = get_or_404(Area, area_id, current_user)
    maps = available_maps()
    graph = AreaGraph.load()
    others = _other_maps(area, graph, maps)
    asked = request.args.get("map")
    for info, there in others:
        if info.key == asked and there is not None:
            return redirect(url_for("areas.show", area_id=there.id, map=asked))
    own = next((m for m in maps if m.valid_on(area.valid_from)), None)
    return render_template(
        "areas/show.html",
        area=area,
        crumbs=queries.lineage(area, current_user),
        overview=queries.overview(area, graph),
        own_map=own,
        others=others,
    )
