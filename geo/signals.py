"""Events other apps may react to. `geo` sends them and knows nothing of who listens (triage
re-runs the applications a reloaded layer may change). Sent once the load has committed."""

from django.dispatch import Signal

# sender=ConstraintLayer, dataset=<slug>, source=<source name>
layer_loaded = Signal()
