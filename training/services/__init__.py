"""Every change to trainings and exercises: permission check, one transaction, audit, events.
Views, the API, the admin, the demo loader and the outbox handlers all come through here,
split by concern:

* ``activities``: create, edit, publish, cancel;
* ``registrations``: register, nominate, add, mark attendance and completion, cancel; trainer
  qualification;
* ``after_action``: reports, observations, corrective actions and their change requests;
* ``stale``: flagging training on an SOP version a major revision replaced;
* ``feeds``: the private calendar feed token;
* ``common``: the organiser check, row locks and the activity's event.

Callers keep writing ``from training import services`` and ``services.<function>``.
"""

from training.services.activities import (
    ACTIVITY_FIELDS,
    NOTEWORTHY,
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
)
from training.services.after_action import (
    action_add,
    action_address,
    action_assign,
    action_update,
    actions_close_for,
    actions_overdue_emit,
    observation_add,
    report_save,
)
from training.services.feeds import calendar_feed_for, calendar_feed_renew
from training.services.registrations import (
    MOVES,
    registration_add,
    registration_cancel,
    registration_mark,
    registration_nominate,
    registration_register,
    trainer_qualify,
)
from training.services.stale import training_flag_stale

__all__ = [
    "ACTIVITY_FIELDS",
    "MOVES",
    "NOTEWORTHY",
    "action_add",
    "action_address",
    "action_assign",
    "action_update",
    "actions_close_for",
    "actions_overdue_emit",
    "activity_cancel",
    "activity_create",
    "activity_publish",
    "activity_update",
    "calendar_feed_for",
    "calendar_feed_renew",
    "observation_add",
    "registration_add",
    "registration_cancel",
    "registration_mark",
    "registration_nominate",
    "registration_register",
    "report_save",
    "trainer_qualify",
    "training_flag_stale",
]
