"""The table of every lint rule: one module per rule, registered here once.

Rule ids are stable: configurations and suppression comments name them, so
an id is never renamed or reused. The order of the table is the order of
`playbook rules` and of docs/rules.md.
"""

from __future__ import annotations

from playbook.lint.base import Rule
from playbook.lint.rules import (
    kit_complete,
    lead_partner,
    motion_pnl,
    no_channel_manager,
    observable_trigger,
    one_sentence,
    ownership_freshness,
    portfolio_duplicate_trigger,
    portfolio_idle_partner_type,
    portfolio_lifecycle_gap,
    portfolio_size,
    sla_accountability,
    suppression_expired,
    suppression_invalid,
    suppression_unused,
)

_MODULES = (
    one_sentence,
    observable_trigger,
    lead_partner,
    kit_complete,
    sla_accountability,
    motion_pnl,
    no_channel_manager,
    ownership_freshness,
    portfolio_size,
    portfolio_duplicate_trigger,
    portfolio_lifecycle_gap,
    portfolio_idle_partner_type,
    suppression_invalid,
    suppression_expired,
    suppression_unused,
)

RULES: dict[str, Rule] = {m.ID: Rule.from_module(m) for m in _MODULES}
"""Every rule by id, in documentation order."""
