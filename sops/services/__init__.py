"""Every change to a procedure, split by concern:

* ``drafting``: create, file, edit (and save-and-submit) drafts, revise, adapt, attach;
* ``workflow``: the declared moves (submit, return, publish, take effect, withdraw,
  reviewed with no change) and the review reminders;
* ``acknowledgements``: acknowledging the version in force and chasing those who have not;
* ``policy``: an agency's rules (four eyes, days to acknowledge);
* ``translations``: linking a translation to its source, and telling translations they lag.

Callers keep writing ``from sops import services`` and ``services.<function>``.
"""

from sops.services.acknowledgements import acknowledgement_reminders_emit, version_acknowledge
from sops.services.common import MOVES
from sops.services.drafting import (
    DEFAULT_MAX_UPLOAD,
    DRAFT_FIELDS,
    attachment_add,
    attachment_remove,
    sop_adapt,
    sop_create,
    sop_update,
    version_save_and_submit,
    version_start_revision,
    version_update,
)
from sops.services.policy import agency_policy_set
from sops.services.translations import sop_translation_link, sop_translation_unlink
from sops.services.workflow import (
    four_eyes_blocks,
    review_reminders_emit,
    version_mark_reviewed,
    version_publish,
    version_return,
    version_submit,
    version_withdraw,
    versions_take_effect,
)

__all__ = [
    "DEFAULT_MAX_UPLOAD",
    "DRAFT_FIELDS",
    "MOVES",
    "acknowledgement_reminders_emit",
    "agency_policy_set",
    "attachment_add",
    "attachment_remove",
    "four_eyes_blocks",
    "review_reminders_emit",
    "sop_adapt",
    "sop_create",
    "sop_translation_link",
    "sop_translation_unlink",
    "sop_update",
    "version_acknowledge",
    "version_mark_reviewed",
    "version_publish",
    "version_return",
    "version_save_and_submit",
    "version_start_revision",
    "version_submit",
    "version_update",
    "version_withdraw",
    "versions_take_effect",
]
