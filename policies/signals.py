"""Events other apps may react to (triage re-runs the applications a change affects). Sent from
`transaction.on_commit`: a receiver sees the committed rows. `policies` knows nothing of who
listens.
"""

from django.dispatch import Signal

# sender=PolicyFramework, framework=<PolicyFramework>, superseded=[Policy ids no longer
# current], added=[Policy ids now current that were not before]
policies_changed = Signal()
# sender=ValidationRequirement, council=<Council or None for the national list>
requirements_changed = Signal()
# sender=ConsultationRule, council=<Council or None for the national list>
consultations_changed = Signal()
