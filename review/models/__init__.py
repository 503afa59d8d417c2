"""The review's data: the city's preliminary review and recommendation (city.py), and the
province's formal check, experts, conflicts, assignments, rubric, score sheets and candidate list
(experts.py)."""

from review.models.city import (  # noqa: F401
    CheckStatus,
    CoReview,
    PreliminaryReview,
    Recommendation,
    RecommendationItem,
)
from review.models.experts import (  # noqa: F401
    AlternateExpert,
    Assignment,
    CandidateConcurrence,
    CandidateItem,
    CandidateList,
    Conflict,
    DiscussionPost,
    ExpertDraw,
    ExpertProfile,
    FormalCheck,
    Panel,
    PanelOpinion,
    RankingExport,
    RankingRow,
    RankingSnapshot,
    RubricCriterion,
    ScoreSheet,
    Specialty,
)
