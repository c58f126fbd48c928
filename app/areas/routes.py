from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.areas import queries
from app.models import Area
from app.scope import get_or_404, visible
from app.web.lists import apply_search, paginate, search_text

bp = Blueprint("areas", __name__, url_prefix="/areas")


@bp.get("/")
@login_required
def index():
    q = search_text()
    if not q:
        roots = queries.root_areas(current_user)
        if len(roots) == 1:
            return redirect(url_for("areas.show", area_id=roots[0].id))
    stmt = select(Area).where(visible(Area, current_user)).order_by(Area.path)
    if q:
        stmt = apply_search(stmt, Area.search_key, q)
    else:
        stmt = stmt.where(Area.parent_id.is_(None))
    return render_template("areas/index.html", page=paginate(stmt), q=q)


@bp.get("/<int:area_id>")
@login_required
def show(area_id: int):
    area = get_or_404(Area, area_id, current_user)
    return render_template(
        "areas/show.html",
        area=area,
        crumbs=queries.lineage(area, current_user),
        children=queries.children_with_counts(area),
        totals=queries.subtree_totals(area),
    )
