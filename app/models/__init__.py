"""ORM models. Import from here: `from app.models import Area, Trainer`."""

from app.models.area import Area
from app.models.audit import AuditEvent
from app.models.evidence import DistrictPlan, Evidence
from app.models.gap import Gap, GapEvent
from app.models.jobs import JobRun, OutboxMessage, SchedulerLease
from app.models.person import Person
from app.models.plan import Activity, ActivityDependency, Phase, Plan, activity_lead_units
from app.models.trainer import Trainer
from app.models.training import Enrollment, TrainingClass
from app.models.unit import Unit
from app.models.user import User

__all__ = ["Activity", "ActivityDependency", "Area", "AuditEvent", "DistrictPlan", "Enrollment", "Evidence", "Gap",
           "GapEvent", "JobRun", "OutboxMessage", "Person", "Phase", "Plan", "SchedulerLease", "Trainer",
           "TrainingClass", "Unit", "User", "activity_lead_units"]
