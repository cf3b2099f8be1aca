"""Every change to capacities and needs: permission-checked, in one transaction, audited,
and announced through the outbox (``assessment.validated`` notifies a country's followers
and puts the assessment in search).

Split by concern: ``framework`` (indicators), ``assessments`` (scores, evidence and the
workflow), ``needs``, ``registers`` (deliveries, regulations). Callers keep writing
``from capacity import services`` and ``services.<function>``.
"""

from capacity.services.assessments import (
    assessment_comment,
    assessment_return,
    assessment_start,
    assessment_submit,
    assessment_update,
    assessment_validate,
    evidence_add,
    evidence_remove,
    score_set,
)
from capacity.services.common import EDITABLE
from capacity.services.framework import indicator_restore, indicator_retire, indicator_save
from capacity.services.needs import need_add, need_mark_met, need_set_status
from capacity.services.registers import can_edit_regulations, delivery_record, regulation_save

__all__ = [
    "EDITABLE",
    "assessment_comment",
    "assessment_return",
    "assessment_start",
    "assessment_submit",
    "assessment_update",
    "assessment_validate",
    "can_edit_regulations",
    "delivery_record",
    "evidence_add",
    "evidence_remove",
    "indicator_restore",
    "indicator_retire",
    "indicator_save",
    "need_add",
    "need_mark_met",
    "need_set_status",
    "regulation_save",
    "score_set",
]
