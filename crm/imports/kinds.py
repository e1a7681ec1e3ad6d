"""The kinds of import and the rules of each: RULES["projects"] and its siblings."""

from __future__ import annotations

from .enterprise_rows import EnterpriseRules
from .lead_rows import LeadRules
from .project_rows import ProjectRules
from .rules import Rules
from .visit_rows import VisitRules

RULES: dict[str, Rules] = {"enterprises": EnterpriseRules(), "leads": LeadRules(), "projects": ProjectRules(),
                           "visits": VisitRules()}
