"""ORM models. Import from here: `from app.models import Area, Trainer`."""

from app.models.api import ApiClient, ApiToken, LearningRecord
from app.models.area import Area
from app.models.assignment import AreaNeighbour, Assignment, AssignmentSuggestions
from app.models.audit import AuditEvent
from app.models.certificate import Certificate
from app.models.evidence import DistrictPlan, Evidence
from app.models.export import ExportFile
from app.models.gap import Gap, GapCount, GapEvent
from app.models.invitation import Invitation
from app.models.jobs import JobRun, OutboxMessage, SchedulerLease
from app.models.map_change import AreaCrosswalk, AreaRehoming
from app.models.network import NetworkRollup, NetworkSnapshot, TrainerStats
from app.models.person import Person
from app.models.plan import Activity, ActivityDependency, Phase, Plan, activity_lead_units
from app.models.points import AreaPopulation, PointEntry, PointTotal
from app.models.report import Report, ReportNarrative
from app.models.setting import RateHit, RateWindow, Setting
from app.models.summary import Summary
from app.models.target import IndicatorSnapshot, Target
from app.models.trainer import Trainer
from app.models.training import Enrollment, TrainingClass
from app.models.unit import Unit, UnitCrosswalk, UnitMove, UnitName
from app.models.user import User

__all__ = [
    "Area", "AreaCrosswalk", "AreaNeighbour", "AreaPopulation", "AreaRehoming", "Assignment", "AssignmentSuggestions", "AuditEvent",
    "Certificate", "Enrollment", "NetworkRollup", "NetworkSnapshot", "Person", "PointEntry", "PointTotal", "RateHit",
    "RateWindow", "Report", "ReportNarrative", "Setting", "ExportFile",
    "Trainer", "TrainerStats", "TrainingClass", "Unit", "UnitCrosswalk", "UnitMove", "UnitName", "User",
    # the rollout plan, gaps, periodic jobs and mail
    "Activity", "ActivityDependency", "DistrictPlan", "Evidence", "Gap", "GapCount", "GapEvent", "JobRun", "OutboxMessage", "Phase",
    "Plan", "SchedulerLease", "activity_lead_units",
    # targets and their daily measures
    "IndicatorSnapshot", "Target",
    # the API: clients, tokens and the learning records they send
    "ApiClient", "ApiToken", "LearningRecord",
    # sign-in for trainers: invitation and password-reset links
    "Invitation",
    # stored summaries of what dashboards show (app/summaries)
    "Summary",
]
