"""The trainer network of Lan Tỏa as pure Python: no web framework, no database.

The cascade is a forest (each trainer has at most one mentor). This package checks mentor links
(:mod:`~network.links`), computes the whole-network pass with NumPy arrays (:mod:`~network.forest`,
:mod:`~network.analysis`), network measures and roll-ups (:mod:`~network.metrics`), stored lineage for
incremental changes (:mod:`~network.lineage`), a networkx view and reference (:mod:`~network.graph`) and
assignment suggestions by min-cost flow (:mod:`~network.assignment`). Errors derive from
:class:`~network.errors.NetworkError` and carry a stable ``code``. Dates are always parameters.
"""

from .analysis import (
    NO_DATE,
    NetworkAnalysis,
    TrainerMetrics,
    analyse,
    analyse_records,
    date_ordinals,
    trainer_metrics,
)
from .assignment import (
    CostModel,
    Need,
    Suggestion,
    TrainerSlot,
    pair_cost,
    slots_from_trainers,
    suggest_assignments,
    unmet_needs,
)
from .errors import (
    ERROR_CODES,
    CycleError,
    DuplicateTrainerError,
    InactiveMentorError,
    InvalidInputError,
    InvalidPathError,
    MentorLevelError,
    NetworkError,
    SecondMentorError,
    SelfMentorError,
    UnknownMentorError,
)
from .forest import Forest, build_forest
from .graph import ReferenceForest, build_graph, graph_from_arrays, reference_pass, reference_subtree_sum
from .idmap import id_index, mentor_array
from .lineage import (
    IntervalIndex,
    Lineage,
    PathIndex,
    generation_of,
    in_subtree,
    insert,
    move_subtree,
    parse_path,
    path_for,
    reparent,
    root_of,
    subtree_pattern,
)
from .links import LinkProblem, check_link, find_loop, link_problems, validate_links
from .metrics import (
    DormantBranch,
    Rollup,
    branching_by_generation,
    dormant_branches,
    dormant_trainers,
    longest_chains,
    reproduction_number,
    rollup,
)
from .records import STATUSES, TIERS, ClassRecord, Trainer

__all__ = [
    # errors
    "NetworkError", "SelfMentorError", "CycleError", "UnknownMentorError", "InactiveMentorError",
    "MentorLevelError", "SecondMentorError", "DuplicateTrainerError", "InvalidPathError", "InvalidInputError",
    "ERROR_CODES",
    # records
    "Trainer", "ClassRecord", "STATUSES", "TIERS",
    # links
    "check_link", "link_problems", "validate_links", "find_loop", "LinkProblem",
    # forest and analysis
    "Forest", "build_forest", "mentor_array", "id_index",
    "NetworkAnalysis", "TrainerMetrics", "analyse", "analyse_records", "trainer_metrics", "date_ordinals",
    "NO_DATE",
    # metrics
    "Rollup", "DormantBranch", "rollup", "branching_by_generation", "reproduction_number", "longest_chains",
    "dormant_trainers", "dormant_branches",
    # lineage
    "Lineage", "parse_path", "path_for", "generation_of", "root_of", "subtree_pattern", "in_subtree", "insert",
    "reparent", "move_subtree", "PathIndex", "IntervalIndex",
    # graph
    "build_graph", "graph_from_arrays", "reference_pass", "reference_subtree_sum", "ReferenceForest",
    # assignment
    "TrainerSlot", "Need", "CostModel", "Suggestion", "suggest_assignments", "pair_cost", "slots_from_trainers",
    "unmet_needs",
]
